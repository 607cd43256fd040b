package org.thingservice.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.invoke.InFlightLimit;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.Waits;

/** gateway.invoke.max-in-flight: past it a call is answered Throttling.User at once; a place is freed however a call ends. */
class ThrottlingTest extends GatewayTestSupport {

    private static final int LIMIT = 3;
    @Override
    protected Map<String, String> settings() {
        return Map.of("gateway.invoke.max-in-flight", Integer.toString(LIMIT), "gateway.simulator.delays", "lamp-slow:1500");
    }

    @Override
    protected String[] spiedTopics() {
        return new String[] {"/sys/+/+/rrpc/request/+"};
    }

    @Test
    void pastTheLimitACallIsThrottledAtOnceAndNothingIsSent() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            slow.add(getAsync(blink("lamp-slow")));
        }
        awaitInFlight(LIMIT);

        long start = System.nanoTime();
        HttpResponse<String> throttled = get(blink("lamp-1"));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(throttled.statusCode()).isEqualTo(400);
        JsonNode body = json(throttled);
        assertThat(body.path("Code").asText()).isEqualTo("Throttling.User");
        assertThat(body.path("Message").asText()).contains("gateway.invoke.max-in-flight");
        assertThat(millis).as("answered at once, not queued behind the slow device").isLessThan(1000);
        for (CompletableFuture<HttpResponse<String>> call : slow) {
            assertThat(json(call.get(10, TimeUnit.SECONDS)).path("Success").asBoolean()).isTrue();
        }
        assertThat(spy().received()).as("only the slow calls reached MQTT").hasSize(LIMIT)
                .allMatch(m -> m.topic().contains("/lamp-slow/"));

        awaitInFlight(0);
        assertThat(json(get(blink("lamp-1"))).path("Success").asBoolean()).as("served again once places are free").isTrue();
    }

    @Test
    void aPlaceIsFreedHoweverTheCallEnds() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            // each round fills every place: a place not given back would throttle the next round
            calls.add(getAsync(invoke("ProductKey", PK, "DeviceName", "lamp-silent", "Identifier", "Blink",
                    "Args", "{\"param1\":1}", "Timeout", "300")));
            calls.add(getAsync(blink("lamp-99")));
            calls.add(getAsync(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":99}")));
            List<String> codes = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                codes.add(json(call.get(10, TimeUnit.SECONDS)).path("Code").asText());
            }
            calls.clear();
            assertThat(codes).as("round %d", round).containsExactly("iot.messagebroker.TIMEOUT", "iot.device.NotExistedDevice",
                    "iot.common.InvalidFormattedParameter");
            awaitInFlight(0);
        }
        assertThat(json(get(blink("lamp-1"))).path("Success").asBoolean()).isTrue();
    }

    private static Map<String, String> blink(String device) {
        return invoke("ProductKey", PK, "DeviceName", device, "Identifier", "Blink", "Args", "{\"param1\":1}");
    }

    private CompletableFuture<HttpResponse<String>> getAsync(Map<String, String> params) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/?" + encode(params)))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitInFlight(int expected) throws InterruptedException {
        InFlightLimit limit = context.getRegistry().lookupByNameAndType("inFlightLimit", InFlightLimit.class);
        Waits.until(Duration.ofSeconds(10), Duration.ofMillis(10), () -> limit.inFlight() == expected);
        assertThat(limit.inFlight()).as("calls in flight").isEqualTo(expected);
    }
}
