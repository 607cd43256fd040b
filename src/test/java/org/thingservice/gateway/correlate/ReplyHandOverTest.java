package org.thingservice.gateway.correlate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;
import org.thingservice.gateway.alink.MessageIds;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.registry.GatewayInstances;
import org.thingservice.gateway.support.MigratedDatabase;

/**
 * Which instance completes a reply, without routes or a broker: two instances on one database, a publisher standing
 * in for the broker's PUBACK.
 */
class ReplyHandOverTest {

    private static final String TOPIC = "/sys/pk1/lamp-1/rrpc/response/";

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final SQLiteDataSource database = MigratedDatabase.create();
    private static final String GROUP = "thing-service-gateway";

    private final GatewayInstances owner = join(GROUP);
    /** joined after owner: knows it from the start (an instance looks the others up at most once a second) */
    private final GatewayInstances here = join(GROUP);
    private final FakePublisher publisher = new FakePublisher();
    private final ReplyHandOver handOver = new ReplyHandOver(here, publisher, true);

    @Test
    void theSharedSubscriptionPrefixNamesTheGroupOrIsEmptyWithoutOne() {
        assertThat(ReplyHandOver.subscriptionPrefix("thing-service-gateway")).isEqualTo("$share/thing-service-gateway/");
        assertThat(ReplyHandOver.subscriptionPrefix("")).isEmpty();
        assertThat(ReplyHandOver.subscriptionPrefix(null)).isEmpty();
        assertThatThrownBy(() -> ReplyHandOver.subscriptionPrefix("a/b")).hasMessageContaining("reply-group");
        assertThatThrownBy(() -> ReplyHandOver.subscriptionPrefix("a+")).hasMessageContaining("reply-group");
    }

    @Test
    void aReplyToThisInstancesCallIsCompletedHere() {
        Exchange reply = reply(new MessageIds(here.prefix()).next());

        assertThat(handOver.process(reply, done -> { })).isTrue();

        assertThat(reply.isRouteStop()).isFalse();
        assertThat(publisher.topics).isEmpty();
        assertThat(handOver.fromBroker()).isEqualTo(1);
    }

    @Test
    void aReplyToAnotherRunningInstancesCallGoesToThatInstanceAlone() {
        String id = new MessageIds(owner.prefix()).next();
        Exchange reply = reply(id);
        publisher.answer = e -> e.setProperty(Exchanges.PUBACK_REASON_CODE, 0);

        handOver.process(reply, done -> { });

        assertThat(publisher.topics).containsExactly("tsg/hand-over/" + owner.prefix() + TOPIC + id);
        assertThat(reply.isRouteStop()).as("not completed here").isTrue();
        assertThat(reply.getMessage().getHeader(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC)).isNull();
        assertThat(handOver.delivered()).isEqualTo(1);
        assertThat(handOver.ownerGone()).isZero();
    }

    @Test
    void aReplyNobodySubscribesForIsCompletedHereAsTheGoneOwnersLateReply() {
        Exchange reply = reply(new MessageIds(owner.prefix()).next());
        publisher.answer = e -> e.setProperty(Exchanges.PUBACK_REASON_CODE, ReplyHandOver.NO_MATCHING_SUBSCRIBERS);

        handOver.process(reply, done -> { });

        assertThat(reply.isRouteStop()).isFalse();
        assertThat(reply.getProperty(Exchanges.OWNER_GONE, Boolean.class)).isTrue();
        assertThat(handOver.ownerGone()).isEqualTo(1);
        assertThat(handOver.delivered()).isZero();
    }

    @Test
    void aReplyThatCouldNotBePublishedIsCompletedHere() {
        Exchange reply = reply(new MessageIds(owner.prefix()).next());
        publisher.answer = e -> e.setException(new IllegalStateException("broker away"));

        handOver.process(reply, done -> { });

        assertThat(reply.isRouteStop()).isFalse();
        assertThat(reply.getException()).as("handled here, not an error").isNull();
        assertThat(reply.getProperty(Exchanges.OWNER_GONE, Boolean.class)).isTrue();
    }

    @Test
    void aHandedOverReplyIsCompletedHereAndNeverHandedOnAgain() {
        // owner's inbox: the reply came back with its own topic, whatever its MessageId says
        Exchange reply = reply(new MessageIds(owner.prefix()).next());
        reply.getMessage().setHeader(PahoMqtt5Constants.MQTT_TOPIC, "tsg/hand-over/" + here.prefix() + TOPIC + "1");
        handOver.received(reply);

        handOver.process(reply, done -> { });

        assertThat(reply.getMessage().getHeader(PahoMqtt5Constants.MQTT_TOPIC)).isEqualTo(TOPIC + "1");
        assertThat(reply.getMessage().getHeader(Exchanges.REPLY_KIND)).isEqualTo("rrpc");
        assertThat(publisher.topics).isEmpty();
        assertThat(reply.isRouteStop()).isFalse();
        assertThat(handOver.fromInstances()).isEqualTo(1);
        assertThat(handOver.fromBroker()).isZero();
    }

