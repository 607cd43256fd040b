package org.thingservice.gateway.invoke;

/** Names of the exchange properties and headers the routes and beans share. */
public final class Exchanges {
    /** the Invocation being processed */
    public static final String INVOCATION = "invocation";
    /** the RequestId, set before anything can fail */
    public static final String REQUEST_ID = "requestId";
    /** the ResponseFormat the caller asked for */
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

    private Exchanges() {
    }
}
