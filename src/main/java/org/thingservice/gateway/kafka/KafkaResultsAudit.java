package org.thingservice.gateway.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.registry.ProcessedRequests;
import org.thingservice.gateway.registry.ProcessedRequests.Claim;

/**
 * Exactly one result per request record, across crashes. A record is redelivered when the gateway stopped before its
 * batch's offsets were committed; its result may or may not have been written by then: the crash may have come
 * between Kafka's acknowledgement of the result and the database's note of it. For a redelivered record that was
 * claimed before, this looks on the results topic itself: each result carries the header {@value #SOURCE_HEADER}
 * (topic/partition/offset of its request record), and a record whose result is there is not answered again.
 * It reads only results written since the record was claimed (less a minute or two for clocks), once for all the
 * redeliveries after a restart; records claimed now (nearly all) cost nothing.
 */
public final class KafkaResultsAudit {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaResultsAudit.class);
    /** results are looked for from this long before the claim: the instances' clocks and Kafka's may differ */
    static final long CLOCK_MARGIN_MS = 60_000;
    private static final Duration POLL = Duration.ofMillis(200);
    /** a scan that has not reached the end by then gives up (the broker went away) */
    private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Supplier<Consumer<byte[], byte[]>> consumers;
    /** request records whose result was seen, from the scans so far */
    private final Set<String> written = new HashSet<>();
    private long scannedFrom = Long.MAX_VALUE;
    private long scannedUntil = Long.MIN_VALUE;

    public KafkaResultsAudit(String topic, Supplier<Consumer<byte[], byte[]>> consumers) {
        this.topic = topic;
        this.consumers = consumers;
    }

    /**
     * Consumers made from the Kafka component's settings (brokers, security) as they are when a scan is needed,
     * reading by assignment, committing nothing.
     */
    public static Supplier<Consumer<byte[], byte[]>> consumers(Supplier<Properties> componentConsumerProperties) {
        return () -> {
            Properties p = new Properties();
            p.putAll(componentConsumerProperties.get());
            p.remove(ConsumerConfig.GROUP_ID_CONFIG);
            p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        };
    }

    /** Marks the record Exchanges.RESULT_WRITTEN when it was claimed before and its result is on the topic. */
    public void check(Exchange exchange) {
        Claim claim = exchange.getProperty(Exchanges.CLAIM, Claim.class);
        if (claim == null || claim == Claim.NEW) {
            return;
        }
        String source = exchange.getProperty(Exchanges.REQUEST_SOURCE, String.class);
        boolean written;
        try {
            written = isWritten(source, exchange.getProperty(Exchanges.CLAIMED_AT, Long.class));
        } catch (KafkaException e) {
            // a result more rather than none: the record is answered (kept answer, or outcome unknown) all the same
            LOG.warn("Could not read {} to see whether the redelivered record {} was answered ({}); it is answered, perhaps a second time",
                    topic, source, e.toString());
            return;
        }
        if (written) {
            LOG.info("Request record {} was redelivered after its result had been written; it is not answered again", source);
            exchange.setProperty(Exchanges.RESULT_WRITTEN, true);
        }
    }

    synchronized boolean isWritten(String source, long claimedAt) {
        if (claimedAt - CLOCK_MARGIN_MS < scannedFrom || claimedAt >= scannedUntil) {
            // one margin more than needed: the other records of a crashed batch were claimed a little before this one
            long from = Math.min(claimedAt - 2 * CLOCK_MARGIN_MS, scannedFrom);
            long until = System.currentTimeMillis();
            scan(from);
            scannedFrom = from;
            scannedUntil = until;
        }
        return written.contains(source);
    }

    /** Reads the results topic from this time to its end as it is now. */
    private void scan(long since) {
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(p -> times.put(p, since));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp start = starts.get(p);
                long from = start != null ? start.offset() : ends.get(p);
                if (from < ends.get(p)) {
                    consumer.seek(p, from);
                    remaining.put(p, ends.get(p));
                }
            }
            consumer.assign(remaining.keySet());
            int read = 0;
            long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
            while (!remaining.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("the results topic was not read to its end within " + SCAN_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> result : consumer.poll(POLL)) {
                    read++;
                    Header header = result.headers().lastHeader(Exchanges.SOURCE_RECORD_HEADER);
                    if (header != null) {
                        written.add(new String(header.value(), StandardCharsets.UTF_8));
                    }
                }
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
            LOG.info("Read {} results written to {} since {} to see which redelivered requests were answered", read, topic,
                    java.time.Instant.ofEpochMilli(since));
        }
    }
}