    @Test
    void aHandedOverReplyNamesTheRouteThatReadsItsKind() {
        assertThat(kindOf("/ext/rrpc/123/sys/pk1/lamp-1/thing/service/Blink")).isEqualTo("ext-rrpc");
        assertThat(kindOf("/sys/pk1/lamp-1/rrpc/response/123")).isEqualTo("rrpc");
        assertThat(kindOf("/sys/pk1/lamp-1/thing/service/SetColor_reply")).isEqualTo("service");
        Exchange stray = reply("1");
        stray.getMessage().setHeader(PahoMqtt5Constants.MQTT_TOPIC, "tsg/hand-over/12");
        assertThatThrownBy(() -> handOver.received(stray)).hasMessageContaining("not a hand-over topic");
    }

    private String kindOf(String topic) {
        Exchange reply = reply("1");
        reply.getMessage().setHeader(PahoMqtt5Constants.MQTT_TOPIC, "tsg/hand-over/" + here.prefix() + topic);
        handOver.received(reply);
        assertThat(reply.getMessage().getHeader(PahoMqtt5Constants.MQTT_TOPIC)).isEqualTo(topic);
        return reply.getMessage().getHeader(Exchanges.REPLY_KIND, String.class);
    }

    @Test
    void withoutAGroupEveryInstanceGetsEveryReplyAndNothingIsHandedOver() {
        ReplyHandOver unshared = new ReplyHandOver(here, publisher, false);
        Exchange reply = reply(new MessageIds(owner.prefix()).next());

        unshared.process(reply, done -> { });

        assertThat(publisher.topics).isEmpty();
        assertThat(reply.isRouteStop()).isFalse();
    }

    /**
     * An instance outside the group subscribes to every reply itself: one of a version before groups, or with
     * gateway.mqtt.reply-group empty or other, as in a rolling upgrade. A hand-over to it found nobody (an old version)
     * and its reply was recorded late on a call it had answered, or reached it twice (a duplicate).
     */
    @Test
    void aReplyToAnInstanceOutsideTheGroupIsLeftToIt() {
        GatewayInstances withoutGroup = join(null);
        GatewayInstances otherGroup = join("another-group");
        ReplyHandOver handOverHere = new ReplyHandOver(join(GROUP), publisher, true);

        for (GatewayInstances outside : java.util.List.of(withoutGroup, otherGroup)) {
            Exchange reply = reply(new MessageIds(outside.prefix()).next());
            handOverHere.process(reply, done -> { });
            assertThat(reply.isRouteStop()).as("goes on here, to be counted as another instance's").isFalse();
        }
        assertThat(publisher.topics).isEmpty();
    }

    @Test
    void aReplyToAnInstanceNotRunningIsCompletedHere() {
        int nobody = 0;
        while (nobody == here.prefix() || nobody == owner.prefix()) {
            nobody++;
        }
        Exchange reply = reply(new MessageIds(nobody).next());

        handOver.process(reply, done -> { });

        assertThat(publisher.topics).isEmpty();
        assertThat(reply.isRouteStop()).isFalse();
    }

    private GatewayInstances join(String replyGroup) {
        try {
            return GatewayInstances.join(database, Clock.systemUTC(), replyGroup);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a reply route's reader step leaves: the reply as received, and its key. */
    private Exchange reply(String messageId) {
        Exchange reply = new DefaultExchange(context);
        reply.getMessage().setBody("{\"code\":200}");
        reply.getMessage().setHeader(PahoMqtt5Constants.MQTT_TOPIC, TOPIC + messageId);
        reply.getMessage().setHeader(Exchanges.CORRELATION_KEY, "pk1/lamp-1/" + messageId);
        return reply;
    }

    /** The request publisher's part: the topic it was given, then the PUBACK (or failure) the test chose. */
    private static final class FakePublisher extends AsyncProcessorSupport {
        final List<String> topics = new ArrayList<>();
        Consumer<Exchange> answer = e -> { };

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            topics.add(exchange.getMessage().getHeader(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC, String.class));
            answer.accept(exchange);
            callback.done(true);
            return true;
        }
    }
}
