package org.thingservice.gateway.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.alink.MessageIds;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.api.ResponseFormat;
import org.thingservice.gateway.history.ServiceCallHistory;
import org.thingservice.gateway.history.ServiceCallStore;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.InvokeRequest;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.model.ThingService;
import org.thingservice.gateway.registry.GatewayInstances;
import org.thingservice.gateway.support.MigratedDatabase;
import org.thingservice.gateway.support.Waits;

/**
 * The correlation without routes: a call waits under its key, its reply (in the thread that received it) completes
 * it once, its timer ends it otherwise, and every reply that finds no call is counted by kind. Two correlators on one
 * database stand for two gateway instances.
 */
class ReplyCorrelatorTest {

    private static final String REPLY = "{\"code\":200,\"data\":{}}";

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final SQLiteDataSource database = MigratedDatabase.create();
    private final PendingReplies pending = new PendingReplies(database, Clock.systemUTC());
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final Device lamp = new Device("IotId1", "pk1", "lamp-1");
    private final GatewayInstances oneInstance = join();
    /** each instance's history, not started: what the correlator gives it stays queued, to be counted */
    private final ServiceCallHistory oneHistory = history();
    private final ServiceCallHistory otherHistory = history();
    private final ReplyCorrelator one = correlator(oneInstance, oneHistory);
    /** joined after oneInstance: knows it from the start */
    private final ReplyCorrelator other = correlator(join(), otherHistory);
    /** a MessageId of this instance's: a reply to it is never taken for another instance's */
    private final String id = new MessageIds(oneInstance.prefix()).next();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private GatewayInstances join() {
        try {
            return GatewayInstances.join(database, Clock.systemUTC(), "thing-service-gateway");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ServiceCallHistory history() {
        return new ServiceCallHistory(new ServiceCallStore(database), new ServiceCallHistory.Settings(true, TimeUnit.DAYS.toMillis(30),
                3_600_000, 100, 100, 20, 600_000), Clock.systemUTC());
    }

    private ReplyCorrelator correlator(GatewayInstances instances, ServiceCallHistory history) {
        return new ReplyCorrelator(new AlinkCodec(new MessageIds(instances.prefix()), 60_000, device -> false), pending,
                instances, history, timers, Runnable::run);
    }

    @Test
    void aReplyCompletesItsCallAndASecondOneIsADuplicate() throws Exception {
        Invocation call = awaitCall(one, id, true, 5_000);

        one.reply(reply("/sys/pk1/lamp-1/rrpc/response/" + id, id));
        one.reply(reply("/sys/pk1/lamp-1/rrpc/response/" + id, id));

        assertThat(call.reply().getNow(null)).isEqualTo(REPLY);
        assertThat(one.duplicateReplies()).isEqualTo(1);
        assertThat(one.lateReplies() + one.unknownReplies()).isZero();
    }

    @Test
    void aCallNobodyAnswersTimesOutAndItsReplyIsThenLate() throws Exception {
        Invocation call = awaitCall(one, id, true, 50);

        Waits.until(Duration.ofSeconds(5), Duration.ofMillis(10), call.reply()::isDone);
        one.reply(reply("/sys/pk1/lamp-1/rrpc/response/" + id, id));

        assertThat(call.reply()).isCompletedExceptionally();
        assertThat(call.reply().handle((r, e) -> ((ApiException) (e instanceof CompletionException ? e.getCause() : e)).code()).get())
                .isEqualTo(ErrorCodes.TIMEOUT);
        assertThat(one.lateReplies()).isEqualTo(1);
        assertThat(oneHistory.queued()).as("the late reply, for its call's record").isEqualTo(1);
    }

    @Test
    void aReplyForAnotherDeviceOrNoCallIsUnknownAndCompletesNothing() throws Exception {
        Invocation call = awaitCall(one, id, true, 5_000);

        one.reply(reply("/sys/pk1/lamp-2/rrpc/response/" + id, id));

        assertThat(call.reply()).isNotDone();
        assertThat(one.unknownReplies()).isEqualTo(1);
    }

    @Test
    void aReplyForAGoneInstancesCallIsLateAndRecorded() throws Exception {
        // ReplyHandOver found nobody subscribed to the owner's (one's) topic: the reply is completed by other
        Exchange reply = reply("/sys/pk1/lamp-1/rrpc/response/" + id, id);
        reply.setProperty(Exchanges.OWNER_GONE, true);

        other.reply(reply);

        assertThat(other.lateReplies()).isEqualTo(1);
        assertThat(other.otherInstanceReplies() + other.unknownReplies()).isZero();
        assertThat(otherHistory.queued()).as("the late reply, for its call's record").isEqualTo(1);
    }

    @Test
    void withoutASharedSubscriptionAReplyForAnotherInstancesCallIsCountedAsSuch() throws Exception {
        other.reply(reply("/sys/pk1/lamp-1/rrpc/response/" + id, id));

        assertThat(other.otherInstanceReplies()).isEqualTo(1);
        assertThat(other.lateReplies() + other.unknownReplies()).isZero();
        assertThat(otherHistory.queued()).as("the instance whose call it is records it").isZero();
    }

    @Test
    void anAsyncReplyIsForwardedOnceByWhicheverInstanceClaimsItFirst() throws Exception {
        Invocation call = awaitCall(one, id, false, 60_000);

        // every instance receives every reply: the other one, without the call in memory, finds it in the database
        Exchange atOther = reply("/sys/pk1/lamp-1/thing/service/SetColor_reply", id);
        other.asyncReply(atOther);
        Exchange atOne = reply("/sys/pk1/lamp-1/thing/service/SetColor_reply", id);
        one.asyncReply(atOne);

        assertThat(atOther.getProperty(Exchanges.FORWARD_REPLY, Boolean.class)).isTrue();
        assertThat(atOther.getMessage().getHeader(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC))
                .isEqualTo("/pk1/lamp-1/thing/downlink/reply/message");
        assertThat(atOne.getProperty(Exchanges.FORWARD_REPLY, Boolean.class)).as("forwarded already").isFalse();
        assertThat(call.reply().getNow(null)).isEqualTo(REPLY);
        assertThat(one.duplicateReplies() + one.unknownReplies() + other.duplicateReplies() + other.unknownReplies()).isZero();
        assertThat(otherHistory.queued()).as("the forwarded reply, for its call's record").isEqualTo(1);
        assertThat(oneHistory.queued()).as("recorded by the instance that forwarded it").isZero();
    }

    /** What the invoke route's steps leave for the correlator: the Invocation, its key and its timeout. */
    private Invocation awaitCall(ReplyCorrelator correlator, String messageId, boolean sync, long timeout) throws Exception {
        Invocation invocation = new Invocation(new InvokeRequest("rid-" + messageId, null, "pk1", "lamp-1", "SetColor", "{}",
                null, false), ResponseFormat.JSON);
        invocation.device(lamp);
        invocation.service(new ThingService("SetColor", sync, null, false));
        invocation.messageId(messageId);
        Exchange request = new DefaultExchange(context);
        request.setProperty(Exchanges.INVOCATION, invocation);
        request.getMessage().setHeader(Exchanges.CORRELATION_KEY, "pk1/lamp-1/" + messageId);
        request.getMessage().setHeader(Exchanges.REPLY_TIMEOUT, timeout);
        correlator.await(request);
        pending.record(request);
        return invocation;
    }

    /** What a reply route's reader step leaves: the reply as received, and its key. */
    private Exchange reply(String topic, String messageId) {
        Exchange reply = new DefaultExchange(context);
        reply.getMessage().setBody(REPLY);
        reply.getMessage().setHeader(PahoMqtt5Constants.MQTT_TOPIC, topic);
        String[] t = topic.split("/");
        reply.getMessage().setHeader(Exchanges.CORRELATION_KEY, t[2] + "/" + t[3] + "/" + messageId);
        return reply;
    }
}
