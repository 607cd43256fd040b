package org.thingservice.gateway.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.correlate.ReplyCorrelator;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.Waits;

/**
 * Replies meet their requests by pk/dn/MessageId; late, duplicate, unknown and unreadable replies are counted,
 * logged, and never complete the wrong call or break a route. A real MQTT client plays the misbehaving device.
 */
class ReplyCorrelationTest extends GatewayTestSupport {

    private ReplyCorrelator correlator;

    /** plays the device: sees the requests, and answers (or misbehaves) in the device's place */
    @Override
    protected String[] spiedTopics() {
        return new String[] {"/sys/" + PK + "/+/rrpc/request/+"};
    }

    @BeforeEach
    void connect() {
        correlator = context.getRegistry().lookupByNameAndType("replyCorrelator", ReplyCorrelator.class);
    }

    @Test
    void lateReplyIsCountedAndIgnored() throws Exception {
        long before = correlator.lateReplies();
        JsonNode body = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-silent", "Identifier", "Blink",
                "Args", "{\"param1\":1}", "Timeout", "200")));
        assertThat(body.path("Code").asText()).isEqualTo("iot.messagebroker.TIMEOUT");
        String id = requestIdSeenBy("lamp-silent");

        spy().publish("/sys/" + PK + "/lamp-silent/rrpc/response/" + id, "{\"id\":\"" + id + "\",\"code\":200,\"data\":{}}");

        awaitIncrease(correlator::lateReplies, before);
        assertStillServing();
    }

    @Test
    void duplicateReplyIsCountedAndIgnored() throws Exception {
        long before = correlator.duplicateReplies();
        JsonNode body = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":2}")));
        String id = body.path("Data").path("MessageId").asText();

        spy().publish("/sys/" + PK + "/lamp-1/rrpc/response/" + id, body.path("Data").path("Result").asText());

        awaitIncrease(correlator::duplicateReplies, before);
        assertStillServing();
    }

    @Test
    void unknownAndUnreadableRepliesAreCountedAndIgnored() throws Exception {
        long before = correlator.unknownReplies();

        spy().publish("/sys/" + PK + "/lamp-1/rrpc/response/4294967295", "{\"id\":\"4294967295\",\"code\":200}");
        spy().publish("/sys/" + PK + "/lamp-1/thing/service/SetColor_reply", "this is not JSON");
        spy().publish("/sys/" + PK + "/lamp-1/thing/service/SetColor_reply", "{\"code\":200}");

        awaitIncrease(() -> correlator.unknownReplies() - 2, before);
        assertStillServing();
    }

    @Test
    void aReplyFromAnotherDeviceNeverCompletesTheCall() throws Exception {
        long before = correlator.unknownReplies();
        CompletableFuture<JsonNode> call = callSilentLamp("1500");
        String id = requestIdSeenBy("lamp-silent");

        // same MessageId, wrong device: it must not answer lamp-silent's call
        spy().publish("/sys/" + PK + "/lamp-2/rrpc/response/" + id, "{\"id\":\"" + id + "\",\"code\":200,\"data\":{\"forged\":1}}");

        assertThat(call.get(10, java.util.concurrent.TimeUnit.SECONDS).path("Code").asText()).isEqualTo("iot.messagebroker.TIMEOUT");
        assertThat(correlator.unknownReplies()).isGreaterThan(before);
    }

    @Test
    void aDeviceErrorReplyIsStillTheCallsResult() throws Exception {
        CompletableFuture<JsonNode> call = callSilentLamp("5000");
        String id = requestIdSeenBy("lamp-silent");

        spy().publish("/sys/" + PK + "/lamp-silent/rrpc/response/" + id,
                "{\"id\":\"" + id + "\",\"code\":460,\"data\":{},\"message\":\"request parameter error\"}");

        // Alibaba: Success means the call was delivered and answered; the device's verdict is in Result
        JsonNode body = call.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(body.path("Success").asBoolean()).isTrue();
        assertThat(JSON.readTree(body.path("Data").path("Result").asText()).path("code").asInt()).isEqualTo(460);
    }

    /** Calls lamp-silent in the background, so that the test can answer in its place. */
    private CompletableFuture<JsonNode> callSilentLamp(String timeout) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return json(get(invoke("ProductKey", PK, "DeviceName", "lamp-silent", "Identifier", "Blink",
                        "Args", "{\"param1\":1}", "Timeout", timeout)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private String requestIdSeenBy(String deviceName) throws InterruptedException {
        String prefix = "/sys/" + PK + "/" + deviceName + "/rrpc/request/";
        MqttSpy.Message request = spy().await(prefix, Duration.ofSeconds(5));
        assertThat(request).as("the request reached the device").isNotNull();
        spy().received().remove(request);
        return request.topic().substring(prefix.length());
    }

    private static void awaitIncrease(LongSupplier counter, long before) throws InterruptedException {
        Waits.until(Duration.ofSeconds(5), Duration.ofMillis(20), () -> counter.getAsLong() > before);
        assertThat(counter.getAsLong()).isGreaterThan(before);
    }

    private void assertStillServing() throws Exception {
        assertThat(json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":3}")))
                .path("Success").asBoolean()).isTrue();
    }
}
