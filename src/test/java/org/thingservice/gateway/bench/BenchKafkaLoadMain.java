package org.thingservice.gateway.bench;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * bench/run's Kafka load, a process of its own: a consumer placed at the end of the results topic, then n request
 * records produced at once (every silentEvery-th for the silent device with Timeout silentTimeout ms), then results
 * read until each request has one or the time is up. The clock runs from just before the first send to the last
 * result; "rest" is the last result of a request that is not for the silent device. Prints one
 * {@code RESULT kafka …} line.
 *
 * <p>Not a test: {@code java -cp … BenchKafkaLoadMain bootstrap requests results n silentEvery silentTimeout maxSeconds label}.
 */
public final class BenchKafkaLoadMain {

    private BenchKafkaLoadMain() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String requestsTopic = args[1];
        String resultsTopic = args[2];
        BenchLoad.Plan plan = BenchLoad.Plan.parse(args, 3);
        int n = plan.n();

        Properties consumerProps = new Properties();
        consumerProps.put("bootstrap.servers", bootstrap);
        consumerProps.put("enable.auto.commit", "false");
        consumerProps.put("max.poll.records", "2000");
        Properties producerProps = new Properties();
        producerProps.put("bootstrap.servers", bootstrap);
        producerProps.put("linger.ms", "5");
        producerProps.put("acks", "all");
        try (KafkaConsumer<String, String> results = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
             KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            List<TopicPartition> partitions = results.partitionsFor(resultsTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(resultsTopic, p.partition())).collect(Collectors.toList());
            results.assign(partitions);
            results.seekToEnd(partitions);
            partitions.forEach(results::position); // the end is read now, before anything is produced
            producer.partitionsFor(requestsTopic); // metadata fetched before the clock starts

            boolean[] seen = new boolean[n];
            int silentCount = 0;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                silentCount += plan.silent(i) ? 1 : 0;
                producer.send(new ProducerRecord<>(requestsTopic, plan.runId() + "-" + i, plan.request(i)));
            }
            producer.flush();
            int received = 0;
            int ok = 0;
            int timedOut = 0;
            int other = 0;
            int restLeft = n - silentCount;
            long lastRest = 0;
            long lastAny = 0;
            String firstOther = null;
            long deadline = start + (long) (plan.maxSeconds() * 1e9);
            while (received < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : results.poll(Duration.ofMillis(20))) {
                    String key = record.key();
                    if (key == null || !key.startsWith(plan.runId() + "-")) {
                        continue; // an earlier run's late result
                    }
                    int i = Integer.parseInt(key.substring(plan.runId().length() + 1));
                    if (seen[i]) {
                        continue;
                    }
                    seen[i] = true;
                    received++;
                    long now = System.nanoTime();
                    lastAny = now;
                    String value = record.value();
                    if (value.contains("\"Success\":true")) {
                        ok++;
                    } else if (value.contains("iot.messagebroker.TIMEOUT")) {
                        timedOut++;
                    } else {
                        other++;
                        firstOther = firstOther == null ? value : firstOther;
                    }
                    if (!plan.silent(i) && --restLeft == 0) {
                        lastRest = now;
                    }
                }
            }
            long end = System.nanoTime();
            if (firstOther != null) {
                System.err.println("Kafka " + plan.label() + ": " + other + " results neither Success nor TIMEOUT, the first: " + firstOther);
            }
            double secondsAll = ((received == n ? lastAny : end) - start) / 1e9;
            double secondsRest = ((restLeft == 0 ? lastRest : end) - start) / 1e9;
            BenchLoad.printResult("kafka", plan.label(), n, silentCount, ok, timedOut, other, secondsAll, secondsRest, received == n);
        }
    }
}
