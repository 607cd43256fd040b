package org.thingservice.gateway.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.camel.spi.InflightRepository;
import org.thingservice.gateway.correlate.ReplyCorrelator;
import org.thingservice.gateway.correlate.ReplyHandOver;
import org.thingservice.gateway.history.ServiceCallHistory;

/**
 * The gateway's own meters, in the registry Camel serves at /observe/metrics (Prometheus text): invocations by
 * source, outcome and code with their latency, calls in flight, replies nobody waited for, file lines and Kafka
 * records processed.
 */
public final class GatewayMetrics {

    /** what the counter gateway.invocations is tagged with */
    private record Outcome(String source, boolean success, String code) {
    }

    private final MeterRegistry registry;
    /**
     * the meters of each source and outcome, once registered: looking a meter up in the registry by name and tags
     * builds its id and tags anew, a cost that every call paid (2.5% of the gateway's CPU samples at 64 callers)
     */
    private final Map<Outcome, Counter> invocations = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Counter fileLines;
    private final Counter kafkaRecords;

    public GatewayMetrics(MeterRegistry registry, ReplyCorrelator correlator, ReplyHandOver handOver, InflightRepository inflight,
            ServiceCallHistory history) {
        this.registry = registry;
        // every exchange inside the invoke pipeline is a call that has not been answered yet
        Gauge.builder("gateway.invocations.in.flight", inflight, i -> i.size("invoke"))
                .description("calls inside the invoke pipeline (validated, sent, or waiting for their device)").register(registry);
        Map<String, ToDoubleFunction<ReplyCorrelator>> ignored = Map.of("late", ReplyCorrelator::lateReplies,
                "duplicate", ReplyCorrelator::duplicateReplies, "unknown", ReplyCorrelator::unknownReplies,
                "other-instance", ReplyCorrelator::otherInstanceReplies);
        ignored.forEach((kind, count) -> FunctionCounter.builder("gateway.replies.ignored", correlator, count).tag("kind", kind)
                .description("device replies no call was waiting for").register(registry));
        Map<String, ToDoubleFunction<ReplyHandOver>> received = Map.of("broker", ReplyHandOver::fromBroker,
                "hand-over", ReplyHandOver::fromInstances);
        received.forEach((via, count) -> FunctionCounter.builder("gateway.replies.received", handOver, count).tag("via", via)
                .description("device replies taken in: from the broker's reply subscriptions, or handed over by another instance")
                .register(registry));
        Map<String, ToDoubleFunction<ReplyHandOver>> handedOver = Map.of("delivered", ReplyHandOver::delivered,
                "owner-gone", ReplyHandOver::ownerGone);
        handedOver.forEach((outcome, count) -> FunctionCounter.builder("gateway.replies.handed.over", handOver, count)
                .tag("outcome", outcome).description("replies for another instance's call, passed on to it, or completed here "
                        + "(as late) because it had gone").register(registry));
        Map<String, ToDoubleFunction<ServiceCallHistory>> historyEvents = Map.of("recorded", ServiceCallHistory::recorded,
                "reply-attached", ServiceCallHistory::repliesAttached, "dropped", ServiceCallHistory::dropped,
                "failed", ServiceCallHistory::failed, "purged", ServiceCallHistory::purged);
        historyEvents.forEach((event, count) -> FunctionCounter.builder("gateway.history.events", history, count).tag("event", event)
                .description("service-call history: calls written, replies attached, events dropped (queue full) or lost "
                        + "(database failure), calls purged").register(registry));
        Gauge.builder("gateway.history.queued", history, ServiceCallHistory::queued)
                .description("service-call history events waiting for the writer").register(registry);
        this.fileLines = Counter.builder("gateway.file.lines").description("batch-file lines answered").register(registry);
        this.kafkaRecords = Counter.builder("gateway.kafka.records").description("Kafka request records answered (their results written)")
                .register(registry);
    }

    /** One answered call: outcome Success or Failure, code the Alibaba error code (or "OK"). */
    public void invocation(String source, boolean success, String code, long millis) {
        String from = source != null ? source : "unknown";
        invocations.computeIfAbsent(new Outcome(from, success, code), o -> registry.counter("gateway.invocations",
                "source", o.source(), "outcome", o.success() ? "Success" : "Failure", "code", o.code())).increment();
        durations.computeIfAbsent(from, s -> Timer.builder("gateway.invocation.duration")
                .description("time from a call's arrival to its answer").tag("source", s).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)).record(millis, TimeUnit.MILLISECONDS);
    }

    /** A batch-file line has its answer in the batch. */
    public void fileLine() {
        fileLines.increment();
    }

    /** A Kafka request record has its result written (its offset is committed with its partition's finished prefix). */
    public void kafkaRecord() {
        kafkaRecords.increment();
    }
}
