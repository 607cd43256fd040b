package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings the configuration classes work out when they are left empty, without Camel. */
class DerivedSettingsTest {

    @TempDir
    Path dataDir;

    @Test
    void anEmptySettingIsUnset() {
        assertThat(Settings.optional(null)).isNull();
        assertThat(Settings.optional("  ")).isNull();
        assertThat(Settings.optional(" tcp://broker:1883 ")).isEqualTo("tcp://broker:1883");
    }

    @Test
    void theSimulatorAnswersWithTheEmbeddedBrokerUnlessToldOtherwise() {
        assertThat(MqttConfiguration.simulatorEnabled(null, true)).isTrue();
        assertThat(MqttConfiguration.simulatorEnabled(null, false)).isFalse();
        assertThat(MqttConfiguration.simulatorEnabled("false", true)).isFalse();
        assertThat(MqttConfiguration.simulatorEnabled("true", false)).isTrue();
    }

    @Test
    void kafkaIsOnWhenItsBrokersAreSet() {
        assertThat(SourcesConfiguration.kafkaEnabled("localhost:9092")).isTrue();
        assertThat(SourcesConfiguration.kafkaEnabled(Settings.optional(""))).isFalse();
    }

    @Test
    void theKafkaInstanceIdIsTheOneGivenElseOneKeptInTheDataFolder() throws Exception {
        assertThat(SourcesConfiguration.kafkaInstanceId("pod-1", dataDir)).isEqualTo("pod-1");
        assertThat(dataDir.resolve("kafka-instance-id")).doesNotExist();

        String made = SourcesConfiguration.kafkaInstanceId(null, dataDir);
        assertThat(made).isNotBlank();
        assertThat(SourcesConfiguration.kafkaInstanceId(null, dataDir)).as("kept").isEqualTo(made);
        assertThat(Files.readString(dataDir.resolve("kafka-instance-id"))).contains(made);
    }

    @Test
    void theBatchFileFoldersAreAbsolute() {
        assertThat(SourcesConfiguration.absoluteFolder("./data/../data/inbox"))
                .isEqualTo(Path.of("").toAbsolutePath().resolve("data/inbox").toString());
        assertThat(SourcesConfiguration.absoluteFolder(dataDir.resolve("done").toString())).isEqualTo(dataDir.resolve("done").toString());
    }

    @Test
    void aBatchFileFolderIsCreatedAndOneThatCannotBeFailsTheStartNamingItsSetting() throws Exception {
        Path inbox = dataDir.resolve("a/b/inbox");
        assertThat(SourcesConfiguration.createdFolder("gateway.files.inbox", inbox.toString())).isEqualTo(inbox.toString());
        assertThat(inbox).isDirectory();

        // under a file: no user (root included) can create it
        Path file = Files.writeString(dataDir.resolve("a-file"), "x");
        assertThatThrownBy(() -> SourcesConfiguration.createdFolder("gateway.files.outbox", file.resolve("outbox").toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("gateway.files.outbox: cannot create the folder " + file.resolve("outbox"));
    }
}
