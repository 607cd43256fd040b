package org.thingservice.gateway.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This instance's Kafka group.instance.id (static membership), kept in the data folder: an instance that restarts
 * with its data folder, after a crash or a stop, rejoins the consumer group as the same member and gets its partitions
 * back at once, instead of waiting for the group to time the old member out (session.timeout.ms, 45 s). A random id,
 * made at the first start, so two instances with folders of their own never fence each other out.
 */
public final class KafkaInstanceId {

    static final String FILE = "kafka-instance-id";

    private KafkaInstanceId() {
    }

    public static String of(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (Files.isRegularFile(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!id.isEmpty()) {
                return id;
            }
        }
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        String id = "gateway-" + HexFormat.of().formatHex(random);
        Files.createDirectories(dataDir);
        Path written = Files.writeString(file.resolveSibling(FILE + ".new"), id + "\n", StandardCharsets.UTF_8);
        Files.move(written, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
    }
}
