package org.thingservice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.GatewayTestSupport;

/**
 * A record for a device that never answers holds back no other record, and no commit passes it: the window is 5
 * records, the silent device's record is the first of its partition, and 30 records for a device that answers at
 * once come after it. With the batch-at-a-time consumer before, the 4 records polled with it waited for its
 * timeout, and the others for their batch's turn after it.
 */
class KafkaSlowDeviceTest extends GatewayTestSupport {

    private static final String REQUESTS = "slow.requests";
    private static final String RESULTS = "slow.results";
    private static final String GROUP = "slow-test-gateway";
    private static final int ANSWERING = 30;
    /** the silent device's record times out after this long; every other record is done well before on any machine */
    private static final int TIMEOUT_MS = 4000;
    private static EmbeddedKafka kafka;

    @Override
    protected Map<String, String> settings() {
        try {
            if (kafka == null) { // before the gateway starts: its consumer needs the broker and the topics
                kafka = new EmbeddedKafka();
                // one partition each: the order of the requests is their offsets', the order of the results is the topic's
                kafka.createTopics(1, REQUESTS, RESULTS, "slow.dead");
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("camel.component.kafka.brokers", kafka.bootstrapServers(),
                "gateway.kafka.requests", REQUESTS, "gateway.kafka.results", RESULTS, "gateway.kafka.dead-letter", "slow.dead",
                "gateway.kafka.group-id", GROUP, "gateway.kafka.max-in-flight", "5");
    }

    @AfterAll
    void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void theOtherRecordsAreAnsweredBeforeTheSilentDevicesTimeoutAndNoCommitPassesIt() throws Exception {
        kafka.send(REQUESTS, "silent", "{\"RequestId\":\"silent\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-silent\","
                + "\"Identifier\":\"Blink\",\"Args\":{\"param1\":1},\"Timeout\":" + TIMEOUT_MS + "}");
        for (int i = 1; i <= ANSWERING; i++) {
            kafka.send(REQUESTS, "fast-" + i, "{\"RequestId\":\"fast-" + i + "\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-1\","
                    + "\"Identifier\":\"Blink\",\"Args\":{\"param1\":" + (i % 10) + "}}");
        }
        TopicPartition partition = new TopicPartition(REQUESTS, 0);
        // committed offsets seen while the silent record had no result yet: read before the results that show it had none
        List<Long> committedWhileSilentUnfinished = new ArrayList<>();
        List<ConsumerRecord<String, String>> results = new ArrayList<>();
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            reader.assign(List.of(new TopicPartition(RESULTS, 0))); // no group: nothing to join, read from the start
            reader.seekToBeginning(reader.assignment());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                long committed = kafka.committedOffsets(GROUP).getOrDefault(partition, 0L);
                reader.poll(Duration.ofMillis(50)).forEach(results::add);
                if (results.stream().noneMatch(r -> "silent".equals(r.key()))) {
                    committedWhileSilentUnfinished.add(committed);
                }
                return results.size() == ANSWERING + 1;
            });
        }

        List<String> order = results.stream().map(ConsumerRecord::key).toList();
        System.out.printf("Kafka slow device: results in the order %s; committed offsets seen while the silent record waited: %s%n",
                order, committedWhileSilentUnfinished);
        assertThat(order).as("every answering record's result is written before the silent device's record times out")
                .endsWith("silent");
        JsonNode silent = JSON.readTree(results.get(ANSWERING).value());
        assertThat(silent.path("Code").asText()).isEqualTo("iot.messagebroker.TIMEOUT");
        assertThat(committedWhileSilentUnfinished).as("seen at least once").isNotEmpty()
                .as("no commit passes the silent device's record (offset 0) while it has no result").containsOnly(0L);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(kafka.committedOffsets(GROUP).get(partition).longValue())
                .as("once it has its result, every record is committed").isEqualTo(ANSWERING + 1));
    }
}
