package org.thingservice.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.MosquittoGatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.Waits;

/** The gateway against a real external broker (mosquitto), including an outage of that broker. */
@ExtendWith(ExternalBinaries.RequireMosquitto.class)
class ExternalBrokerTest extends MosquittoGatewayTestSupport {

    private static final Duration OUTAGE = Duration.ofSeconds(3);
    private static final Duration RECOVERY_BUDGET = Duration.ofSeconds(20);
    private static final long PUBLISH_TIMEOUT_MS = 2000;

    @Override
    protected Map<String, String> brokerSettings() {
        // these tests are about the broker: unsigned calls, as a loopback-only gateway may take them
        return Map.of("gateway.simulator.enabled", "true", "gateway.auth.enabled", "false",
                "gateway.mqtt.publish-timeout", Long.toString(PUBLISH_TIMEOUT_MS));
    }

    @Test
    void syncCallThroughMosquittoAnswersWithTheDevicesEcho() throws Exception {
        try (MqttSpy spy = new MqttSpy(brokerUrl(), "/sys/" + PK + "/lamp-1/rrpc/#")) {
            JsonNode body = json(get(blink("lamp-1", "{\"param1\":1}")));

            assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
            String messageId = body.path("Data").path("MessageId").asText();
            JsonNode reply = JSON.readTree(body.path("Data").path("Result").asText());
            assertThat(reply.path("id").asText()).isEqualTo(messageId);
            assertThat(reply.path("code").asInt()).isEqualTo(200);
            assertThat(reply.path("data").path("param1").asInt()).isEqualTo(1);
            // request and reply crossed mosquitto, not some other broker
            assertThat(spy.await("/sys/" + PK + "/lamp-1/rrpc/request/" + messageId, Duration.ofSeconds(5))).isNotNull();
            assertThat(spy.await("/sys/" + PK + "/lamp-1/rrpc/response/" + messageId, Duration.ofSeconds(5))).isNotNull();
        }
    }

    @Test
    void asyncCallReplyIsForwardedThroughMosquitto() throws Exception {
        try (MqttSpy spy = new MqttSpy(brokerUrl(), "/" + PK + "/#")) {
            String messageId = callSetColor(spy);
            assertThat(messageId).isNotEmpty();
        }
    }

