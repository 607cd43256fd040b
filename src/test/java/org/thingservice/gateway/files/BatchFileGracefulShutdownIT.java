package org.thingservice.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.mqtt.EmbeddedBroker;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.PackagedGateway;
import org.thingservice.gateway.support.Waits;

/**
 * SIGTERM to the packaged jar in the middle of a batch file that needs far longer than the shutdown timeout: the
 * lines in flight are answered, no other line starts, the process exits, and the file stays in the inbox.
 * The next run finishes it: results for every line in input order, each line sent to its device once, none answered
 * "outcome unknown". The MQTT broker (with a spy on the device topics) and the gateway's working directory (its
 * folders and registry database) outlive both runs.
 */
class BatchFileGracefulShutdownIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LINES = 400;
    private static final int GROUP = 10;
    private static final long DEVICE_DELAY_MS = 1_000;

    @Test
    void sigtermFinishesTheLinesInFlightAndTheNextRunFinishesTheFileWithoutSendingAnyLineTwice() throws Exception {
        Path workDir = Files.createTempDirectory("tsg-file-stop-it");
        Path inbox = Files.createDirectories(workDir.resolve("data/inbox"));
        Path results = workDir.resolve("data/outbox/big.results.jsonl");
        EmbeddedBroker mqtt = new EmbeddedBroker(FreePorts.next());
        mqtt.start();
        try (MqttSpy device = new MqttSpy(mqtt.url(), "/sys/a1LampDemo1/lamp-1/thing/service/SetColor")) {
            Map<String, String> settings = PackagedGateway.onBroker(mqtt.url(), "lamp-1:" + DEVICE_DELAY_MS);
            settings.put("gateway.files.settle-time", "200");
            settings.put("gateway.files.max-in-flight", Integer.toString(GROUP));
            // the file needs LINES / GROUP = 40 rounds of at least a second each (GROUP lines in flight at once), longer
            // than this bound of a stop; the lines in flight on a busy shared machine may take many seconds, but not this long
            settings.put("camel.main.shutdown-timeout", "30");
            Path staging = Files.writeString(workDir.resolve("big.jsonl"), IntStream.range(0, LINES)
                    .mapToObj(i -> "{\"RequestId\":\"f" + i + "\",\"ProductKey\":\"a1LampDemo1\",\"DeviceName\":\"lamp-1\","
                            + "\"Identifier\":\"SetColor\",\"Args\":{\"color\":1,\"label\":\"f" + i + "\"}}")
                    .collect(Collectors.joining("\n")));

            try (PackagedGateway first = PackagedGateway.start(workDir, "gateway-1.log", settings)) {
                first.check(() -> {
                    Files.move(staging, inbox.resolve("big.jsonl"));
                    Waits.until(Duration.ofSeconds(120), Duration.ofMillis(20), () -> device.received().size() > 3 * GROUP);
                    assertThat(device.received().size()).as("lines sent before SIGTERM").isGreaterThan(3 * GROUP);
                    int sentAtSigterm = device.received().size();
                    long sigterm = System.nanoTime();
                    first.sigterm();
                    int status = first.awaitExit(Duration.ofSeconds(120));
                    long exitMillis = (System.nanoTime() - sigterm) / 1_000_000;
                    Thread.sleep(500); // the spy's last deliveries
                    int sent = device.received().size();
                    System.out.printf("File stop: SIGTERM in the middle of a file of %d lines; exit after %d ms (status %d) with %d lines sent%n",
                            LINES, exitMillis, status, sent);

                    assertThat(sent).as("the stop came in the middle of the file").isLessThan(LINES);
                    assertThat(sent - sentAtSigterm).as("no line started after SIGTERM: at most the %d lines in flight then reached the device after it",
                            GROUP).isLessThanOrEqualTo(GROUP);
                    assertThat(first.log()).as("the stop ended before the shutdown timeout, cutting nothing off")
                            .doesNotContain("Timeout occurred during graceful shutdown");
                    assertThat(results).as("no result file for an unfinished file").doesNotExist();
                    assertThat(inbox.resolve("big.jsonl")).as("the unfinished file stays in the inbox").exists();
                    assertThat(workDir.resolve("data/error/big.jsonl")).doesNotExist();
                });
            }

            try (PackagedGateway second = PackagedGateway.start(workDir, "gateway-2.log", settings)) {
                second.check(() -> {
                    Waits.until(Duration.ofSeconds(240), Duration.ofMillis(100), () -> Files.exists(results));
                    second.sigterm();
                    second.awaitExit(Duration.ofSeconds(120));
                    assertThat(results).as("the file is finished by the next run").exists();

                    List<JsonNode> lines = Files.readAllLines(results).stream().map(BatchFileGracefulShutdownIT::json).toList();
                    Map<String, Long> sendsPerLine = device.received().stream().collect(Collectors.groupingBy(
                            m -> json(m.payload()).path("params").path("label").asText(), Collectors.counting()));
                    long unknown = lines.stream().filter(l -> l.path("Response").path("ErrorMessage").asText().contains("outcome is unknown")).count();
                    System.out.printf("File stop, second run: %d results for %d lines, %d answered 'outcome unknown'; %d lines reached "
                            + "the device, %d of them more than once%n", lines.size(), LINES, unknown, sendsPerLine.size(),
                            sendsPerLine.values().stream().filter(n -> n > 1).count());

                    List<String> inOrder = IntStream.range(0, LINES).mapToObj(i -> "f" + i).toList();
                    assertThat(lines).extracting(l -> l.path("RequestId").asText()).as("a result per line, in input order")
                            .containsExactlyElementsOf(inOrder);
                    assertThat(lines).as("each the device's answer (none 'outcome unknown')")
                            .allSatisfy(l -> assertThat(l.path("Response").path("Success").asBoolean()).as(l.toString()).isTrue());
                    assertThat(sendsPerLine.keySet()).as("every line reached its device").containsExactlyInAnyOrderElementsOf(inOrder);
                    assertThat(sendsPerLine.values()).as("no line reached its device twice").allMatch(n -> n == 1);
                    assertThat(workDir.resolve("data/done/big.jsonl")).exists();
                    assertThat(inbox.resolve("big.jsonl")).doesNotExist();
                });
            }
        } finally {
            mqtt.stop();
            PackagedGateway.delete(workDir);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
