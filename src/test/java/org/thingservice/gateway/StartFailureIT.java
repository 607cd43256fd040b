package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.PackagedGateway;

/**
 * A start that fails ends the process, as a supervisor (systemd, Kubernetes, Docker's restart policy) must see it:
 * exit status 1 and the reason in the log, also when the failure comes after the embedded broker started, whose
 * threads would otherwise keep a process alive that serves nothing, and when the HTTP API's port is taken or a batch
 * folder cannot be made, which Camel alone only logs.
 */
class StartFailureIT {

    @Test
    void aSettingRefusedAfterTheEmbeddedBrokerStartedEndsTheProcessWithItsReason() throws Exception {
        Path workDir = Files.createTempDirectory("tsg-start-failure");
        // checked by CorrelationConfiguration, well after MqttConfiguration started the embedded broker
        try (PackagedGateway gateway = PackagedGateway.launch(workDir, "gateway.log", Map.of(
                "gateway.mqtt.embedded.port", Integer.toString(FreePorts.next()),
                "gateway.data.dir", workDir.resolve("data").toString(),
                "gateway.mqtt.reply-group", "a/b"))) {
            assertThat(gateway.awaitExit(Duration.ofSeconds(90))).as("exit status").isEqualTo(1);
            assertThat(gateway.log()).contains("Embedded MQTT 5 broker listening", "The gateway did not start",
                    "gateway.mqtt.reply-group must not contain '/', '+' or '#': a/b");
        } finally {
            PackagedGateway.delete(workDir);
        }
    }

    @Test
    void anHttpPortInUseEndsTheProcessWithItsReason() throws Exception {
        Path workDir = Files.createTempDirectory("tsg-start-failure");
        // another process holds the port, as a second gateway or any server on 8080 would
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                PackagedGateway gateway = PackagedGateway.launch(workDir, "gateway.log", held.getLocalPort(), Map.of(
                        "gateway.mqtt.embedded.port", Integer.toString(FreePorts.next()),
                        "gateway.data.dir", workDir.resolve("data").toString()))) {
            assertThat(gateway.awaitExit(Duration.ofSeconds(90))).as("exit status").isEqualTo(1);
            assertThat(gateway.log()).contains("Failed to start Vert.x HttpServer", "The gateway did not start",
                    "The HTTP server could not listen on 127.0.0.1:" + held.getLocalPort());
        } finally {
            PackagedGateway.delete(workDir);
        }
    }

    @Test
    void aBatchFileFolderThatCannotBeCreatedEndsTheProcessWithItsReason() throws Exception {
        Path workDir = Files.createTempDirectory("tsg-start-failure");
        // a folder under a regular file: nobody, root included, can create it
        Path file = Files.writeString(workDir.resolve("not-a-folder"), "x");
        try (PackagedGateway gateway = PackagedGateway.launch(workDir, "gateway.log", Map.of(
                "gateway.mqtt.embedded.port", Integer.toString(FreePorts.next()),
                "gateway.data.dir", workDir.resolve("data").toString(),
                "gateway.files.inbox", file.resolve("inbox").toString()))) {
            assertThat(gateway.awaitExit(Duration.ofSeconds(90))).as("exit status").isEqualTo(1);
            assertThat(gateway.log()).contains("The gateway did not start",
                    "gateway.files.inbox: cannot create the folder " + file.resolve("inbox"));
        } finally {
            PackagedGateway.delete(workDir);
        }
    }
}
