package org.thingservice.gateway.correlate;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.alink.MessageIds;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.registry.GatewayInstances;

/**
 * Meets each request with its reply in the correlation aggregator (keyed on pk/dn/MessageId): the request half
 * carries the Invocation, the reply half the device's answer. A group completes when both halves are in (the
 * Invocation gets its reply), when the request's timeout passes (TIMEOUT), or at once when it starts with a reply
 * that no request is waiting for: that reply is late (its request timed out), a duplicate, or unknown, and is
 * counted and logged, never delivered.
 */
public final class ReplyCorrelator implements AggregationStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyCorrelator.class);
    private static final int REMEMBERED = 10_000;

    private final AlinkCodec codec;
    private final PendingReplies pending;
    private final GatewayInstances instances;
    /** where timed-out calls are answered (see the constructor) */
    private final Executor timeouts;
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong duplicate = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong otherInstance = new AtomicLong();
    /** keys of recently finished requests and how they ended, to tell a late reply from a duplicate or a stray one */
    private final Map<String, Boolean> answered = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    /**
     * The aggregator finds timed-out groups while holding its lock, and completes them in that thread
     * (routes/replies.camel.yaml): timeouts takes their answers (and the database's part) to another thread, so that
     * neither a source's reply steps nor a database round trip run under the lock that every request and reply takes.
     */
    public ReplyCorrelator(AlinkCodec codec, PendingReplies pending, GatewayInstances instances, Executor timeouts) {
        this.codec = codec;
        this.pending = pending;
        this.instances = instances;
        this.timeouts = timeouts;
    }

    @Override
    public Exchange aggregate(Exchange group, Exchange incoming) {
        boolean isReply = incoming.getProperty(Exchanges.INVOCATION) == null;
        if (isReply) {
            incoming.setProperty(Exchanges.REPLY, incoming.getMessage().getBody(String.class));
            incoming.setProperty(Exchanges.REPLY_TOPIC, incoming.getMessage().getHeader(PahoMqtt5Constants.MQTT_TOPIC));
        }
        if (group == null) {
            incoming.setProperty(Exchanges.ORPHAN_REPLY, isReply);
            return incoming;
        }
        if (isReply && group.getProperty(Exchanges.REPLY) == null) {
            group.setProperty(Exchanges.REPLY, incoming.getProperty(Exchanges.REPLY));
            group.setProperty(Exchanges.REPLY_TOPIC, incoming.getProperty(Exchanges.REPLY_TOPIC));
        }
        return group;
    }

    /** The aggregator's output: hands the reply (or the timeout) to the waiting call. */
    public void complete(Exchange group) throws JsonProcessingException {
        String key = group.getMessage().getHeader(Exchanges.CORRELATION_KEY, String.class);
        Invocation invocation = group.getProperty(Exchanges.INVOCATION, Invocation.class);
        String reply = group.getProperty(Exchanges.REPLY, String.class);
        group.setProperty(Exchanges.FORWARD_REPLY, false);
        if (invocation == null) {
            stray(key, reply);
            return;
        }
        remember(key, reply != null);
        boolean async = !invocation.service().sync();
        if (reply == null) {
            ApiException timeout = ApiException.business(ErrorCodes.TIMEOUT,
                    "The device did not answer within " + group.getMessage().getHeader(Exchanges.REPLY_TIMEOUT) + " ms (MessageId "
                            + invocation.messageId() + "); it may be offline or busy.");
            timeouts.execute(() -> {
                if (async) {
                    pending.forget(key);
                }
                invocation.reply().completeExceptionally(timeout);
            });
            return;
        }
        // only the one who deletes an async call's kept row forwards its reply
        boolean forward = async && pending.claim(key);
        invocation.reply().complete(reply);
        if (!forward) {
            if (async) {
                LOG.debug("Async reply {} was forwarded already, by another gateway instance", key);
            }
            return;
        }
        if (Boolean.TRUE.equals(group.getProperty(Exchanges.RESTORED))) {
            LOG.info("Forwarding the reply {} to an async call made before a restart or by another gateway instance ({})",
                    key, invocation.requestId());
        }
        group.setProperty(Exchanges.FORWARD_REPLY, true);
        group.getMessage().setBody(codec.forwardedReply(invocation, group.getProperty(Exchanges.REPLY_TOPIC, String.class), reply));
        group.getMessage().setHeader(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC, AlinkCodec.forwardTopic(invocation.device()));
        group.getMessage().removeHeader(PahoMqtt5Constants.CAMEL_PAHO_MSG_PROPERTIES);
    }

    /** A reply that could not be read (not JSON, no id, odd topic): counted with the unknown ones. */
    public void unreadable(Exchange exchange) {
        unknown.incrementAndGet();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.warn("Unreadable device reply on {} ({}), ignored", exchange.getMessage().getHeader(PahoMqtt5Constants.MQTT_TOPIC),
                cause == null ? "unknown reason" : cause.getMessage());
    }

    private void stray(String key, String reply) {
        Boolean wasAnswered;
        synchronized (answered) {
            wasAnswered = answered.get(key);
        }
        if (wasAnswered == null && instances.isAnotherInstance(MessageIds.prefixOf(key.substring(key.lastIndexOf('/') + 1)))) {
            // every instance receives every reply: this one is for a call of another instance sharing the database
            otherInstance.incrementAndGet();
            LOG.debug("Device reply {} is for another gateway instance's call", key);
            return;
        }
        String kind;
        if (wasAnswered == null) {
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
    }

    private void remember(String key, boolean replied) {
        synchronized (answered) {
            answered.put(key, replied);
        }
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
