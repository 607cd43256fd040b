package org.thingservice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.PackagedGateway;

/**
 * The packaged jar from the moment its HTTP port opens until the process has exited after SIGTERM, polled as fast as
 * one caller can: every answer at / is in the API's shape (ServiceUnavailable while the routes start or stop, the
 * route's own answer in between), never the HTTP server's HTML "Resource not found"; and /observe/health and
 * /observe/health/ready are UP right after the first served call, with the batch-file inbox (whose consumer has not
 * polled yet then) configured, as by default.
 */
class HttpWhileStartingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final XmlMapper XML = new XmlMapper();
    /** from the first served call to health and readiness UP: the routes after the HTTP route start within this */
    private static final long READY_AFTER_SERVED_MS = 5_000;

    private PackagedGateway gateway;
    private int calls;

    @Test
    void everyAnswerFromThePortOpeningToTheExitIsInTheApisShapeAndReadinessFollowsTheFirstServedCall() throws Exception {
        Path workDir = Files.createTempDirectory("tsg-starting-it");
        gateway = PackagedGateway.launch(workDir, "gateway.log",
                Map.of("gateway.mqtt.embedded.port", Integer.toString(FreePorts.next())));
        try {
            gateway.check(() -> {
                long launched = System.nanoTime();
                awaitPortOpen(Duration.ofSeconds(120));
                long open = System.nanoTime();

                int unavailable = 0;
                HttpResponse<String> answer;
                do {
                    answer = callRoot();
                    if (answer.statusCode() == 503) {
                        unavailable++;
                    }
                } while (answer.statusCode() == 503);
                long served = System.nanoTime();
                assertThat(answer.statusCode()).as("the route's answer to a call without Action: %s", answer.body()).isEqualTo(400);

                long ready = awaitUp(Duration.ofSeconds(30));
                System.out.printf("Start: port open %d ms after launch; %d calls answered ServiceUnavailable, then the first "
                        + "served call %d ms after the port opened; /observe/health and /ready UP %d ms after it%n",
                        millis(launched, open), unavailable, millis(open, served), millis(served, ready));
                assertThat(millis(served, ready)).as("ms from the first served call to health and readiness UP")
                        .isLessThan(READY_AFTER_SERVED_MS);
                assertThat(observe("/observe/health/live").statusCode()).isEqualTo(200);
                assertThat(callRoot().statusCode()).as("served once ready").isEqualTo(400);

                gateway.sigterm();
                long stopping = System.nanoTime();
                int answered = 0;
                int refused = 0;
                while (gateway.process().isAlive()) {
                    try {
                        answer = callRoot();
                        assertThat(answer.statusCode()).as(answer.body()).isIn(400, 503);
                        if (answer.statusCode() == 503) {
                            refused++;
                        }
                        answered++;
                    } catch (IOException e) {
                        // no answer at all: the server has closed its port, or the connection, as it stops
                    }
                }
                System.out.printf("Stop: %d calls answered in the %d ms from SIGTERM to the exit, %d of them ServiceUnavailable%n",
                        answered, millis(stopping, System.nanoTime()), refused);
                assertThat(refused).as("calls answered ServiceUnavailable while the gateway stopped").isPositive();
            });
        } finally {
            gateway.close();
            PackagedGateway.delete(workDir);
        }
    }

    /** Until a TCP connection to the HTTP port is accepted. */
    private void awaitPortOpen(Duration timeout) throws Exception {
        // polled every 2 ms: the test is about the first moments the port is open
        Awaitility.await("the HTTP port open").atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                .until(() -> {
                    if (!gateway.process().isAlive()) {
                        fail("the gateway exited with status " + gateway.process().exitValue());
                    }
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress("127.0.0.1", gateway.httpPort()), 1000);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /**
     * A GET of / without parameters, every other one with Format=xml; whatever the answer, it must be the API's
     * error shape in the Format asked for: ServiceUnavailable (503) while the route does not serve, MissingParameter
     * (400) once it does.
     */
    private HttpResponse<String> callRoot() throws Exception {
        boolean xml = calls++ % 2 == 1;
        HttpResponse<String> answer = gateway.http().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.httpPort() + "/" + (xml ? "?Format=xml" : "")))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        String what = "answer " + answer.statusCode() + " " + answer.headers().firstValue("Content-Type").orElse("") + " "
                + answer.body();
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).as(what).startsWith(xml ? "application/xml" : "application/json");
        JsonNode body = xml ? XML.readTree(answer.body()) : JSON.readTree(answer.body());
        if (xml) {
            assertThat(answer.body()).as(what).startsWith("<Error>");
        }
        assertThat(body.path("RequestId").asText()).as(what).isNotEmpty();
        assertThat(body.path("Code").asText()).as(what).isEqualTo(answer.statusCode() == 503 ? "ServiceUnavailable" : "MissingParameter");
        return answer;
    }

    /** Until /observe/health and /observe/health/ready both answer 200 (UP); returns when. */
    private long awaitUp(Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            HttpResponse<String> ready = observe("/observe/health/ready");
            // the inbox's consumer first polls a second after it starts: calls are served, so it must not hold readiness
            assertThat(ready.body()).as("readiness while calls are served").doesNotContain("has not yet polled");
            if (ready.statusCode() == 200 && observe("/observe/health").statusCode() == 200) {
                return System.nanoTime();
            }
        }
        fail("health and readiness not UP within " + timeout.toSeconds() + " s: " + observe("/observe/health").body());
        return 0;
    }

    private HttpResponse<String> observe(String path) throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000;
    }
}
