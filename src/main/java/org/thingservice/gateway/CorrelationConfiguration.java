package org.thingservice.gateway;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.util.concurrent.SynchronousExecutorService;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.correlate.CorrelationRepository;
import org.thingservice.gateway.correlate.PendingReplies;
import org.thingservice.gateway.correlate.ReplyCorrelator;
import org.thingservice.gateway.correlate.ReplyWaiter;
import org.thingservice.gateway.registry.GatewayInstances;

/** Meeting each request with its device's reply (routes/replies.camel.yaml). */
public class CorrelationConfiguration implements CamelConfiguration {

    @BindToRegistry("correlationRepository")
    public CorrelationRepository correlationRepository(PendingReplies pendingReplies) {
        return new CorrelationRepository(pendingReplies);
    }

    /** Timed-out calls are answered on a pool of Camel's (see ReplyCorrelator). */
    @BindToRegistry("replyCorrelator")
    public ReplyCorrelator replyCorrelator(CamelContext context, AlinkCodec codec, PendingReplies pendingReplies,
            GatewayInstances instances) {
        return new ReplyCorrelator(codec, pendingReplies, instances,
                context.getExecutorServiceManager().newDefaultThreadPool(ReplyCorrelator.class, "CallTimeouts"));
    }

    /** The correlation aggregator's output runs in the thread that completed the group (routes/replies.camel.yaml). */
    @BindToRegistry("completeInCallingThread")
    public SynchronousExecutorService completeInCallingThread() {
        return new SynchronousExecutorService();
    }

    @BindToRegistry("replyWaiter")
    public ReplyWaiter replyWaiter() {
        return new ReplyWaiter();
    }
}
