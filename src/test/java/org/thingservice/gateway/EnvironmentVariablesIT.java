package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
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
 * The packaged jar configured as a container is, by environment variables only, and each one taking effect: the
 * ones Camel alone skipped (CAMEL_SERVER_PORT: it takes *_PORT for Kubernetes service links) or did not pass on
 * (CAMEL_COMPONENT_KAFKA_BROKERS), a camel.main option, and the gateway's own.
 */
class EnvironmentVariablesIT {

    @Test
    void everySettingGivenAsAVariableTakesEffect() throws Exception {
        Path workDir = Files.createTempDirectory("tsg-env-it");
        int kafkaPort;
        try (ServerSocket nothing = new ServerSocket(0)) {
            kafkaPort = nothing.getLocalPort(); // no broker there: the Kafka routes start and their client keeps trying
        }
        Map<String, String> variables = Map.of(
                "GATEWAY_MQTT_EMBEDDED_PORT", Integer.toString(FreePorts.next()),
                "CAMEL_COMPONENT_KAFKA_BROKERS", "127.0.0.1:" + kafkaPort,
                "CAMEL_COMPONENT_KAFKA_REQUEST_TIMEOUT_MS", "5000",
                "CAMEL_MAIN_NAME", "gateway-from-variables",
                "GATEWAY_SIMULATOR_DELAYS", "lamp-1:1500",
                "GATEWAY_INVOKE_MAX_ARGS_SIZE", "20");
        try (PackagedGateway gateway = PackagedGateway.startWithVariables(workDir, "gateway.log", variables)) {
            gateway.check(() -> {
                String base = "http://127.0.0.1:" + gateway.httpPort() + "/";
                // CAMEL_SERVER_PORT: the API is up on it (start() waited for that), and /observe/* with it: one server
                // (live, not ready: with no Kafka broker to reach, the Kafka consumer's check is DOWN). Live once the
                // context has started, a moment after the HTTP route serves: it answered 503 before that once.
                Awaitility.await("/observe/health/live UP").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> get(gateway, base + "observe/health/live").statusCode() == 200);
                assertThat(gateway.log()).doesNotContain("started on 127.0.0.1:8080");
                // CAMEL_COMPONENT_KAFKA_BROKERS reached the component: without it the Kafka routes failed to start
                assertThat(gateway.log()).contains("Kafka on: requests from topic thing.invoke.requests",
                        "camel.component.kafka.brokers", "camel.component.kafka.request-timeout-ms");
                assertThat(gateway.log()).containsPattern("Apache Camel \\S+ \\(gateway-from-variables\\) started");
                // GATEWAY_SIMULATOR_DELAYS: lamp-1 answers after 1.5 s
                long start = System.nanoTime();
                HttpResponse<String> slow = get(gateway, base + "?Action=InvokeThingService&ProductKey=a1LampDemo1&DeviceName=lamp-1"
                        + "&Identifier=Blink&Args=%7B%22param1%22%3A1%7D");
                assertThat(slow.body()).contains("\"Success\":true");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
                // GATEWAY_INVOKE_MAX_ARGS_SIZE: Args of 21 characters are too large
                HttpResponse<String> large = get(gateway, base + "?Action=InvokeThingService&ProductKey=a1LampDemo1&DeviceName=lamp-2"
                        + "&Identifier=Blink&Args=%7B%22param1%22%3A1%2C%22x%22%3A%2212%22%7D");
                assertThat(large.body()).contains("iot.common.InvalidFormattedParameter");
                // GATEWAY_MQTT_EMBEDDED_PORT
                assertThat(gateway.log()).contains("Embedded MQTT 5 broker listening on tcp://127.0.0.1:" + variables.get("GATEWAY_MQTT_EMBEDDED_PORT"));
            });
            gateway.sigterm();
            gateway.awaitExit(Duration.ofSeconds(60));
        } finally {
            PackagedGateway.delete(workDir);
        }
    }

    private static HttpResponse<String> get(PackagedGateway gateway, String url) throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
