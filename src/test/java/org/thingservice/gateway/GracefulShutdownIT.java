package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

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
        String jar = System.getProperty("gateway.jar");
        assertThat(jar).as("system property gateway.jar (set by failsafe)").isNotBlank();
        Path workDir = Files.createTempDirectory("tsg-shutdown-it");
        Path log = workDir.resolve("gateway.log");
        int httpPort = FreePorts.next();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process gateway = new ProcessBuilder(java, "-Xmx" + System.getProperty("gateway.it.heap", "512m"),
                "-Dcamel.server.port=" + httpPort, "-Dgateway.mqtt.embedded.port=" + FreePorts.next(),
                "-Dgateway.simulator.delays=lamp-1:" + DEVICE_DELAY_MS, "-jar", Paths.get(jar).toAbsolutePath().toString())
                .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        try {
            awaitHttp(http, gateway, httpPort);
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                calls.add(http.sendAsync(call(httpPort, i), HttpResponse.BodyHandlers.ofString()));
            }
            awaitInFlight(http, httpPort, CALLS);

            long sigterm = System.nanoTime();
            gateway.destroy(); // SIGTERM
            Thread.sleep(500);
            boolean refused;
            try {
                HttpResponse<String> late = http.send(call(httpPort, 9), HttpResponse.BodyHandlers.ofString());
                refused = late.statusCode() != 200 || !late.body().contains("\"Success\":true");
            } catch (IOException e) {
                refused = true;
            }
            assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).as("the gateway exits after SIGTERM").isTrue();
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
                    + "a new call after SIGTERM %s%n", CALLS, answered, exitMillis, gateway.exitValue(), refused ? "was refused" : "was served");
            assertThat(refused).as("a call arriving after SIGTERM is not taken").isTrue();
        } catch (Throwable e) {
            System.out.println("----- gateway log -----\n" + Files.readString(log) + "\n----- end of gateway log -----");
            throw e;
        } finally {
            gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            try (var paths = Files.walk(workDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
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
        long end = System.nanoTime() + Duration.ofSeconds(DEVICE_DELAY_MS / 1000 - 1).toNanos();
        double seen = 0;
        while (seen < calls && System.nanoTime() < end) {
            Matcher m = inFlight.matcher(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            seen = m.find() ? Double.parseDouble(m.group(1)) : 0;
            Thread.sleep(50);
        }
        assertThat(seen).as("calls in flight before SIGTERM").isEqualTo(calls);
    }

    private static void awaitHttp(HttpClient http, Process gateway, int port) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            if (!gateway.isAlive()) {
                fail("the gateway exited with status " + gateway.exitValue() + " before its HTTP API was up");
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 400 && response.body().contains("MissingParameter")) {
                    return;
                }
            } catch (ConnectException | java.net.http.HttpTimeoutException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        fail("the gateway's HTTP API was not up on port " + port + " within 60 s");
    }
}
