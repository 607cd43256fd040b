package org.thingservice.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
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
import org.thingservice.gateway.support.Waits;

/** Batch files dropped into a real inbox folder get result files, against the embedded broker and simulated devices. */
class BatchFilesTest extends GatewayTestSupport {

    @Override
    protected Map<String, String> settings() {
        return Map.of("gateway.files.settle-time", "300", "gateway.simulator.delays", "lamp-slow:3000,lamp-2:1000");
    }

    @Test
    void aJsonlFileGetsOneResultPerLineInInputOrder() throws Exception {
        drop("batch-7.jsonl", String.join("\n",
                "{\"RequestId\":\"r1\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-1\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":1}}",
                "",
                "{\"RequestId\":\"r2\",\"IotId\":\"LampDemoIotId0000002\",\"Identifier\":\"SetColor\",\"Args\":\"{\\\"color\\\":2,\\\"label\\\":\\\"x\\\"}\"}",
                "this line is not JSON",
                "{\"RequestId\":\"r4\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"nobody\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":1}}",
                "{\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-1\",\"Args\":{}}") + "\n");

        List<JsonNode> results = results("batch-7.results.jsonl");

        assertThat(results).extracting(r -> r.path("line").asInt()).containsExactly(1, 3, 4, 5, 6);
        assertThat(results.get(0).path("RequestId").asText()).isEqualTo("r1");
        assertThat(results.get(0).path("Response").path("Success").asBoolean()).isTrue();
        assertThat(JSON.readTree(results.get(0).path("Response").path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(1);
        assertThat(results.get(1).path("Response").path("Data").path("Result").asText()).as("async replies are awaited").contains("\"label\":\"x\"");
        assertThat(results.get(2).path("Response").path("Success").asBoolean()).isFalse();
        assertThat(results.get(2).path("Response").path("ErrorMessage").asText()).contains("Line 4", "not JSON");
        assertThat(results.get(3).path("Response").path("Code").asText()).isEqualTo("iot.device.NotExistedDevice");
        assertThat(results.get(4).path("Response").path("Code").asText()).isEqualTo("MissingParameter");
        assertThat(results.get(4).path("RequestId").asText()).isNotEmpty();
        awaitFile(dataDir().resolve("done/batch-7.jsonl"));
        assertThat(dataDir().resolve("inbox/batch-7.jsonl")).doesNotExist();
    }

    @Test
    void aCsvFileNamesItsColumnsInAnyOrder() throws Exception {
        drop("devices.csv", "Args,Identifier,DeviceName,ProductKey,RequestId\n"
                + "\"{\"\"param1\"\":3}\",Blink,lamp-1," + PK + ",c1\n"
                + "\"{\"\"color\"\":0,\"\"label\"\":\"\"a,b\"\"}\",SetColor,lamp-1," + PK + ",c2\n"
                + "oops,Blink\n");

        List<JsonNode> results = results("devices.results.jsonl");

        assertThat(results).extracting(r -> r.path("RequestId").asText()).startsWith("c1", "c2");
        assertThat(results.get(0).path("Response").path("Success").asBoolean()).isTrue();
        assertThat(results.get(1).path("Response").path("Data").path("Result").asText()).contains("a,b");
        assertThat(results.get(2).path("Response").path("ErrorMessage").asText()).contains("Line 4", "expected 5 cells");
    }

    @Test
    void aFileThatCannotBeReadMovesToTheErrorFolderWithTheReason() throws Exception {
        dropBytes("garbage.jsonl", new byte[] {(byte) 0xC3, 0x28, '\n'});
        drop("bad-header.csv", "Device,Service\nlamp-1,Blink\n");

        awaitFile(dataDir().resolve("error/garbage.jsonl"));
        assertThat(Files.readString(awaitFile(dataDir().resolve("error/garbage.jsonl.reason.txt")))).contains("not UTF-8");
        awaitFile(dataDir().resolve("error/bad-header.csv"));
        assertThat(Files.readString(awaitFile(dataDir().resolve("error/bad-header.csv.reason.txt")))).contains("header");
        assertThat(dataDir().resolve("outbox/garbage.results.jsonl")).doesNotExist();
    }

    @Test
    void aFileStillBeingWrittenIsNotTakenEarly() throws Exception {
        Path inbox = Files.createDirectories(dataDir().resolve("inbox"));
        Path file = inbox.resolve("growing.jsonl");
        Files.writeString(file, line("g1") + "\n");
        for (int i = 2; i <= 4; i++) {
            Thread.sleep(150); // less than the settle time of 300 ms
            Files.writeString(file, line("g" + i) + "\n", java.nio.file.StandardOpenOption.APPEND);
        }

        assertThat(results("growing.results.jsonl")).extracting(r -> r.path("RequestId").asText()).containsExactly("g1", "g2", "g3", "g4");
    }

    @Test
    void theSameFileDroppedTwiceDoesNotInvokeDevicesTwice() throws Exception {
        String content = line("same-1") + "\n" + line("same-2") + "\n";
        try (MqttSpy spy = new MqttSpy(brokerUrl(), "/sys/" + PK + "/lamp-1/rrpc/request/+")) {
            drop("first.jsonl", content);
            List<JsonNode> first = results("first.results.jsonl");
            drop("again.jsonl", content);
            List<JsonNode> again = results("again.results.jsonl");

            assertThat(again).isEqualTo(first);
            assertThat(spy.received()).hasSize(2);
        }
    }

    @Test
    void manyLinesAreInFlightAtOnce() throws Exception {
        String content = IntStream.range(0, 400).mapToObj(i -> "{\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-2\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":" + (i % 10) + "}}")
                .collect(Collectors.joining("\n"));
        long start = System.nanoTime();
        drop("many.jsonl", content);

        List<JsonNode> results = results("many.results.jsonl");
        long seconds = (System.nanoTime() - start) / 1_000_000_000;
        assertThat(results).hasSize(400).allSatisfy(r -> assertThat(r.path("Response").path("Success").asBoolean()).isTrue());
        // lamp-2 answers after 1 s: one line at a time would take 400 s
        assertThat(seconds).isLessThan(60);
    }

    private static String line(String requestId) {
        return "{\"RequestId\":\"" + requestId + "\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-1\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":1}}";
    }

    /** As a careful user does: written elsewhere, then moved into the inbox in one step. */
    private void drop(String name, String content) throws Exception {
        dropBytes(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private void dropBytes(String name, byte[] content) throws Exception {
        Path staging = Files.createDirectories(dataDir().resolve("staging")).resolve(name);
        Files.write(staging, content);
        Files.move(staging, Files.createDirectories(dataDir().resolve("inbox")).resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private List<JsonNode> results(String name) throws Exception {
        Path file = awaitFile(dataDir().resolve("outbox").resolve(name));
        return Files.readAllLines(file).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static Path awaitFile(Path file) throws InterruptedException {
        Waits.until(Duration.ofSeconds(60), Duration.ofMillis(50), () -> Files.exists(file));
        assertThat(file).exists();
        return file;
    }
}
