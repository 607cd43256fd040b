package org.thingservice.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.kafka.EmbeddedKafka;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.Waits;

/**
 * The three sources side by side in one run, against the fast simulated device: 10,000 sync calls over HTTP
 * (64 callers), 10,000 requests through Kafka, and a 10,000-line batch file. Prints throughput and end-to-end
 * latency; asserts only that every request was answered with Success. Run with `mvn -B verify -Pbenchmark`.
 */
@Tag("benchmark")
class SourcesBenchmark extends GatewayTestSupport {

    private static final int N = Integer.getInteger("bench.sources.n", 10_000);
    private static EmbeddedKafka kafka;

    @Override
    protected Map<String, String> settings() {
        try {
            if (kafka == null) {
                kafka = new EmbeddedKafka();
                kafka.createTopics(3, "bench.requests", "bench.results", "bench.dead");
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("camel.component.kafka.brokers", kafka.bootstrapServers(), "gateway.kafka.requests", "bench.requests",
                "gateway.kafka.results", "bench.results", "gateway.kafka.dead-letter", "bench.dead",
                "gateway.files.settle-time", "200", "gateway.invoke.timeout", "30000");
    }

    @AfterAll
    void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void httpKafkaAndFilesSideBySide() throws Exception {
        http(1_000); // warm-up: JIT, connections, caches
        double[] http = http(N);
        double[] kafkaFigures = kafka();
        double[] file = file();
        System.out.printf("%n=== sources benchmark: %d requests each, fast simulated device, embedded broker, 2-core machine ===%n", N);
        System.out.printf("%-28s %12s %10s %10s%n", "source", "requests/s", "p50 ms", "p99 ms");
        System.out.printf("%-28s %12.0f %10.1f %10.1f%n", "HTTP (64 callers)", http[0], http[1], http[2]);
        System.out.printf("%-28s %12.0f %10.1f %10.1f%n", "Kafka (end to end)", kafkaFigures[0], kafkaFigures[1], kafkaFigures[2]);
        System.out.printf("%-28s %12.0f %10s %10s%n", "batch file (lines)", file[0], "-", "-");
        System.out.printf("Kafka/HTTP throughput: %.2f; file/HTTP: %.2f%n%n", kafkaFigures[0] / http[0], file[0] / http[0]);
    }

    /** n sync calls from 64 callers: {calls/s, p50 ms, p99 ms}. */
    private double[] http(int n) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(64);
        AtomicInteger next = new AtomicInteger();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>(n));
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < 64; c++) {
            done.add(callers.submit(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort()
                            + "/?Action=InvokeThingService&ProductKey=" + PK + "&DeviceName=lamp-1&Identifier=Blink&Args=%7B%22param1%22%3A"
                            + (i % 10) + "%7D")).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                    latencies.add(System.nanoTime() - t0);
                    assertThat(r.body()).contains("\"Success\":true");
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(5, java.util.concurrent.TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        callers.shutdown();
        return figures(latencies, n / seconds);
    }

    /** n requests through Kafka, results read as they come: {requests/s, p50 ms, p99 ms} end to end. */
    private double[] kafka() throws Exception {
        Map<String, Long> sent = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>(N));
        Properties consumerProps = new Properties();
        consumerProps.put("bootstrap.servers", kafka.bootstrapServers());
        consumerProps.put("group.id", "bench-" + UUID.randomUUID());
        consumerProps.put("auto.offset.reset", "latest");
        Properties producerProps = new Properties();
        producerProps.put("bootstrap.servers", kafka.bootstrapServers());
        producerProps.put("linger.ms", "2");
        try (KafkaConsumer<String, String> results = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
             KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            results.subscribe(List.of("bench.results"));
            long warm = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (results.assignment().isEmpty() && System.nanoTime() < warm) {
                results.poll(Duration.ofMillis(100));
            }
            long start = System.nanoTime();
            for (int i = 0; i < N; i++) {
                String id = "k" + i;
                sent.put(id, System.nanoTime());
                producer.send(new ProducerRecord<>("bench.requests", id, "{\"RequestId\":\"" + id + "-" + start + "\",\"ProductKey\":\"" + PK
                        + "\",\"DeviceName\":\"lamp-1\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":" + (i % 10) + "}}"));
            }
            producer.flush();
            int ok = 0;
            long end = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (latencies.size() < N && System.nanoTime() < end) {
                for (ConsumerRecord<String, String> r : results.poll(Duration.ofMillis(50))) {
                    Long t0 = sent.remove(r.key());
                    if (t0 != null) {
                        latencies.add(System.nanoTime() - t0);
                        ok += r.value().contains("\"Success\":true") ? 1 : 0;
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(ok).isEqualTo(N);
            return figures(latencies, N / seconds);
        }
    }

    /** a file of n lines dropped into the inbox: {lines/s} until its result file is complete. */
    private double[] file() throws Exception {
        Path staging = Files.writeString(dataDir().resolve("bench.jsonl"), IntStream.range(0, N)
                .mapToObj(i -> "{\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-1\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":" + (i % 10) + "}}")
                .collect(Collectors.joining("\n")));
        Path result = dataDir().resolve("outbox/bench.results.jsonl");
        long start = System.nanoTime();
        Files.move(staging, Files.createDirectories(dataDir().resolve("inbox")).resolve("bench.jsonl"));
        Waits.until(Duration.ofMinutes(5), Duration.ofMillis(20), () -> Files.exists(result));
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> lines = Files.readAllLines(result, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(N).allSatisfy(l -> assertThat(l).contains("\"Success\":true"));
        return new double[] {N / seconds};
    }

    private static double[] figures(List<Long> latencies, double perSecond) {
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new double[] {perSecond, sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.99)) / 1e6};
    }
}
