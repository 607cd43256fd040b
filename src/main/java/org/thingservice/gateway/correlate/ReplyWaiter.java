package org.thingservice.gateway.correlate;

import java.util.concurrent.CompletionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.Invocation;

/**
 * Waits for the device's reply without holding a thread: the exchange is parked until the correlator completes the
 * call, so thousands of sync calls can be in flight on a few threads.
 */
public final class ReplyWaiter extends AsyncProcessorSupport {

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Invocation invocation = exchange.getProperty(Exchanges.INVOCATION, Invocation.class);
        if (!invocation.waitsForReply()) {
            callback.done(true);
            return true;
        }
        invocation.reply().whenComplete((reply, error) -> {
            if (error != null) {
                exchange.setException(error instanceof CompletionException ? error.getCause() : error);
            }
            callback.done(false);
        });
        return false;
    }
}
