package org.thingservice.gateway.mqtt;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.invoke.Exchanges;

/**
 * Bounds the QoS 1 publishes awaiting their PUBACK at once. An MQTT 5 broker tells each client how many it accepts
 * (its Receive Maximum: 10 on HiveMQ, 20 on mosquitto by default), and Paho refuses the next publish outright
 * ("Too many publishes in progress") instead of waiting; so callers wait here, briefly, for their turn.
 */
public final class PublishGate {

    private final Semaphore permits;
    private final long waitMillis;

    public PublishGate(int maxInFlight, long waitMillis) {
        this.permits = new Semaphore(maxInFlight, true);
        this.waitMillis = waitMillis;
    }

    public void enter(Exchange exchange) throws InterruptedException {
        if (!permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
            throw ApiException.business(ErrorCodes.PUBLISH_FAILED,
                    "The MQTT broker did not accept the request within " + waitMillis + " ms; nothing reached the device. Retry later.");
        }
        exchange.setProperty(Exchanges.PUBLISH_GATE_HELD, true);
    }

    public void leave(Exchange exchange) {
        if (exchange.removeProperty(Exchanges.PUBLISH_GATE_HELD) != null) {
            permits.release();
        }
    }
}
