package org.thingservice.gateway.invoke;

/** Names of the exchange properties and headers the routes and beans share. */
public final class Exchanges {
    /** the Invocation being processed */
    public static final String INVOCATION = "invocation";
    /** the RequestId, set before anything can fail */
    public static final String REQUEST_ID = "requestId";
    /**
     * the name of the ResponseFormat the caller asked for (JSON or XML): a String, because the routes compare it with
     * 'XML', and Simple compares an enum with a String by a type-converter search that cost more than the rest of the
     * reply path
     */
    public static final String FORMAT = "format";
    /** the HTTP status of the answer */
    public static final String HTTP_STATUS = "httpStatus";
    /** header: pk/dn/id, the key on which a request and its reply meet */
    public static final String CORRELATION_KEY = "TsgCorrelationKey";
    /** header: how long the request half waits for its reply, ms */
    public static final String REPLY_TIMEOUT = "TsgReplyTimeout";

    private Exchanges() {
    }
}
