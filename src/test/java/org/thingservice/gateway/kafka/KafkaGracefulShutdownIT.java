package org.thingservice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.mqtt.EmbeddedBroker;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.PackagedGateway;
import org.thingservice.gateway.support.Waits;

/**
 * SIGTERM to the packaged jar while a batch of Kafka requests waits for a slow device: the batch in flight is
 * answered and its offsets committed before the process exits, no other batch is started, and a second run takes
 * up exactly where the first stopped. Across the stop every request has exactly one result and reached its device
 * exactly once. The Kafka broker, the MQTT broker (with a spy on the device topics) and the gateway's working
 * directory (its registry database) outlive both runs.
 */
class KafkaGracefulShutdownIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 200;
    private static final int BATCH = 50;
    private static final long DEVICE_DELAY_MS = 2_000;
    private static final String GROUP = "stop-it-gateway";
    private static final String DEVICE_REQUESTS = "/sys/a1LampDemo1/lamp-1/thing/service/SetColor";

    @Test
    void sigtermFinishesTheBatchInFlightCommitsItAndTheNextRunLosesNothingAndSendsNothingTwice() throws Exception {
        Path workDir = Files.createTempDirectory("tsg-kafka-stop-it");
        EmbeddedBroker mqtt = new EmbeddedBroker(FreePorts.next());
        mqtt.start(); // first: HiveMQ resets logback when it starts
        try (EmbeddedKafka kafka = new EmbeddedKafka(); MqttSpy device = new MqttSpy(mqtt.url(), DEVICE_REQUESTS)) {
            kafka.createTopics(3, "stop.requests", "stop.results", "stop.dead");
            Map<String, RecordMetadata> written = new HashMap<>();
            for (int i = 0; i < REQUESTS; i++) {
                written.put("rid-" + i, kafka.send("stop.requests", "k" + i, "{\"RequestId\":\"rid-" + i + "\",\"ProductKey\":\"a1LampDemo1\","
                        + "\"DeviceName\":\"lamp-1\",\"Identifier\":\"SetColor\",\"Args\":{\"color\":1,\"label\":\"rid-" + i + "\"}}"));
            }
            Map<String, String> settings = PackagedGateway.onBroker(mqtt.url(), "lamp-1:" + DEVICE_DELAY_MS);
            // a batch on a busy shared machine may take many seconds: the stop must not be cut off by its bound here
            settings.put("camel.main.shutdown-timeout", "60");
            settings.put("camel.component.kafka.brokers", kafka.bootstrapServers());
            settings.put("gateway.kafka.requests", "stop.requests");
            settings.put("gateway.kafka.results", "stop.results");
            settings.put("gateway.kafka.dead-letter", "stop.dead");
            settings.put("gateway.kafka.group-id", GROUP);
            settings.put("gateway.kafka.max-in-flight", Integer.toString(BATCH));

            try (PackagedGateway first = PackagedGateway.start(workDir, "gateway-1.log", settings)) {
                first.check(() -> {
                    // a batch has been answered and the next one waits for the device
                    awaitAtLeast(device, BATCH + 1, Duration.ofSeconds(120));
                    long sigterm = System.nanoTime();
                    first.sigterm();
                    int status = first.awaitExit(Duration.ofSeconds(120));
                    long exitMillis = (System.nanoTime() - sigterm) / 1_000_000;
                    Thread.sleep(500); // the spy's last deliveries
                    Set<String> sent = labels(device);
                    List<ConsumerRecord<String, String>> results = kafka.read("stop.results", REQUESTS, Duration.ofSeconds(5));
                    Set<String> answered = requestIds(results);
                    Map<TopicPartition, Long> committed = kafka.committedOffsets(GROUP);
                    System.out.printf("Kafka stop: SIGTERM after %d requests reached the device; exit after %d ms (status %d) "
                            + "with %d results written and offsets %s committed%n", sent.size(), exitMillis, status,
                            results.size(), new TreeMap<>(committed.entrySet().stream()
                                    .collect(Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue))));

                    assertThat(sent.size()).as("the stop came in the middle of the stream").isLessThan(REQUESTS);
                    assertThat(answered).as("every request sent to its device before the stop has its result").containsAll(sent);
                    assertThat(answered).as("nothing is answered without reaching its device").isEqualTo(sent);
                    assertThat(results).as("the device's answer, not a failure")
                            .allSatisfy(r -> assertThat(json(r.value()).path("Success").asBoolean()).as(r.value()).isTrue());
                    for (int p = 0; p < 3; p++) {
                        int partition = p;
                        Set<Long> withResult = answered.stream().map(written::get).filter(m -> m.partition() == partition)
                                .map(RecordMetadata::offset).collect(Collectors.toCollection(TreeSet::new));
                        long next = committed.getOrDefault(new TopicPartition("stop.requests", p), 0L);
                        assertThat(withResult).as("partition %d: the records with a result are those before the committed offset %d", p, next)
                                .isEqualTo(LongStream.range(0, next).boxed().collect(Collectors.toCollection(TreeSet::new)));
                    }
                    assertThat(first.log()).doesNotContain("outcome unknown");
                });
            }

            try (PackagedGateway second = PackagedGateway.start(workDir, "gateway-2.log", settings)) {
                second.check(() -> {
                    List<ConsumerRecord<String, String>> results = awaitResults(kafka, Duration.ofSeconds(180));
                    second.sigterm();
                    second.awaitExit(Duration.ofSeconds(120));
                    Map<String, Long> resultsPerRequest = results.stream().collect(Collectors.groupingBy(r -> json(r.value()).path("RequestId").asText(),
                            Collectors.counting()));
                    Map<String, Long> sendsPerRequest = device.received().stream().collect(Collectors.groupingBy(
                            m -> json(m.payload()).path("params").path("label").asText(), Collectors.counting()));
                    System.out.printf("Kafka stop, second run: %d results for %d requests; %d requests reached the device, %d of them more than once%n",
                            results.size(), REQUESTS, sendsPerRequest.size(), sendsPerRequest.values().stream().filter(n -> n > 1).count());

                    Set<String> all = IntStream.range(0, REQUESTS).mapToObj(i -> "rid-" + i).collect(Collectors.toSet());
                    assertThat(resultsPerRequest.keySet()).as("every request has a result").isEqualTo(all);
                    assertThat(resultsPerRequest.values()).as("exactly one result per request").allMatch(n -> n == 1);
                    assertThat(results).as("each the device's answer (no 'outcome unknown')")
                            .allSatisfy(r -> assertThat(json(r.value()).path("Success").asBoolean()).as(r.value()).isTrue());
                    assertThat(sendsPerRequest.keySet()).as("every request reached its device").isEqualTo(all);
                    assertThat(sendsPerRequest.values()).as("no request reached its device twice").allMatch(n -> n == 1);
                    assertThat(second.log()).doesNotContain("outcome unknown");
                });
            }
        } finally {
            mqtt.stop();
            PackagedGateway.delete(workDir);
        }
    }

    private static void awaitAtLeast(MqttSpy device, int n, Duration timeout) throws InterruptedException {
        Waits.until(timeout, Duration.ofMillis(20), () -> device.received().size() >= n);
        assertThat(device.received().size()).as("requests that reached the device").isGreaterThanOrEqualTo(n);
    }

    /** Until every request has a result, or the time is up. */
    private static List<ConsumerRecord<String, String>> awaitResults(EmbeddedKafka kafka, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, String>> results = List.of();
        while (requestIds(results).size() < REQUESTS && System.nanoTime() < end) {
            results = kafka.read("stop.results", Integer.MAX_VALUE, Duration.ofSeconds(2));
        }
        return results;
    }

    private static Set<String> requestIds(List<ConsumerRecord<String, String>> results) {
        return results.stream().map(r -> json(r.value()).path("RequestId").asText()).collect(Collectors.toSet());
    }

    /** The requests the device received, by the label each carries (its RequestId). */
    private static Set<String> labels(MqttSpy device) {
        return device.received().stream().map(m -> json(m.payload()).path("params").path("label").asText()).collect(Collectors.toSet());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
