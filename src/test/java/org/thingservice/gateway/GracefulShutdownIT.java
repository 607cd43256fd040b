package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.PackagedGateway;
import org.thingservice.gateway.support.Waits;

/**
 * SIGTERM to the packaged jar while calls wait for a slow device: the gateway stops taking new calls, answers every
 * call in flight with its device's reply, and then exits. No call is lost across the stop.
 */
class GracefulShutdownIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALLS = 50;
    private static final long DEVICE_DELAY_MS = 3_000;

    @Test
    void sigtermLetsEveryCallInFlightFinishThenExits() throws Exception {
        Path workDir = Files.createTempDirectory("tsg-shutdown-it");
        try (PackagedGateway gateway = PackagedGateway.start(workDir, "gateway.log", Map.of(
                "gateway.mqtt.embedded.port", Integer.toString(FreePorts.next()),
                "gateway.simulator.delays", "lamp-1:" + DEVICE_DELAY_MS))) {
            gateway.check(() -> {
                HttpClient http = gateway.http();
                int httpPort = gateway.httpPort();
                List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < CALLS; i++) {
                    calls.add(http.sendAsync(call(httpPort, i), HttpResponse.BodyHandlers.ofString()));
                }
                awaitInFlight(http, httpPort, CALLS);

                long sigterm = System.nanoTime();
                gateway.sigterm();
                Thread.sleep(500);
                boolean refused;
                try {
                    HttpResponse<String> late = http.send(call(httpPort, 9), HttpResponse.BodyHandlers.ofString());
                    refused = late.statusCode() != 200 || !late.body().contains("\"Success\":true");
                } catch (IOException e) {
                    refused = true;
                }
                int status = gateway.awaitExit(Duration.ofSeconds(60));
                long exitMillis = (System.nanoTime() - sigterm) / 1_000_000;

                int answered = 0;
                for (int i = 0; i < CALLS; i++) {
                    HttpResponse<String> response = calls.get(i).get(5, TimeUnit.SECONDS);
                    assertThat(response.statusCode()).as("call %d: %s", i, response.body()).isEqualTo(200);
                    JsonNode body = JSON.readTree(response.body());
                    assertThat(body.path("Success").asBoolean()).as("call %d: %s", i, response.body()).isTrue();
                    assertThat(JSON.readTree(body.path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(i % 11);
                    answered++;
                }
                System.out.printf("SIGTERM with %d calls in flight: %d answered by their device, exit after %d ms (status %d); "
                        + "a new call after SIGTERM %s%n", CALLS, answered, exitMillis, status, refused ? "was refused" : "was served");
                assertThat(refused).as("a call arriving after SIGTERM is not taken").isTrue();
            });
        } finally {
            PackagedGateway.delete(workDir);
        }
    }

    /** A sync Blink on lamp-1 with Args {"param1": i % 11} (the thing model allows 0 to 10). */
    private static HttpRequest call(int port, int i) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/?Action=InvokeThingService&ProductKey=a1LampDemo1"
                + "&DeviceName=lamp-1&Identifier=Blink&Args=" + URLEncoder.encode("{\"param1\":" + i % 11 + "}", StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(60)).GET().build();
    }

    /** Until /observe/metrics shows all the calls waiting inside the gateway. */
    private static void awaitInFlight(HttpClient http, int port, int calls) throws Exception {
        Pattern inFlight = Pattern.compile("^gateway_invocations_in_flight (\\S+)$", Pattern.MULTILINE);
        AtomicReference<Double> last = new AtomicReference<>(0.0);
        Waits.until(Duration.ofSeconds(DEVICE_DELAY_MS / 1000 - 1), Duration.ofMillis(50), () -> {
            Matcher m = inFlight.matcher(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            last.set(m.find() ? Double.parseDouble(m.group(1)) : 0);
            return last.get() >= calls;
        });
        double seen = last.get();
        assertThat(seen).as("calls in flight before SIGTERM").isEqualTo(calls);
    }
}