    @Test
    void brokerOutageFailsFastAndRecovers() throws Exception {
        assertThat(json(get(blink("lamp-1", "{\"param1\":1}"))).path("Success").asBoolean()).as("before the outage").isTrue();

        mosquitto().stop();
        long start = System.nanoTime();
        HttpResponse<String> during = get(blink("lamp-1", "{\"param1\":1}"));
        long failMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("Broker down: the call failed after %d ms%n", failMillis);

        assertThat(during.statusCode()).isEqualTo(200);
        JsonNode body = json(during);
        assertThat(body.path("Success").asBoolean()).isFalse();
        assertThat(body.path("Code").asText()).as(body.toString()).isEqualTo(ErrorCodes.PUBLISH_FAILED);
        // well under the 8 s reply timeout: nothing was sent, so there is nothing to wait for
        assertThat(failMillis).isLessThan(3000);
        // still answering while the broker stays away (long enough for failed reconnect attempts), and calls that
        // need no broker are answered as usual
        long outageEnd = System.nanoTime() + OUTAGE.toNanos();
        int answered = 0;
        while (System.nanoTime() < outageEnd && answered < 100) {
            long callStart = System.nanoTime();
            JsonNode again = json(get(blink("lamp-2", "{\"param1\":2}")));
            assertThat(again.path("Code").asText()).as(again.toString()).isEqualTo(ErrorCodes.PUBLISH_FAILED);
            assertThat((System.nanoTime() - callStart) / 1_000_000).isLessThan(3000);
            answered++;
            Thread.sleep(250);
        }
        assertThat(answered).isGreaterThan(1);
        assertThat(json(get(blink("lamp-99", "{}"))).path("Code").asText()).isEqualTo(ErrorCodes.NOT_EXISTED_DEVICE);

        mosquitto().start();
        // a sync call succeeds only once the publisher reconnected AND the simulated device and the gateway's reply
        // consumer subscribed again; a short Timeout keeps each attempt well inside the budget
        Map<String, Integer> failures = new TreeMap<>();
        long restarted = System.nanoTime();
        long deadline = restarted + RECOVERY_BUDGET.toNanos();
        AtomicReference<JsonNode> success = new AtomicReference<>();
        Waits.until(Duration.ofNanos(deadline - System.nanoTime()), Duration.ofMillis(250), () -> {
            JsonNode attempt = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink",
                    "Args", "{\"param1\":3}", "Timeout", "1000")));
            if (attempt.path("Success").asBoolean()) {
                success.set(attempt);
            } else {
                failures.merge(attempt.path("Code").asText(), 1, Integer::sum);
            }
            return success.get() != null;
        });
        JsonNode recovered = success.get();
        long recoveryMillis = (System.nanoTime() - restarted) / 1_000_000;
        System.out.printf("Broker back: %s %d ms after the restart (failed before: %s)%n",
                recovered != null ? "the first call succeeded" : "still no successful call", recoveryMillis, failures);

        assertThat(recovered).as("a sync call within %s of the restart; failures: %s; mosquitto log:%n%s",
                RECOVERY_BUDGET, failures, mosquitto().logText()).isNotNull();
        assertThat(JSON.readTree(recovered.path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(3);
        // the async path has consumers of its own (device side and gateway side): they are back too
        try (MqttSpy spy = new MqttSpy(brokerUrl(), "/" + PK + "/#")) {
            assertThat(callSetColor(spy)).isNotEmpty();
        }
    }

    @Test
    void aBrokerThatHangsFailsTheCallAfterThePublishTimeout() throws Exception {
        assertThat(json(get(blink("lamp-1", "{\"param1\":1}"))).path("Success").asBoolean()).as("before the broker hangs").isTrue();

        mosquitto().freeze();
        try {
            long start = System.nanoTime();
            JsonNode body = json(get(blink("lamp-1", "{\"param1\":1}")));
            long failMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("Broker frozen: the call failed after %d ms (publish timeout %d ms)%n", failMillis, PUBLISH_TIMEOUT_MS);

            // the connection is open and took the request: only the missing PUBACK tells, and the call does not
            // wait for its 8 s reply timeout, nor for the keep-alive to notice the broker
            assertThat(body.path("Code").asText()).as(body.toString()).isEqualTo(ErrorCodes.PUBLISH_FAILED);
            assertThat(body.path("ErrorMessage").asText()).contains("did not acknowledge");
            assertThat(failMillis).isBetween(PUBLISH_TIMEOUT_MS - 100, 6000L);
        } finally {
            mosquitto().thaw();
        }
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Waits.until(Duration.ofSeconds(10), Duration.ofMillis(250), () -> {
            last.set(json(get(blink("lamp-1", "{\"param1\":2}"))));
            return last.get().path("Success").asBoolean();
        });
        JsonNode after = last.get();
        assertThat(after.path("Success").asBoolean()).as("calls succeed once the broker answers again: " + after).isTrue();
    }

    private static Map<String, String> blink(String device, String args) {
        return invoke("ProductKey", PK, "DeviceName", device, "Identifier", "Blink", "Args", args);
    }

    /** An async SetColor call on lamp-1 whose reply the spy sees forwarded; returns its MessageId. */
    private String callSetColor(MqttSpy spy) throws Exception {
        JsonNode body = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "SetColor",
                "Args", "{\"color\":1,\"label\":\"green\"}")));
        assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
        assertThat(body.path("Data").has("Result")).isFalse();
        String messageId = body.path("Data").path("MessageId").asText();

        MqttSpy.Message forwarded = spy.await("/" + PK + "/lamp-1/thing/downlink/reply/message", Duration.ofSeconds(5));
        assertThat(forwarded).as("the device's reply is forwarded").isNotNull();
        JsonNode reply = JSON.readTree(forwarded.payload());
        assertThat(reply.path("messageId").asText()).isEqualTo(messageId);
        assertThat(reply.path("code").asInt()).isEqualTo(200);
        assertThat(reply.path("data").path("label").asText()).isEqualTo("green");
        return messageId;
    }
}
