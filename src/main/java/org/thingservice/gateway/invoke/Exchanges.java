package org.thingservice.gateway.invoke;

import org.apache.camel.Exchange;
import org.thingservice.gateway.api.ResponseFormat;

/**
 * Every exchange property and header name that the routes (routes/*.camel.yaml) and the beans share, in one place.
 *
 * <p>One naming scheme: an exchange property or an internal header is named {@code Tsg} + UpperCamelCase (the
 * constant is that name without {@code Tsg}, in UPPER_SNAKE_CASE), so it can never meet a Camel header
 * ({@code Camel...}) or a name a caller sends. The routes refer to them as {@code ${exchangeProperty.TsgX}} and
 * {@code ${header.TsgX}}; ExchangesTest checks that every such name in routes/*.camel.yaml is declared here.
 *
 * <p>The headers of the Kafka result and dead-letter records ({@link #REQUEST_ID_HEADER} and below) are part of the
 * product's contract with its consumers: their names do not follow the scheme, and must not change.
 */
public final class Exchanges {

    // ------------------------------------------------------------------ every call

    /** the Invocation being processed */
    public static final String INVOCATION = "TsgInvocation";
    /** the RequestId, set before anything can fail */
    public static final String REQUEST_ID = "TsgRequestId";
    /**
     * the name of the ResponseFormat the caller asked for (JSON or XML): a String, because routes/invoke.camel.yaml compares
     * it with 'XML', and Simple compares an enum with a String by a type-converter search that cost a fifth of the
     * gateway's CPU per call (JFR, 64 callers). Set and read it through format(...).
     */
    public static final String FORMAT = "TsgFormat";
    /** where the call came from: http, kafka or file (set by each source route) */
    public static final String SOURCE = "TsgSource";
    /** the Content-Type of the marshalled answer (routes/invoke.camel.yaml) */
    public static final String CONTENT_TYPE = "TsgContentType";

    // ------------------------------------------------------------------ the HTTP source

    /** the AccessKeyId of the caller whose signature verified, for the log line */
    public static final String CALLER = "TsgCaller";
    /** the Action of an HTTP call */
    public static final String ACTION = "TsgAction";
    /** the parameters of an HTTP call that were given (non-empty), by name */
    public static final String PARAMS = "TsgParams";
    /** the request's parameters as sent, empty values included (they may be signed) */
    public static final String HTTP_PARAMETERS = "TsgHttpParameters";
    /** the HTTP status of the answer */
    public static final String HTTP_STATUS = "TsgHttpStatus";

    // ------------------------------------------------------------------ flow control

    /** set while the call holds a place under gateway.invoke.max-in-flight (InFlightLimit) */
    public static final String IN_FLIGHT_HELD = "TsgInFlightHeld";
    /** set while the call holds a place among the publishes awaiting their PUBACK (PublishGate) */
    public static final String PUBLISH_GATE_HELD = "TsgPublishGateHeld";
    /** the reason code of the broker's PUBACK for the exchange just published (RequestPublisher), when it sent one */
    public static final String PUBACK_REASON_CODE = "TsgPubackReasonCode";

    // ------------------------------------------------------------------ correlation (headers)

    /** header: pk/dn/id, the key on which a request and its reply meet */
    public static final String CORRELATION_KEY = "TsgCorrelationKey";
    /** header: how long the call waits for its reply, ms */
    public static final String REPLY_TIMEOUT = "TsgReplyTimeout";
    /** set on a reply that goes on, as a forwarded async reply, to the downlink reply topic */
    public static final String FORWARD_REPLY = "TsgForwardReply";
    /** set on a reply another instance handed to this one (ReplyHandOver): it is completed here, never handed on */
    public static final String HANDED_OVER = "TsgHandedOver";
    /** header on a handed-over reply: which reply route reads it (rrpc, ext-rrpc or service), from its topic */
    public static final String REPLY_KIND = "TsgReplyKind";
    /** set on a reply for another instance that could not be handed to it (it is gone): completed here, as late */
    public static final String OWNER_GONE = "TsgOwnerGone";

    // ------------------------------------------------------------------ the processed_request table (Kafka, files)

    /** the key under which the request is claimed */
    public static final String REQUEST_KEY = "TsgRequestKey";
    /** where the request came from (topic/partition/offset, file:batch:line) */
    public static final String REQUEST_SOURCE = "TsgRequestSource";
    /** the ProcessedRequests.Claim the request got */
    public static final String CLAIM = "TsgClaim";
    /** when a redelivered request was first claimed, epoch ms */
    public static final String CLAIMED_AT = "TsgClaimedAt";
    /** for a Claim.DUPLICATE: where the first request with its RequestId came from */
    public static final String FIRST_SOURCE = "TsgFirstSource";
    /** set when the request is a redelivery whose answer was already decided (see REQUEST_RESULT) */
    public static final String ALREADY_DONE = "TsgAlreadyDone";
    /** the request's answer as text, kept with it when it is done */
    public static final String REQUEST_RESULT = "TsgRequestResult";

    // ------------------------------------------------------------------ the Kafka source

    /** the key of the result record */
    public static final String RESULT_KEY = "TsgResultKey";
    /** the request record's value as received, for the dead-letter topic */
    public static final String RECORD_VALUE = "TsgRecordValue";
    /** set when a redelivered record's result is already on the results topic */
    public static final String RESULT_WRITTEN = "TsgResultWritten";

    // ------------------------------------------------------------------ the file source, the simulator

    /** the Batch a line belongs to */
    public static final String BATCH = "TsgBatch";
    /** the Batch.Line being processed */
    public static final String BATCH_LINE = "TsgBatchLine";
    /** header: how long a simulated device waits before it answers, ms */
    public static final String SIM_DELAY = "TsgSimDelay";

    // ------------------------------------------------------------------ contract: Kafka record headers

    /** header of a result record: the call's RequestId */
    public static final String REQUEST_ID_HEADER = "RequestId";
    /** header of a result record: the call's MessageId */
    public static final String MESSAGE_ID_HEADER = "MessageId";
    /** header of a result record: where its request record was (the same text as REQUEST_SOURCE) */
    public static final String SOURCE_RECORD_HEADER = "SourceRecord";
    /** header of a dead-letter record: why the request record could not be read */
    public static final String DEAD_LETTER_REASON_HEADER = "DeadLetterReason";
    /** header: the request record's topic */
    public static final String SOURCE_TOPIC_HEADER = "SourceTopic";
    /** header: the request record's partition */
    public static final String SOURCE_PARTITION_HEADER = "SourcePartition";
    /** header: the request record's offset */
    public static final String SOURCE_OFFSET_HEADER = "SourceOffset";

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
