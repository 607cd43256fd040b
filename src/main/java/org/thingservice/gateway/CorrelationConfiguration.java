package org.thingservice.gateway;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ExecutorServiceManager;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.correlate.PendingReplies;
import org.thingservice.gateway.correlate.ReplyCorrelator;
import org.thingservice.gateway.correlate.ReplyHandOver;
import org.thingservice.gateway.correlate.ReplyWaiter;
import org.thingservice.gateway.history.ServiceCallHistory;
import org.thingservice.gateway.mqtt.RequestPublisher;
import org.thingservice.gateway.registry.GatewayInstances;

/** Meeting each request with its device's reply (routes/invoke.camel.yaml and replies.camel.yaml). */
public class CorrelationConfiguration implements CamelConfiguration {

    /**
     * Timeouts are kept by one scheduler thread and answered on a pool of Camel's (see ReplyCorrelator); both are
     * Camel's, so they are shut down after the routes, when no call waits any more. Started with the context: it
     * deletes the async calls whose window passed while no gateway ran.
     */
    @BindToRegistry("replyCorrelator")
    public ReplyCorrelator replyCorrelator(CamelContext context, AlinkCodec codec, PendingReplies pendingReplies,
            GatewayInstances instances, ServiceCallHistory history) throws Exception {
        ExecutorServiceManager executors = context.getExecutorServiceManager();
        ReplyCorrelator correlator = new ReplyCorrelator(codec, pendingReplies, instances, history,
                // a timer per call waiting (an async call's lasts its reply window): no bound on the queue
                executors.newScheduledThreadPool(ReplyCorrelator.class, "CallTimers",
                        new ThreadPoolProfileBuilder("CallTimers").poolSize(1).maxQueueSize(-1).build()),
                executors.newDefaultThreadPool(ReplyCorrelator.class, "CallTimeouts"));
        context.addService(correlator);
        return correlator;
    }

    /**
     * Each reply to the instance whose call it is (routes/replies.camel.yaml): publishes the reply routes' shared
     * subscription prefix (gateway.mqtt.reply-subscription, from gateway.mqtt.reply-group) and this instance's
     * hand-over topic (gateway.mqtt.hand-over-topic, from its MessageId prefix) for the routes. Hand-overs go out on
     * the request publisher's connection, which keeps its publishes within the broker's Receive Maximum.
     */
    @BindToRegistry("handOverReply")
    public ReplyHandOver handOverReply(CamelContext context, GatewayInstances instances, RequestPublisher requestPublisher,
            @PropertyInject("gateway.mqtt.reply-group") String group) {
        String subscription = ReplyHandOver.subscriptionPrefix(Settings.optional(group));
        Settings.publish(context, "gateway.mqtt.reply-subscription", subscription);
        Settings.publish(context, "gateway.mqtt.hand-over-topic", ReplyHandOver.inbox(instances.prefix()));
        return new ReplyHandOver(instances, requestPublisher, !subscription.isEmpty());
    }

    @BindToRegistry("replyWaiter")
    public ReplyWaiter replyWaiter() {
        return new ReplyWaiter();
    }
}
