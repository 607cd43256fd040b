package org.thingservice.gateway.correlate;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.history.ServiceCallHistory;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.registry.GatewayInstances;

/**
 * Meets each request with its reply, keyed on pk/dn/MessageId: a request registers its call ({@link #await}) before
 * it is published, and the reply route's step ({@link #reply}) takes the call waiting for that key and completes it,
 * in the thread that received the reply. A call nobody answers ends with TIMEOUT when its own timeout passes. A reply
 * that finds no call waiting goes to {@link #noCallWaiting}: it is late (its request timed out, or the instance that
 * made it is gone), a duplicate, for another instance's call (only without a shared subscription: with one,
 * {@link ReplyHandOver} has handed such a reply to its instance before it gets here), or unknown, and is counted and
 * logged, never delivered; the service-call history attaches it to its call, marked late.
 *
 * <p>An async call is also kept in the database ({@link PendingReplies}): its reply is forwarded by whoever deletes
 * that row ({@link PendingReplies#claim}), this instance, another one sharing the database, or this one after a
 * restart ({@link #asyncReply} finds the kept call when memory has none).
 */
public final class ReplyCorrelator extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyCorrelator.class);
    private static final int REMEMBERED = 10_000;

    /** A call waiting for its reply, and the timer that ends the wait. */
    private static final class Waiting {
        final Invocation invocation;
        final long timeoutMillis;
        final boolean restored;
        volatile ScheduledFuture<?> timer;

        Waiting(Invocation invocation, long timeoutMillis, boolean restored) {
            this.invocation = invocation;
            this.timeoutMillis = timeoutMillis;
            this.restored = restored;
        }
    }

    private final AlinkCodec codec;
    private final PendingReplies pending;
    private final GatewayInstances instances;
    /** where the replies no sync call took are recorded: async ones forwarded, late ones */
    private final ServiceCallHistory history;
    /** ends the waits whose timeout passed: it only takes the call, and hands its answer to timeouts */
    private final ScheduledExecutorService timers;
    /** where timed-out calls are answered (their source's steps and the database's part), off the timer thread */
    private final Executor timeouts;
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong duplicate = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong otherInstance = new AtomicLong();
    /** guards waiting and answered together: a call leaves one and enters the other in one step */
    private final Object lock = new Object();
    private final Map<String, Waiting> waiting = new HashMap<>(1024);
    /** keys of recently finished requests and how they ended, to tell a late reply from a duplicate or a stray one */
    private final Map<String, Boolean> answered = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    public ReplyCorrelator(AlinkCodec codec, PendingReplies pending, GatewayInstances instances, ServiceCallHistory history,
            ScheduledExecutorService timers, Executor timeouts) {
        this.codec = codec;
        this.pending = pending;
        this.instances = instances;
        this.history = history;
        this.timers = timers;
        this.timeouts = timeouts;
    }

    @Override
    protected void doStart() throws Exception {
        int purged = pending.purgeExpired();
        if (purged > 0) {
            LOG.info("Deleted {} async call(s) whose reply window passed while their gateway was not running", purged);
        }
    }

    /**
     * A request step, before the request is published (so its reply cannot come first): the call waits for the
     * reply keyed on its correlation key, for its reply timeout.
     */
    public void await(Exchange request) {
        String key = request.getMessage().getHeader(Exchanges.CORRELATION_KEY, String.class);
        long timeout = request.getMessage().getHeader(Exchanges.REPLY_TIMEOUT, Long.class);
        Waiting call = new Waiting(request.getProperty(Exchanges.INVOCATION, Invocation.class), timeout, false);
        synchronized (lock) {
            waiting.put(key, call);
        }
        call.timer = timers.schedule(() -> timedOut(key, call), timeout, TimeUnit.MILLISECONDS);
    }

    /** The reply routes' step for sync replies (RRPC, both forms): completes the call waiting for this reply. */
    public void reply(Exchange reply) throws JsonProcessingException {
        String key = reply.getMessage().getHeader(Exchanges.CORRELATION_KEY, String.class);
        deliver(reply, key, take(key, true));
    }

    /**
     * The reply routes' step for async replies: like {@link #reply}, and when no call in memory waits for it, the
     * call kept in the database (made before a restart, or by another instance) if its window is still open. The
     * database is read here, in the reply's thread, only for a reply that memory has no call for.
     */
    public void asyncReply(Exchange reply) throws JsonProcessingException {
        String key = reply.getMessage().getHeader(Exchanges.CORRELATION_KEY, String.class);
        Waiting call = take(key, true);
        if (call == null) {
            call = restore(key);
        }
        deliver(reply, key, call);
    }

    private void deliver(Exchange reply, String key, Waiting call) throws JsonProcessingException {
        reply.setProperty(Exchanges.FORWARD_REPLY, false);
        String text = reply.getMessage().getBody(String.class);
        if (call == null) {
            noCallWaiting(key, text, reply.getProperty(Exchanges.OWNER_GONE, false, Boolean.class));
            return;
        }
        ScheduledFuture<?> timer = call.timer;
        if (timer != null) {
            timer.cancel(false);
        }
        Invocation invocation = call.invocation;
        boolean async = !invocation.service().sync();
        // only the one who deletes an async call's kept row forwards its reply
        boolean forward = async && pending.claim(key);
        invocation.reply().complete(text);
        if (!forward) {
            if (async) {
                LOG.debug("Async reply {} was forwarded already, by another gateway instance", key);
            }
            return;
        }
        if (call.restored) {
            LOG.info("Forwarding the reply {} to an async call made before a restart or by another gateway instance ({})",
                    key, invocation.requestId());
        }
        String topic = reply.getMessage().getHeader(PahoMqtt5Constants.MQTT_TOPIC, String.class);
        history.replied(key, text, false);
        reply.setProperty(Exchanges.FORWARD_REPLY, true);
        reply.getMessage().setBody(codec.forwardedReply(invocation, topic, text));
        reply.getMessage().setHeader(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC, AlinkCodec.forwardTopic(invocation.device()));
        reply.getMessage().removeHeader(PahoMqtt5Constants.CAMEL_PAHO_MSG_PROPERTIES);
    }

    /** The call waiting for this key, which stops waiting and is remembered as ended this way; null when none waits. */
    private Waiting take(String key, boolean replied) {
        synchronized (lock) {
            Waiting call = waiting.remove(key);
            if (call != null) {
                answered.put(key, replied);
            }
            return call;
        }
    }

    private void timedOut(String key, Waiting call) {
        synchronized (lock) {
            // the reply (or a newer call under the same key) got there first
            if (waiting.get(key) != call) {
                return;
            }
            waiting.remove(key);
            answered.put(key, false);
        }
        Invocation invocation = call.invocation;
        ApiException timeout = ApiException.business(ErrorCodes.TIMEOUT, "The device did not answer within "
                + call.timeoutMillis + " ms (MessageId " + invocation.messageId() + "); it may be offline or busy.");
        timeouts.execute(() -> {
            if (!invocation.service().sync()) {
                pending.forget(key);
            }
            invocation.reply().completeExceptionally(timeout);
        });
    }

    /** The async call kept in the database for this key, as a call taken for its reply; null when there is none. */
    private Waiting restore(String key) {
        PendingReplies.Pending call;
        try {
            call = pending.find(key);
        } catch (SQLException e) {
            // the reply then finds nobody waiting for it: counted and logged as such
            LOG.warn("Cannot look up the async call awaiting reply {} ({})", key, e.getMessage());
            return null;
        }
        if (call == null) {
            return null;
        }
        synchronized (lock) {
            answered.put(key, true);
        }
        // a duplicate reply restoring the same call at the same time is harmless: only one of them claims the row
        return new Waiting(Invocation.awaitingForward(call.requestId(), call.device(), call.identifier(), call.messageId()), 0, true);
    }

    /**
     * Every reply that finds no call waiting for it ends here: counted by kind (late, duplicate, unknown, or for
     * another instance's call) and logged, never delivered. ownerGone: the reply is for a call of another instance
     * that has gone (ReplyHandOver found nobody to take it), so its call ended without it: late.
     */
    void noCallWaiting(String key, String reply, boolean ownerGone) {
        Boolean wasAnswered;
        synchronized (lock) {
            wasAnswered = answered.get(key);
        }
        if (wasAnswered == null && !ownerGone
                && instances.isAnotherInstance(AlinkCodec.instancePrefix(key))) {
            // an instance outside this one's reply group (or without one) receives its own replies: this is one
            otherInstance.incrementAndGet();
            LOG.debug("Device reply {} is for another gateway instance's call", key);
            return;
        }
        String kind;
        if (ownerGone && wasAnswered == null) {
            late.incrementAndGet();
            kind = "late (its gateway instance is gone)";
        } else if (wasAnswered == null) {
            unknown.incrementAndGet();
            kind = "unknown";
        } else if (wasAnswered) {
            duplicate.incrementAndGet();
            kind = "duplicate";
        } else {
            late.incrementAndGet();
            kind = "late";
        }
        LOG.warn("Ignored {} device reply {}: no call is waiting for it ({} characters)", kind, key, reply == null ? 0 : reply.length());
        // the device did act: its call's record shows the reply, marked late (a duplicate finds its call answered)
        history.replied(key, reply, true);
    }

    /** A reply that could not be read (not JSON, no id, odd topic): counted with the unknown ones. */
    public void unreadable(Exchange exchange) {
        unknown.incrementAndGet();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.warn("Unreadable device reply on {} ({}), ignored", exchange.getMessage().getHeader(PahoMqtt5Constants.MQTT_TOPIC),
                cause == null ? "unknown reason" : cause.getMessage());
    }

    public long lateReplies() {
        return late.get();
    }

    public long duplicateReplies() {
        return duplicate.get();
    }

    public long unknownReplies() {
        return unknown.get();
    }

    public long otherInstanceReplies() {
        return otherInstance.get();
    }
}
