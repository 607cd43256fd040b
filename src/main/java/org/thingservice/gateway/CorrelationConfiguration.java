package org.thingservice.gateway;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ExecutorServiceManager;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.correlate.PendingReplies;
import org.thingservice.gateway.correlate.ReplyCorrelator;
import org.thingservice.gateway.correlate.ReplyWaiter;
import org.thingservice.gateway.history.ServiceCallHistory;
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

    @BindToRegistry("replyWaiter")
    public ReplyWaiter replyWaiter() {
        return new ReplyWaiter();
    }
}
