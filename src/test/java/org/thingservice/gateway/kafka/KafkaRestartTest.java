package org.thingservice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.mqtt.EmbeddedBroker;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.InProcessGateway;
import org.thingservice.gateway.support.MigratedDatabase;
import org.thingservice.gateway.support.MqttSpy;

/**
 * Stop the gateway in the middle of a stream of Kafka requests and start it again: every request has a result,
 * and no device receives the same request twice. Two gateway runs share the Kafka broker, the MQTT broker and the
 * registry database, as two runs of a real deployment would.
 */
class KafkaRestartTest {

    private static final int REQUESTS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRestartInTheMiddleOfAStreamLosesNothingAndSendsNothingTwice() throws Exception {
        Path data = Files.createTempDirectory("tsg-kafka-restart");
        EmbeddedBroker mqtt = new EmbeddedBroker(FreePorts.next());
        mqtt.start();
        try (EmbeddedKafka kafka = new EmbeddedKafka(); MqttSpy device = new MqttSpy(mqtt.url(), "/sys/+/+/thing/service/SetColor")) {
            kafka.createTopics(3, "restart.requests", "restart.results", "restart.dead");
            Properties settings = new Properties();
            settings.setProperty("gateway.mqtt.url", mqtt.url());
            settings.setProperty("gateway.simulator.enabled", "true");
            settings.setProperty("gateway.auth.enabled", "false"); // no HTTP calls here
            settings.setProperty("gateway.simulator.delays", "lamp-1:200");
            settings.setProperty("gateway.registry.url", MigratedDatabase.url(data.resolve("gateway.db").toAbsolutePath().toString()));
            settings.setProperty("camel.component.kafka.brokers", kafka.bootstrapServers());
            settings.setProperty("gateway.kafka.requests", "restart.requests");
            settings.setProperty("gateway.kafka.results", "restart.results");
            settings.setProperty("gateway.kafka.dead-letter", "restart.dead");
            settings.setProperty("gateway.kafka.max-in-flight", "20");
            // far above the device's 200 ms even on a loaded machine: a TIMEOUT result here is a defect
            settings.setProperty("gateway.invoke.timeout", "30000");

            Main first = InProcessGateway.start(settings);
            for (int i = 0; i < REQUESTS; i++) {
                kafka.send("restart.requests", "k" + i, "{\"RequestId\":\"rid-" + i + "\",\"ProductKey\":\"a1LampDemo1\",\"DeviceName\":\"lamp-1\","
                        + "\"Identifier\":\"SetColor\",\"Args\":{\"color\":1,\"label\":\"r" + i + "\"}}");
            }
            int beforeStop = awaitResults(kafka, REQUESTS / 4, Duration.ofSeconds(60)).size();
            first.stop();
            int afterStop = kafka.read("restart.results", Integer.MAX_VALUE, Duration.ofSeconds(2)).size();
            assertThat(afterStop).as("the stop came in the middle of the stream").isLessThan(REQUESTS);

            Main second = InProcessGateway.start(settings);
            List<ConsumerRecord<String, String>> results = awaitResults(kafka, REQUESTS, Duration.ofSeconds(120));
            second.stop();

            Map<String, Long> resultsPerRequest = results.stream().collect(Collectors.groupingBy(
                    r -> requestId(r.value()), Collectors.counting()));
            Set<String> expected = java.util.stream.IntStream.range(0, REQUESTS).mapToObj(i -> "rid-" + i).collect(Collectors.toSet());
            assertThat(resultsPerRequest.keySet()).as("every request has a result").containsAll(expected);
            assertThat(results).as("every result is the device's answer or 'outcome unknown', never a TIMEOUT")
                    .noneMatch(r -> r.value().contains("iot.messagebroker.TIMEOUT"));
            Map<String, Long> sendsPerLabel = device.received().stream().collect(Collectors.groupingBy(
                    m -> label(m.payload()), Collectors.counting()));
            assertThat(sendsPerLabel.values()).as("no device received a request twice").allMatch(n -> n == 1);
            System.out.printf("restart test: %d results before the stop, %d after it; %d results for %d requests; %d requests reached the device%n",
                    beforeStop, afterStop, results.size(), REQUESTS, sendsPerLabel.size());
        } finally {
            mqtt.stop();
        }
    }

    private static List<ConsumerRecord<String, String>> awaitResults(EmbeddedKafka kafka, int n, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, String>> results = List.of();
        while (System.nanoTime() < end) {
            results = kafka.read("restart.results", Integer.MAX_VALUE, Duration.ofSeconds(1));
            if (results.stream().map(r -> requestId(r.value())).distinct().count() >= n) {
                break;
            }
        }
        return results;
    }

    private static String requestId(String result) {
        return read(result, json -> json.path("RequestId").asText());
    }

    private static String label(String request) {
        return read(request, json -> json.path("params").path("label").asText());
    }

    private static String read(String text, Function<com.fasterxml.jackson.databind.JsonNode, String> field) {
        try {
            return field.apply(JSON.readTree(text));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
