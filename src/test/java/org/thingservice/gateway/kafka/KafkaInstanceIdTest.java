package org.thingservice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KafkaInstanceIdTest {

    @Test
    void theSameFolderGivesTheSameIdAndAnotherFolderAnother() throws Exception {
        Path data = Files.createTempDirectory("tsg-data").resolve("not-yet");

        String first = KafkaInstanceId.of(data);

        assertThat(first).matches("gateway-[0-9a-f]{16}");
        assertThat(KafkaInstanceId.of(data)).as("after a restart").isEqualTo(first);
        assertThat(KafkaInstanceId.of(Files.createTempDirectory("tsg-data"))).isNotEqualTo(first);
    }

    @Test
    void anIdWrittenByHandIsKept() throws Exception {
        Path data = Files.createTempDirectory("tsg-data");
        Files.writeString(data.resolve("kafka-instance-id"), "gateway-a\n");

        assertThat(KafkaInstanceId.of(data)).isEqualTo("gateway-a");
    }
}
