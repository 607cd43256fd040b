package org.thingservice.gateway.invoke;

import java.util.concurrent.Semaphore;
import org.apache.camel.Exchange;
import org.thingservice.gateway.api.ApiException;

/**
 * Bounds the calls in the invoke pipeline at once, whatever their source: past the limit a call is answered
 * Throttling.User at once instead of queueing, so memory stays bounded however fast callers come. A call holds its
 * place until it ends, however it ends (the route releases it in a doFinally).
 */
public final class InFlightLimit {

    private final int max;
    private final Semaphore places;

    public InFlightLimit(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("gateway.invoke.max-in-flight must be at least 1, not " + max);
        }
        this.max = max;
        this.places = new Semaphore(max);
    }

    public void enter(Exchange exchange) {
        if (!places.tryAcquire()) {
            throw new ApiException(400, "Throttling.User", "Request was denied due to user flow control: "
                    + max + " calls are in flight, the most this gateway accepts (gateway.invoke.max-in-flight). Retry later.");
        }
        exchange.setProperty(Exchanges.IN_FLIGHT_HELD, true);
    }

    /** Idempotent: only an exchange that entered gives its place back, and only once. */
    public void leave(Exchange exchange) {
        if (exchange.removeProperty(Exchanges.IN_FLIGHT_HELD) != null) {
            places.release();
        }
    }

    /** Calls in flight now. */
    public int inFlight() {
        return max - places.availablePermits();
    }
}
