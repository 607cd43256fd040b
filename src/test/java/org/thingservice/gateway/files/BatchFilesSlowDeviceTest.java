package org.thingservice.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;

/**
 * A line for a device that never answers holds back no line after it: with a window of 5 lines and the silent
 * device's line first, the 29 lines after it reach their device before the silent line times out. With the groups of
 * lines before, the 4 lines of its group went, and the others waited for its timeout. The result file is in input
 * order all the same.
 */
class BatchFilesSlowDeviceTest extends GatewayTestSupport {

    private static final int ANSWERING = 29;
    /** the silent device's line times out after this long */
    private static final int TIMEOUT_MS = 4000;

    @Override
    protected Map<String, String> settings() {
        return Map.of("gateway.files.settle-time", "300", "gateway.files.max-in-flight", "5");
    }

    @Test
    void theLinesAfterASilentDevicesLineAreSentBeforeItTimesOutAndTheResultsAreInInputOrder() throws Exception {
        String silent = "{\"RequestId\":\"silent\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-silent\",\"Identifier\":\"Blink\","
                + "\"Args\":{\"param1\":1},\"Timeout\":" + TIMEOUT_MS + "}";
        List<String> ids = IntStream.rangeClosed(1, ANSWERING).mapToObj(i -> "fast-" + i).toList();
        String content = silent + "\n" + ids.stream().map(id -> "{\"RequestId\":\"" + id + "\",\"ProductKey\":\"" + PK
                + "\",\"DeviceName\":\"lamp-1\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":1}}").collect(Collectors.joining("\n"));
        try (MqttSpy device = new MqttSpy(brokerUrl(), "/sys/" + PK + "/+/rrpc/request/+")) {
            Path staging = Files.writeString(Files.createDirectories(dataDir().resolve("staging")).resolve("slow.jsonl"), content);
            Files.move(staging, Files.createDirectories(dataDir().resolve("inbox")).resolve("slow.jsonl"), StandardCopyOption.ATOMIC_MOVE);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> sentTo(device, "lamp-silent") == 1);
            long silentSent = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> sentTo(device, "lamp-1") == ANSWERING);
            long allSentMillis = (System.nanoTime() - silentSent) / 1_000_000;
            System.out.printf("File slow device: the %d lines after the silent one reached their device %d ms after it (its Timeout: %d ms)%n",
                    ANSWERING, allSentMillis, TIMEOUT_MS);
            assertThat(allSentMillis).as("the lines after the silent device's line are sent before it times out").isLessThan(TIMEOUT_MS);
        }

        Path file = dataDir().resolve("outbox/slow.results.jsonl");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file));
        List<JsonNode> results = Files.readAllLines(file).stream().map(BatchFilesSlowDeviceTest::json).toList();
        assertThat(results).extracting(r -> r.path("RequestId").asText()).as("one result per line, in input order")
                .containsExactlyElementsOf(java.util.stream.Stream.concat(java.util.stream.Stream.of("silent"), ids.stream()).toList());
        assertThat(results.get(0).path("Response").path("Code").asText()).isEqualTo("iot.messagebroker.TIMEOUT");
        assertThat(results.subList(1, results.size())).allSatisfy(r -> assertThat(r.path("Response").path("Success").asBoolean()).isTrue());
    }

    private static long sentTo(MqttSpy device, String deviceName) {
        return device.received().stream().filter(m -> m.topic().contains("/" + deviceName + "/")).count();
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
