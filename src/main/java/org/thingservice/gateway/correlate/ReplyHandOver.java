package org.thingservice.gateway.correlate;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.registry.GatewayInstances;

/**
 * Sends each device reply to the instance whose call it answers. The instances take the replies through MQTT 5
 * shared subscriptions ({@code $share/{group}/…}): the broker delivers each reply to one of them, and a reply whose
 * MessageId carries the prefix of another running instance of the group is republished, once, to that instance's own
 * topic ({@link #inbox}, which it alone subscribes to) instead of being completed here. When the broker says nobody
 * subscribes there (PUBACK "No matching subscribers": the owner is gone) or the publish fails, the reply is completed
 * here after all, where {@link ReplyCorrelator} counts it as late and the history records it; an async reply is then
 * forwarded from its database row, still exactly once.
 *
 * <p>Without a group every instance subscribes to every reply and nothing is handed over. A reply that arrived by
 * hand-over is never handed on again: at most one extra hop.
 */
public final class ReplyHandOver extends AsyncProcessorSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyHandOver.class);
    /** the topics replies are handed over on: {@code tsg/hand-over/{prefix}} followed by the reply's own topic */
    static final String INBOX_ROOT = "tsg/hand-over/";
    /** PUBACK reason code 0x10 (MQTT 5, 3.4.2.1): the broker took the message, and no subscription matched it */
    static final int NO_MATCHING_SUBSCRIBERS = 0x10;

    private final GatewayInstances instances;
    private final AsyncProcessor publisher;
    private final boolean shared;
    private final AtomicLong fromBroker = new AtomicLong();
    private final AtomicLong fromInstances = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong ownerGone = new AtomicLong();

    /**
     * @param publisher publishes the exchange's body to the topic in header CamelPahoMqtt5OverrideTopic and goes on
     *                  at the PUBACK, with property TsgPubackReasonCode (the request publisher's connection)
     * @param shared    whether the replies are taken through a shared subscription (gateway.mqtt.reply-group set)
     */
    public ReplyHandOver(GatewayInstances instances, AsyncProcessor publisher, boolean shared) {
        this.instances = instances;
        this.publisher = publisher;
        this.shared = shared;
    }

    /**
     * The shared-subscription prefix of the reply filters for this group ({@code $share/{group}/}), or "" without a
     * group: every instance then subscribes to every reply.
     */
    public static String subscriptionPrefix(String group) {
        if (group == null || group.isBlank()) {
            return "";
        }
        if (group.contains("/") || group.contains("+") || group.contains("#")) {
            // MQTT 5, 4.8.2: a ShareName must not contain "/", "+" or "#"
            throw new IllegalArgumentException("gateway.mqtt.reply-group must not contain '/', '+' or '#': " + group);
        }
        return "$share/" + group.trim() + "/";
    }

    /** The topic an instance with this MessageId prefix reads its handed-over replies under (and nobody else). */
    public static String inbox(int prefix) {
        return INBOX_ROOT + prefix;
    }

    /**
     * The reply routes' step after a reply is read (its correlation key known): a reply that is another running
     * instance's goes to that instance, and the route stops here; any other goes on, to be completed here.
     */
    @Override
    public boolean process(Exchange reply, AsyncCallback callback) {
        if (reply.getProperty(Exchanges.HANDED_OVER, false, Boolean.class)) {
            fromInstances.incrementAndGet();
            callback.done(true);
            return true;
        }
        fromBroker.incrementAndGet();
        if (!shared) {
            callback.done(true);
            return true;
        }
        String key = reply.getMessage().getHeader(Exchanges.CORRELATION_KEY, String.class);
        int owner = AlinkCodec.instancePrefix(key);
        // an owner outside the group (none: a version before groups, mid rolling upgrade) receives its replies itself
        if (!instances.isInMyReplyGroup(owner)) {
            callback.done(true);
            return true;
        }
        String topic = reply.getMessage().getHeader(PahoMqtt5Constants.MQTT_TOPIC, String.class);
        reply.getMessage().setHeader(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC, inbox(owner) + topic);
        return publisher.process(reply, doneSync -> {
            reply.getMessage().removeHeader(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC);
            Integer reason = reply.removeProperty(Exchanges.PUBACK_REASON_CODE) instanceof Integer code ? code : null;
            Exception failure = reply.getException();
            // no reason code at all (QoS 0: no PUBACK) tells nothing against the owner: taken as delivered
            if (failure == null && (reason == null || reason != NO_MATCHING_SUBSCRIBERS)) {
                delivered.incrementAndGet();
                reply.setRouteStop(true);
            } else {
                // the owner left (or the broker could not take the message): the reply is completed here, as late
                ownerGone.incrementAndGet();
                reply.setException(null);
                reply.setProperty(Exchanges.OWNER_GONE, true);
                LOG.debug("Reply {} could not be handed to gateway instance {} ({}); completed here", key, owner,
                        failure != null ? failure.getMessage() : "nobody subscribes to its topic");
            }
            callback.done(doneSync);
        });
    }

    /**
     * The hand-over route's first step: the reply's own topic back (without {@code tsg/hand-over/{prefix}}), marked
     * as handed over, so the reply routes complete it here and never hand it on again; header TsgReplyKind names the
     * route that reads it: ext-rrpc (/ext/rrpc/…), rrpc (…/rrpc/response/…) or service (…/thing/service/…_reply).
     * Set here, once, rather than matched with Simple method calls in the route: those are resolved by reflection on
     * every message, a cost each handed-over reply paid (BENCHMARK.md).
     */
    public void received(Exchange handedOver) {
        String topic = handedOver.getMessage().getHeader(PahoMqtt5Constants.MQTT_TOPIC, String.class);
        int own = topic.indexOf('/', INBOX_ROOT.length());
        if (!topic.startsWith(INBOX_ROOT) || own < 0) {
            throw new IllegalArgumentException("not a hand-over topic: " + topic);
        }
        String reply = topic.substring(own);
        handedOver.getMessage().setHeader(PahoMqtt5Constants.MQTT_TOPIC, reply);
        handedOver.getMessage().setHeader(Exchanges.REPLY_KIND,
                reply.startsWith("/ext/rrpc/") ? "ext-rrpc" : reply.contains("/rrpc/response/") ? "rrpc" : "service");
        handedOver.setProperty(Exchanges.HANDED_OVER, true);
    }

    /** Device replies the broker delivered to this instance's reply subscriptions. */
    public long fromBroker() {
        return fromBroker.get();
    }

    /** Replies other instances handed to this one. */
    public long fromInstances() {
        return fromInstances.get();
    }

    /** Replies this instance handed to the instance waiting for them. */
    public long delivered() {
        return delivered.get();
    }

    /** Replies for another instance that nobody took (it had gone), completed here as late. */
    public long ownerGone() {
        return ownerGone.get();
    }
}
