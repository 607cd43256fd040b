package org.thingservice.gateway.history;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.text.Texts;

/**
 * Records every service call when it ends, and every device reply that comes after its call ended, off the calling
 * thread: the call only puts an event in a bounded queue (never waiting, never failing: a full queue drops the event
 * and counts it), and one writer thread writes what gathered, up to batch-size events, in one transaction.
 *
 * <p>What a SIGKILL loses: the events still in the queue (at most max-delay's worth, plus what a slow database let
 * pile up). A graceful stop writes them all: the service stops after the routes, once the calls in flight ended.
 */
public final class ServiceCallHistory extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceCallHistory.class);
    /** the outcome recorded for a call answered without error */
    public static final String SUCCESS = "Success";
    /** Args kept of a call refused before they were validated (the validated ones are at most gateway.invoke.max-args-size) */
    private static final int RAW_ARGS_LIMIT = 4096;
    /**
     * How long a reply that found no call is tried again: its call's row may not be written yet (an async call's
     * reply can overtake the call's own end, and another instance writes its calls max-delay after they end).
     */
    static final long REPLY_RETRY_MILLIS = 10_000;

    /** The settings (application.properties, gateway.history.*). */
    public record Settings(boolean enabled, long retentionMillis, long purgeIntervalMillis, int queueSize, int batchSize,
            long maxDelayMillis, long lateReplyWindowMillis) {
    }

    private final ServiceCallStore store;
    private final Settings settings;
    private final Clock clock;
    private final BlockingQueue<Object> queue;
    /** replies that found no call yet, tried again on each write until REPLY_RETRY_MILLIS after they came (writer thread only) */
    private final Deque<ServiceCallStore.Reply> retries = new ArrayDeque<>();
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong repliesAttached = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong purged = new AtomicLong();
    /** this process's part of the row ids (see nextId) */
    private final String idSession = String.format("%016x", new java.security.SecureRandom().nextLong());
    /** the writer's count of rows, in the row ids (writer thread only) */
    private long idCounter;
    private volatile boolean running;
    private Thread writer;

    public ServiceCallHistory(ServiceCallStore store, Settings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, settings.queueSize()));
    }

    /**
     * A call ended (Responses): error null for a success; reply the device's reply when the caller got it. Calls whose
     * device and service were not found are not recorded: there is no device to file them under.
     */
    public void ended(Invocation invocation, String source, ApiException error, String reply) {
        if (!settings.enabled() || invocation.device() == null) {
            return;
        }
        // only what the call must hand over here; the row (its id, the Args as text) is made by the writer
        long now = clock.millis();
        offer(new Ended(invocation, source, error == null ? SUCCESS : error.code(), reply, now - invocation.elapsedMillis(), now));
    }

    /** A call's end, as queued: made into its row by the writer thread. */
    private record Ended(Invocation invocation, String source, String outcome, String reply, long calledAt, long at) {

        ServiceCall row(String id) {
            Device device = invocation.device();
            String args = invocation.args() != null ? invocation.args().toString()
                    : invocation.request().args() == null ? null : Texts.shorten(invocation.request().args(), RAW_ARGS_LIMIT);
            return new ServiceCall(id, calledAt, at, device.iotId(), device.productKey(), device.deviceName(),
                    invocation.service().identifier(), args, invocation.messageId(), invocation.requestId(),
                    source == null ? "unknown" : source, outcome, reply, reply == null ? null : at, false);
        }
    }

    /**
     * A device reply that {@link org.thingservice.gateway.correlate.ReplyCorrelator} did not hand to a waiting sync
     * call, keyed pk/dn/MessageId: an async call's reply it forwards ({@code late} false), or one that found no call
     * waiting, because its call had ended (timeout, restart; {@code late} true). Attached to its call's record. A sync
     * call's reply in time is recorded with the call, when it ends ({@link #ended}); a reply to a call of another
     * running instance never comes here: it is handed to that instance (or, without a shared subscription, that
     * instance receives it too).
     */
    public void replied(String key, String reply, boolean late) {
        if (!settings.enabled() || reply == null) {
            return;
        }
        int first = key.indexOf('/');
        int last = key.lastIndexOf('/');
        if (first < 0 || first == last) {
            return;
        }
        long now = clock.millis();
        offer(new ServiceCallStore.Reply(key.substring(0, first), key.substring(first + 1, last), key.substring(last + 1), reply,
                now, late, now - settings.lateReplyWindowMillis()));
    }

    private void offer(Object event) {
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    @Override
    protected void doStart() {
        if (!settings.enabled()) {
            return;
        }
        running = true;
        writer = new Thread(this::writeLoop, "ServiceCallHistory");
        writer.setDaemon(true);
        writer.start();
    }

    /** Writes what is queued, then stops: called after the routes stopped, so no call adds to it any more. */
    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        if (writer != null) {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private void writeLoop() {
        long nextPurge = clock.millis();
        List<Object> batch = new ArrayList<>(settings.batchSize());
        while (running || !queue.isEmpty()) {
            try {
                if (clock.millis() >= nextPurge) {
                    purge();
                    nextPurge = clock.millis() + settings.purgeIntervalMillis();
                }
                Object first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null && retries.isEmpty()) {
                    continue;
                }
                if (first != null) {
                    batch.add(first);
                    gather(batch);
                }
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("Service-call history writer: {}", e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Lets events gather for max-delay, then takes up to batch-size (one transaction for many calls is what keeps the
     * history cheap). The writer sleeps rather than waits on the queue: a thread waiting on it would be woken by every
     * call that ends, a context switch per call on the calls' cores.
     */
    private void gather(List<Object> batch) throws InterruptedException {
        if (running && queue.size() < settings.batchSize() - batch.size()) {
            TimeUnit.MILLISECONDS.sleep(settings.maxDelayMillis());
        }
        queue.drainTo(batch, settings.batchSize() - batch.size());
    }

    /** Writes what is queued now, in the calling thread (tests: the writer's work, one step at a time). */
    void writeQueued() {
        List<Object> batch = new ArrayList<>();
        queue.drainTo(batch);
        write(batch);
    }

    /** One transaction: the calls, then the replies (new ones and those tried again). */
    private void write(List<Object> batch) {
        List<ServiceCall> calls = new ArrayList<>();
        List<ServiceCallStore.Reply> replies = new ArrayList<>(retries);
        retries.clear();
        for (Object event : batch) {
            if (event instanceof Ended ended) {
                calls.add(ended.row(nextId()));
            } else {
                replies.add((ServiceCallStore.Reply) event);
            }
        }
        if (calls.isEmpty() && replies.isEmpty()) {
            return;
        }
        boolean[] found;
        try {
            found = store.write(calls, replies);
        } catch (SQLException e) {
            failed.addAndGet(calls.size() + replies.size());
            LOG.warn("Could not write {} service call(s) and {} reply(ies) to the history ({}); they are lost",
                    calls.size(), replies.size(), e.getMessage());
            return;
        }
        recorded.addAndGet(calls.size());
        long now = clock.millis();
        for (int i = 0; i < found.length; i++) {
            ServiceCallStore.Reply reply = replies.get(i);
            if (found[i]) {
                repliesAttached.incrementAndGet();
            } else if (now - reply.at() < REPLY_RETRY_MILLIS && retries.size() < settings.queueSize()) {
                retries.add(reply);
            } else {
                LOG.debug("No recorded call for the reply {}/{}/{}", reply.productKey(), reply.deviceName(), reply.messageId());
            }
        }
    }

    /**
     * A row's id: unique across instances (this process's random part) and rising with time, so that rows are added
     * at the end of the primary key's index rather than anywhere in it, as random ids would be.
     */
    private String nextId() {
        return String.format("%011x-%s-%08x", clock.millis(), idSession, ++idCounter);
    }

    private void purge() {
        try {
            int deleted = store.purge(clock.millis() - settings.retentionMillis());
            purged.addAndGet(deleted);
            if (deleted > 0) {
                LOG.info("Deleted {} service call(s) older than {} days from the history", deleted,
                        TimeUnit.MILLISECONDS.toDays(settings.retentionMillis()));
            }
        } catch (SQLException e) {
            LOG.warn("Could not purge the service-call history ({}); tried again in {} ms", e.getMessage(), settings.purgeIntervalMillis());
        }
    }

    /** calls written */
    public long recorded() {
        return recorded.get();
    }

    /** replies attached to their calls after the calls were written (late ones and async ones) */
    public long repliesAttached() {
        return repliesAttached.get();
    }

    /** events dropped because the queue was full (the database was slower than the calls) */
    public long dropped() {
        return dropped.get();
    }

    /** events lost because the database refused their transaction */
    public long failed() {
        return failed.get();
    }

    /** calls deleted for their age */
    public long purged() {
        return purged.get();
    }

    /** events waiting for the writer */
    public int queued() {
        return queue.size();
    }
}
