package org.thingservice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.api.InvokeThingServiceResponse;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;

/** Requests from a real (in-process) Kafka topic go through the same pipeline and answer on the results topic. */
class KafkaInvokeTest extends GatewayTestSupport {

    private static final String REQUESTS = "test.requests";
    private static final String RESULTS = "test.results";
    private static final String DEAD = "test.dead";
    private static EmbeddedKafka kafka;

    @Override
    protected Map<String, String> settings() {
        try {
            if (kafka == null) { // before the gateway starts: its consumer needs the broker and the topics
                kafka = new EmbeddedKafka();
                kafka.createTopics(3, REQUESTS, RESULTS, DEAD);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("camel.component.kafka.brokers", kafka.bootstrapServers(),
                "gateway.kafka.requests", REQUESTS, "gateway.kafka.results", RESULTS, "gateway.kafka.dead-letter", DEAD,
                "gateway.simulator.delays", "lamp-slow:3000,lamp-2:1000");
    }

    @AfterAll
    void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void aRequestRecordGetsItsResultKeyedLikeTheRequest() throws Exception {
        kafka.send(REQUESTS, "order-1", "{\"RequestId\":\"rid-sync-1\",\"ProductKey\":\"" + PK
                + "\",\"DeviceName\":\"lamp-1\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":7}}");

        ConsumerRecord<String, String> result = resultFor("rid-sync-1");
        assertThat(result.key()).isEqualTo("order-1");
        JsonNode body = JSON.readTree(result.value());
        assertThat(body.path("RequestId").asText()).isEqualTo("rid-sync-1");
        assertThat(body.path("Success").asBoolean()).isTrue();
        assertThat(JSON.readTree(body.path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(7);
        assertThat(header(result, "MessageId")).isEqualTo(body.path("Data").path("MessageId").asText());
        assertThat(header(result, "SourceTopic")).isEqualTo(REQUESTS);
        assertThat(header(result, "SourcePartition")).isNotNull();
        assertThat(header(result, "SourceOffset")).isNotNull();
    }

    @Test
    void recordsAndTheirInvocationsAreCountedInTheMetrics() throws Exception {
        double before = Math.max(0, value(observe("/observe/metrics").body(), "gateway_kafka_records_total"));
        kafka.send(REQUESTS, "metrics-1", "{\"RequestId\":\"rid-metrics-1\",\"ProductKey\":\"" + PK
                + "\",\"DeviceName\":\"lamp-1\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":2}}");
        resultFor("rid-metrics-1");

        // counted once its batch's offsets are committed, just after the result was written
        String metrics = awaitMetric("gateway_kafka_records_total", before + 1);
        assertThat(value(metrics, "gateway_invocations_total{code=\"OK\",outcome=\"Success\",source=\"kafka\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metrics).contains("gateway_invocation_duration_seconds_count{source=\"kafka\"}");
    }

    @Test
    void asyncServicesAnswerWithTheDevicesReplyAndArgsMayBeText() throws Exception {
        kafka.send(REQUESTS, null, "{\"RequestId\":\"rid-async-1\",\"IotId\":\"LampDemoIotId0000001\",\"Identifier\":\"SetColor\","
                + "\"Args\":\"{\\\"color\\\":1,\\\"label\\\":\\\"k\\\"}\",\"Format\":\"XML\"}");

        ConsumerRecord<String, String> result = resultFor("rid-async-1");
        assertThat(result.key()).as("no record key: keyed by RequestId").isEqualTo("rid-async-1");
        assertThat(result.value()).startsWith("<InvokeThingServiceResponse>").contains("<Success>true</Success>")
                .contains("<Result>{\"id\":").contains("\"label\":\"k\"");
    }

    @Test
    void badRequestsGetAnErrorResult() throws Exception {
        kafka.send(REQUESTS, "not-json", "this is not JSON");
        kafka.send(REQUESTS, "no-identifier", "{\"RequestId\":\"rid-no-identifier\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-1\",\"Args\":{}}");
        kafka.send(REQUESTS, "unknown-device", "{\"RequestId\":\"rid-unknown\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"nobody\",\"Identifier\":\"Blink\",\"Args\":{}}");

        Map<String, JsonNode> byKey = awaitResults(Set.of("not-json", "no-identifier", "unknown-device"));
        assertThat(byKey.get("not-json").path("Success").asBoolean()).isFalse();
        assertThat(byKey.get("not-json").path("ErrorMessage").asText()).contains("not JSON");
        assertThat(byKey.get("no-identifier").path("Code").asText()).isEqualTo("MissingParameter");
        assertThat(byKey.get("no-identifier").path("Message").asText()).contains("Identifier");
        assertThat(byKey.get("unknown-device").path("Code").asText()).isEqualTo("iot.device.NotExistedDevice");
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicWithTheReason() throws Exception {
        kafka.send(REQUESTS, "binary", new byte[] {(byte) 0xC3, (byte) 0x28, 1, 2});

        List<ConsumerRecord<String, String>> dead = kafka.read(DEAD, 1, Duration.ofSeconds(20));
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).key()).isEqualTo("binary");
        assertThat(header(dead.get(0), "DeadLetterReason")).contains("not UTF-8");
    }

    @Test
    void aRequestIdSeenBeforeIsNotSentToTheDeviceAgain() throws Exception {
        try (MqttSpy spy = new MqttSpy(brokerUrl(), "/sys/" + PK + "/lamp-1/rrpc/request/+")) {
            String request = "{\"RequestId\":\"rid-twice\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-1\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":9}}";
            kafka.send(REQUESTS, "first", request);
            resultFor("rid-twice");
            kafka.send(REQUESTS, "second", request);

            Map<String, JsonNode> byKey = awaitResults(Set.of("first", "second"));
            assertThat(byKey.get("first").path("Success").asBoolean()).isTrue();
            assertThat(byKey.get("second").path("Success").asBoolean()).isFalse();
            assertThat(byKey.get("second").path("ErrorMessage").asText()).contains("already sent");
            assertThat(spy.received().stream().filter(m -> m.payload().contains("\"param1\":9"))).hasSize(1);
        }
    }

    @Test
    void manyRequestsAreInFlightAtOnce() throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            kafka.send(REQUESTS, "many-" + i, "{\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-2\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":" + (i % 10) + "}}");
        }
        Set<String> keys = java.util.stream.IntStream.range(0, 200).mapToObj(i -> "many-" + i).collect(Collectors.toSet());

        Map<String, JsonNode> byKey = awaitResults(keys);
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        assertThat(byKey.values()).allSatisfy(r -> assertThat(r.path("Success").asBoolean()).isTrue());
        // lamp-2 answers after 1 s: one at a time this would take 200 s
        assertThat(seconds).isLessThan(30);
    }

    private ConsumerRecord<String, String> resultFor(String requestId) {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            for (ConsumerRecord<String, String> r : kafka.read(RESULTS, Integer.MAX_VALUE, Duration.ofSeconds(2))) {
                if (requestId.equals(header(r, "RequestId"))) {
                    return r;
                }
            }
        }
        throw new AssertionError("no result for " + requestId);
    }

    private Map<String, JsonNode> awaitResults(Set<String> keys) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, JsonNode> byKey = new java.util.HashMap<>();
        while (!byKey.keySet().containsAll(keys) && System.nanoTime() < end) {
            for (ConsumerRecord<String, String> r : kafka.read(RESULTS, Integer.MAX_VALUE, Duration.ofSeconds(2))) {
                if (keys.contains(r.key())) {
                    byKey.put(r.key(), JSON.readTree(r.value()));
                }
            }
        }
        assertThat(byKey.keySet()).containsAll(keys);
        return byKey;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
