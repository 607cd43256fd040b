package org.thingservice.gateway.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.Suspendable;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.DefaultConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka source's consumer: a sliding window over the requests topic. Each record is its own exchange, routed as
 * soon as it is polled and a place in the window is free (at most maxInFlight records in flight), and finished when
 * its result is written, whatever the records around it do: a slow device holds back its own records only. Offsets
 * are committed, on the poll thread (the only one that touches the KafkaConsumer), for each partition's contiguous
 * prefix of finished records ({@link FinishedOffsets}): at least once, and a record redelivered after a crash is not
 * sent to its device again (its claim in processed_request says so).
 *
 * <p>A graceful stop suspends it first (Suspendable): no record is routed any more, while Camel waits for the records
 * in flight ({@link #getPendingExchangesSize}); the stop then commits what finished and leaves the group. Partitions
 * taken away by a rebalance get their finished prefix committed at once; their records still in flight finish but
 * are not committed here (the next owner gets them again, and their claims keep them from a second device call).
 */
final class KafkaRequestsConsumer extends DefaultConsumer implements Suspendable, ShutdownAware {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRequestsConsumer.class);
    /** how long a poll waits for records when none is waiting for a place in the window */
    private static final Duration POLL = Duration.ofMillis(100);
    /** how long a poll waits while the window is full: finished records free places, and the loop must come back soon to fill them */
    private static final Duration POLL_WHILE_FULL = Duration.ofMillis(5);
    /** a record whose exchange failed (its result could not be written) is routed again after this long */
    private static final long RETRY_NANOS = Duration.ofSeconds(1).toNanos();
    /** how long the stop waits for the poll thread's last commit */
    private static final Duration CLOSE = Duration.ofSeconds(30);

    private final String topic;
    private final int maxInFlight;
    private final Supplier<Properties> clientProperties;
    private final BooleanSupplier brokerConnected;
    /** records polled and not yet routed (poll thread only) */
    private final Queue<ConsumerRecord<String, byte[]>> waiting = new ArrayDeque<>();
    /** records whose exchange failed, to be routed again */
    private final Queue<Retry> retries = new ConcurrentLinkedQueue<>();
    /** each assigned partition's progress (poll thread only; a FinishedOffsets itself is shared with the finishing threads) */
    private final Map<TopicPartition, FinishedOffsets> partitions = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean routing;
    private volatile boolean polling;
    /** the MQTT broker was away at the last turn of the loop */
    private boolean brokerAway;
    private Thread pollThread;
    private ExecutorService workers;

    private record Retry(ConsumerRecord<String, byte[]> record, FinishedOffsets partition, long dueNanos) {
    }

    KafkaRequestsConsumer(KafkaRequestsComponent.RequestsEndpoint endpoint, Processor processor, String topic, int maxInFlight,
            Supplier<Properties> clientProperties, BooleanSupplier brokerConnected) {
        super(endpoint, processor);
        this.topic = topic;
        this.maxInFlight = maxInFlight;
        this.clientProperties = clientProperties;
        this.brokerConnected = brokerConnected;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        Properties p = new Properties();
        p.putAll(clientProperties.get());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxInFlight));
        Consumer<String, byte[]> kafka = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        // the claim (a database write) and the pipeline up to the publish run on these threads, so that claims from many
        // records share a transaction (ProcessedRequests); nothing waits for a device on them
        workers = getEndpoint().getCamelContext().getExecutorServiceManager().newDefaultThreadPool(this, "KafkaRequests");
        routing = true;
        polling = true;
        pollThread = new Thread(() -> pollLoop(kafka), "KafkaRequests-poll-" + topic);
        pollThread.start();
    }

    @Override
    protected void doSuspend() {
        routing = false;
    }

    @Override
    protected void doResume() {
        routing = true;
    }

    @Override
    protected void doStop() throws Exception {
        routing = false;
        polling = false;
        if (pollThread != null) {
            pollThread.join(CLOSE.toMillis());
            pollThread = null;
        }
        if (workers != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdown(workers);
            workers = null;
        }
        super.doStop();
    }

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        return false;
    }

    /** Records routed and not finished, for Camel's graceful stop to wait for (some may not have reached the route yet). */
    @Override
    public int getPendingExchangesSize() {
        return inFlight.get();
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        routing = false;
    }

    private void pollLoop(Consumer<String, byte[]> kafka) {
        try (kafka) {
            kafka.subscribe(List.of(topic), new Rebalance(kafka));
            while (polling) {
                try {
                    boolean full = !waiting.isEmpty() || !retries.isEmpty() || inFlight.get() >= maxInFlight;
                    for (ConsumerRecord<String, byte[]> record : kafka.poll(full ? POLL_WHILE_FULL : POLL)) {
                        waiting.add(record);
                    }
                    boolean open = routing && deviceBrokerThere();
                    if (open) {
                        route();
                    }
                    // no more records than the window holds are fetched: a partition is paused while records wait
                    if (waiting.size() + inFlight.get() >= maxInFlight || !open) {
                        kafka.pause(kafka.assignment());
                    } else if (!kafka.paused().isEmpty()) {
                        kafka.resume(kafka.paused());
                    }
                    commitAsync(kafka);
                } catch (KafkaException e) {
                    // the client reconnects on its own; a failed commit is made again with the next one
                    LOG.warn("Kafka requests from {}: {}", topic, e.toString());
                    sleep(1000);
                }
            }
            commitSync(kafka, partitions.keySet());
            LOG.info("Kafka requests from {}: stopped with {} records in flight, offsets committed {}", topic, inFlight.get(), committed);
        } catch (RuntimeException e) {
            getExceptionHandler().handleException("Kafka requests from " + topic + ": the consumer stopped", e);
        }
    }

    /**
     * While the MQTT broker is away every request would fail at once (PublishMessageFailed, a request that never
     * reached its device): records wait for it instead, and a broker outage costs time, not answers.
     */
    private boolean deviceBrokerThere() {
        boolean there = brokerConnected.getAsBoolean();
        if (there == brokerAway) {
            LOG.info(there ? "Kafka requests from {}: the MQTT broker is back, records are routed again"
                    : "Kafka requests from {}: the MQTT broker is away, records wait for it", topic);
            brokerAway = !there;
        }
        return there;
    }

    /** Routes waiting records while the window has room, failed ones again when their time has come. */
    private void route() {
        long now = System.nanoTime();
        for (int n = retries.size(); n > 0 && routing; n--) {
            Retry retry = retries.poll();
            if (retry.partition().revoked()) {
                inFlight.decrementAndGet(); // the next owner reads it again
            } else if (now - retry.dueNanos() < 0) {
                retries.add(retry);
            } else {
                send(retry.record(), retry.partition());
            }
        }
        while (routing && inFlight.get() < maxInFlight && !waiting.isEmpty()) {
            ConsumerRecord<String, byte[]> record = waiting.poll();
            FinishedOffsets partition = partitions.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
                    p -> new FinishedOffsets());
            partition.dispatched(record.offset());
            inFlight.incrementAndGet();
            send(record, partition);
        }
    }

    /** One record as its own exchange; it finishes when its result is written (or its record is dead-lettered). */
    private void send(ConsumerRecord<String, byte[]> record, FinishedOffsets partition) {
        Exchange exchange = createExchange(false);
        exchange.getMessage().setBody(record);
        workers.execute(() -> getAsyncProcessor().process(exchange, doneSync -> {
            if (exchange.getException() == null) {
                partition.finished(record.offset());
                inFlight.decrementAndGet();
            } else if (routing && !partition.revoked()) {
                LOG.warn("Kafka request {}/{}/{} failed ({}); it is routed again in {} ms (its claim keeps it from a second device call)",
                        record.topic(), record.partition(), record.offset(), exchange.getException().toString(), RETRY_NANOS / 1_000_000);
                retries.add(new Retry(record, partition, System.nanoTime() + RETRY_NANOS));
            } else {
                // stopping, or no longer ours: left unfinished, so that no commit passes it and it is read again
                LOG.warn("Kafka request {}/{}/{} failed ({}); it is read again at the next start", record.topic(), record.partition(),
                        record.offset(), exchange.getException().toString());
                inFlight.decrementAndGet();
            }
        }));
    }

    private void commitAsync(Consumer<String, byte[]> kafka) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions.keySet());
        if (!offsets.isEmpty()) {
            kafka.commitAsync(offsets, (done, e) -> {
                if (e != null) {
                    LOG.warn("Kafka requests from {}: offsets {} not committed ({}); the next commit covers them", topic, offsets, e.toString());
                    offsets.keySet().forEach(committed::remove);
                }
            });
        }
    }

    private void commitSync(Consumer<String, byte[]> kafka, Collection<TopicPartition> of) {
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(of);
        if (!offsets.isEmpty()) {
            try {
                kafka.commitSync(offsets);
            } catch (KafkaException e) {
                LOG.warn("Kafka requests from {}: offsets {} not committed ({}); their records will be read again, and not sent to "
                        + "their devices again", topic, offsets, e.toString());
            }
        }
    }

    /** Each partition's finished prefix not committed yet (noted as committed: the commit callback undoes a failure). */
    private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> of) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition p : of) {
            FinishedOffsets partition = partitions.get(p);
            long offset = partition != null ? partition.committable() : -1;
            if (offset >= 0 && offset > committed.getOrDefault(p, -1L)) {
                offsets.put(p, new OffsetAndMetadata(offset));
                committed.put(p, offset);
            }
        }
        return offsets;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Partitions that go: their finished prefix committed now; what they still have in flight is no longer ours. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final Consumer<String, byte[]> kafka;

        Rebalance(Consumer<String, byte[]> kafka) {
            this.kafka = kafka;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            commitSync(kafka, revoked);
            forget(revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            forget(lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            // progress starts with the first record routed from each
        }

        private void forget(Collection<TopicPartition> gone) {
            for (TopicPartition p : gone) {
                FinishedOffsets partition = partitions.remove(p);
                committed.remove(p);
                if (partition != null) {
                    partition.revoke(); // its records in flight still count in the window until they finish
                }
            }
            waiting.removeIf(r -> gone.contains(new TopicPartition(r.topic(), r.partition())));
        }
    }
}
