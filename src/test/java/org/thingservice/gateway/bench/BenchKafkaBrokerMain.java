package org.thingservice.gateway.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.thingservice.gateway.kafka.EmbeddedKafka;

/**
 * bench/run's Kafka broker, a process of its own: the tests' single-node KRaft broker (EmbeddedKafka) with the
 * gateway's topics made up front, so that no client waits for auto-creation. Writes the bootstrap servers to the
 * file named by the first argument once ready; runs until SIGTERM.
 *
 * <p>Not a test: {@code java -cp … org.thingservice.gateway.bench.BenchKafkaBrokerMain bootstrap.txt 3 topic…}
 * (partitions of each topic).
 */
public final class BenchKafkaBrokerMain {

    private BenchKafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path bootstrapFile = Path.of(args[0]);
        int partitions = Integer.parseInt(args[1]);
        String[] topics = java.util.Arrays.copyOfRange(args, 2, args.length);
        EmbeddedKafka kafka = new EmbeddedKafka();
        kafka.createTopics(partitions, topics);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                kafka.close();
            } catch (Exception e) {
                System.err.println("bench Kafka: " + e);
            }
            stopped.countDown();
        }));
        Path partial = bootstrapFile.resolveSibling(bootstrapFile.getFileName() + ".tmp");
        Files.writeString(partial, kafka.bootstrapServers(), StandardCharsets.UTF_8);
        Files.move(partial, bootstrapFile);
        System.out.println("READY bench Kafka on " + kafka.bootstrapServers() + ", topics with " + partitions + " partitions: "
                + String.join(", ", topics));
        stopped.await();
    }
}
