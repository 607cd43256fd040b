package org.thingservice.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.mqtt.EmbeddedBroker;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.InProcessGateway;
import org.thingservice.gateway.support.MigratedDatabase;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.Waits;

/**
 * Stop the gateway in the middle of a file and start it again: the file is processed to completion, and lines
 * already sent to devices are not sent again. Both runs share the MQTT broker, the database and the folders.
 */
class BatchFilesRestartTest {

    private static final int LINES = 400;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRestartInTheMiddleOfAFileFinishesItWithoutSendingAnyLineTwice() throws Exception {
        Path data = Files.createTempDirectory("tsg-files-restart");
        EmbeddedBroker mqtt = new EmbeddedBroker(FreePorts.next());
        mqtt.start();
        try (MqttSpy device = new MqttSpy(mqtt.url(), "/sys/+/+/thing/service/SetColor")) {
            Properties settings = new Properties();
            settings.setProperty("gateway.mqtt.url", mqtt.url());
            settings.setProperty("gateway.simulator.enabled", "true");
            // an external broker turns caller authentication on by default; this test signs nothing
            settings.setProperty("gateway.auth.enabled", "false");
            settings.setProperty("gateway.simulator.delays", "lamp-1:300");
            settings.setProperty("gateway.data.dir", data.toString());
            settings.setProperty("gateway.registry.url", MigratedDatabase.url(data.resolve("gateway.db").toAbsolutePath().toString()));
            settings.setProperty("gateway.files.settle-time", "200");
            settings.setProperty("gateway.files.max-in-flight", "20");
            // a short bound on the stop: what it does not cover is cut off (a stop now leaves a file between two groups,
            // and a group of 20 lines takes about 300 ms, so usually nothing is)
            settings.setProperty("camel.main.shutdown-timeout", "1");
            Files.createDirectories(data.resolve("inbox"));
            Path staging = Files.writeString(data.resolve("big.jsonl"), IntStream.range(0, LINES)
                    .mapToObj(i -> "{\"RequestId\":\"f" + i + "\",\"ProductKey\":\"a1LampDemo1\",\"DeviceName\":\"lamp-1\","
                            + "\"Identifier\":\"SetColor\",\"Args\":{\"color\":1,\"label\":\"l" + i + "\"}}")
                    .collect(Collectors.joining("\n")));

            Main first = InProcessGateway.start(settings);
            Files.move(staging, data.resolve("inbox/big.jsonl"));
            Waits.until(Duration.ofSeconds(60), Duration.ofMillis(20), () -> device.received().size() >= LINES / 5);
            first.stop();
            int sentBeforeStop = device.received().size();
            assertThat(data.resolve("outbox/big.results.jsonl")).as("stopped in the middle").doesNotExist();
            assertThat(data.resolve("inbox/big.jsonl")).as("an unfinished file stays in the inbox").exists();

            Main second = InProcessGateway.start(settings);
            Path results = data.resolve("outbox/big.results.jsonl");
            Waits.until(Duration.ofSeconds(120), Duration.ofMillis(50), () -> Files.exists(results));
            second.stop();

            List<JsonNode> lines = Files.readAllLines(results).stream().map(BatchFilesRestartTest::json).toList();
            assertThat(lines).extracting(l -> l.path("RequestId").asText())
                    .containsExactlyElementsOf(IntStream.range(0, LINES).mapToObj(i -> "f" + i).toList());
            Map<String, Long> sendsPerLabel = device.received().stream()
                    .collect(Collectors.groupingBy(m -> json(m.payload()).path("params").path("label").asText(), Collectors.counting()));
            assertThat(sendsPerLabel.values()).as("no line reached its device twice").allMatch(n -> n == 1);
            long unknown = lines.stream().filter(l -> l.path("Response").path("ErrorMessage").asText().contains("outcome is unknown")).count();
            System.out.printf("file restart test: %d lines sent before the stop, %d in all; %d answered 'outcome unknown'%n",
                    sentBeforeStop, sendsPerLabel.size(), unknown);
            assertThat(data.resolve("done/big.jsonl")).exists();
        } finally {
            mqtt.stop();
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
