package org.thingservice.gateway.invoke;

import org.apache.camel.Exchange;

/** Names of the exchange properties and headers the routes and beans share. */
public final class Exchanges {
    /** the Invocation being processed */
    public static final String INVOCATION = "invocation";
    /** the RequestId, set before anything can fail */
    public static final String REQUEST_ID = "requestId";
    /**
     * the name of the ResponseFormat the caller asked for (JSON or XML): a String, because routes/invoke.yaml compares
     * it with 'XML', and Simple compares an enum with a String by a type-converter search that cost a fifth of the
     * gateway's CPU per call (JFR, 64 callers). Set and read it through format(...).
     */
    public static final String FORMAT = "format";
    /** the AccessKeyId of the caller whose signature verified, for the log line */
    public static final String CALLER = "TsgCaller";
    /** the Action of an HTTP call */
    public static final String ACTION = "action";
    /** the parameters of an HTTP call, by name */
    public static final String PARAMS = "params";
    /** where the call came from: http, kafka or file (set by each source route) */
    public static final String SOURCE = "source";
    /** the HTTP status of the answer */
    public static final String HTTP_STATUS = "httpStatus";
    /** header: pk/dn/id, the key on which a request and its reply meet */
    public static final String CORRELATION_KEY = "TsgCorrelationKey";
    /** header: how long the request half waits for its reply, ms */
    public static final String REPLY_TIMEOUT = "TsgReplyTimeout";

    /** Sets the exchange property format (see FORMAT). */
    public static void format(Exchange exchange, ResponseFormat format) {
        exchange.setProperty(FORMAT, format.name());
    }

    /** The exchange property format, as set by format(exchange, format). */
    public static ResponseFormat format(Exchange exchange) {
        return ResponseFormat.valueOf(exchange.getProperty(FORMAT, String.class));
    }

    private Exchanges() {
    }
}
