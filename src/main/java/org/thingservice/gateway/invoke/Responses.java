package org.thingservice.gateway.invoke;

import org.apache.camel.Exchange;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.api.ActionResponse;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.api.ErrorResponse;
import org.thingservice.gateway.api.InvokeThingServiceResponse;
import org.thingservice.gateway.history.ServiceCallHistory;
import org.thingservice.gateway.observe.GatewayMetrics;
import org.thingservice.gateway.registry.DeviceRegistry;
import org.thingservice.gateway.text.Texts;

/**
 * Builds the answer of every call, whichever source it came from, writes its one log line and counts it.
 * Every failure becomes an answer with an Alibaba code: nothing is dropped, nothing escapes as a stack trace.
 */
public final class Responses {

    private static final Logger LOG = LoggerFactory.getLogger("org.thingservice.gateway.Invocations");
    private static final int LOGGED_MESSAGE_LIMIT = 300;
    private static final String OK = "OK";

    private final GatewayMetrics metrics;
    private final ServiceCallHistory history;

    public Responses(GatewayMetrics metrics, ServiceCallHistory history) {
        this.metrics = metrics;
        this.history = history;
    }

    public InvokeThingServiceResponse success(Exchange exchange) {
        Invocation invocation = exchange.getProperty(Exchanges.INVOCATION, Invocation.class);
        String result = invocation.waitsForReply() ? invocation.reply().getNow(null) : null;
        exchange.setProperty(Exchanges.HTTP_STATUS, 200);
        String source = exchange.getProperty(Exchanges.SOURCE, String.class);
        long millis = invocation.elapsedMillis();
        LOG.info("InvokeThingService {} source={} outcome=Success ms={}{}", invocation, source, millis, caller(exchange));
        metrics.invocation(source, true, OK, millis);
        history.ended(invocation, source, null, result);
        return InvokeThingServiceResponse.success(invocation.requestId(), result, invocation.messageId());
    }

    public Object failure(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiException error = asApiException(caught);
        Invocation invocation = exchange.getProperty(Exchanges.INVOCATION, Invocation.class);
        String requestId = exchange.getProperty(Exchanges.REQUEST_ID, String.class);
        if (invocation != null) {
            invocation.reply().completeExceptionally(error); // nobody waits any more: a late reply is then only counted
            requestId = invocation.requestId();
        }
        exchange.setProperty(Exchanges.HTTP_STATUS, error.httpStatus());
        String action = exchange.getProperty(Exchanges.ACTION, InvokeRequest.ACTION, String.class);
        String source = exchange.getProperty(Exchanges.SOURCE, String.class);
        long millis = invocation != null ? invocation.elapsedMillis() : 0;
        // the message may echo what the caller sent: one bounded line whatever that was
        LOG.info("{} {} source={} outcome={} ms={}{} error=\"{}\"", RequestValidator.shorten(action),
                invocation != null ? invocation : "RequestId=" + requestId, source, error.code(), millis, caller(exchange),
                Texts.shorten(error.getMessage(), LOGGED_MESSAGE_LIMIT));
        boolean invocationCall = InvokeRequest.ACTION.equals(action);
        if (invocationCall) { // the invocation meters count service calls, not device management
            metrics.invocation(source, false, error.code(), millis);
        }
        if (invocation != null) {
            history.ended(invocation, source, error, null);
        }
        if (!error.isBusiness()) {
            return ErrorResponse.of(requestId, error);
        }
        return invocationCall
                ? InvokeThingServiceResponse.failure(requestId, error.code(), error.getMessage())
                : ActionResponse.failure(action, requestId, error.code(), error.getMessage());
    }

    /** Who made the call, when its signature verified: every call can be traced to an access key. */
    private static String caller(Exchange exchange) {
        String accessKeyId = exchange.getProperty(Exchanges.CALLER, String.class);
        return accessKeyId != null ? " caller=" + accessKeyId : "";
    }

    static ApiException asApiException(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
            if (t instanceof MqttException mqtt) {
                return ApiException.business(ErrorCodes.PUBLISH_FAILED, "The request could not be sent to the MQTT broker ("
                        + mqtt.getMessage() + "); nothing reached the device. Retry in a few seconds.");
            }
            if (t instanceof DeviceRegistry.RegistryException) {
                return ApiException.business(ErrorCodes.SYSTEM, "The device registry database is unavailable; retry later.");
            }
        }
        LOG.error("Unexpected failure", caught);
        return ApiException.business(ErrorCodes.SYSTEM, "An internal error occurred; the gateway log has the details.");
    }
}
