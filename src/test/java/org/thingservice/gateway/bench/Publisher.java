package org.thingservice.gateway.bench;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * QoS 1 publishes on one connection within the broker's Receive Maximum (paho refuses more than that with
 * "too many publishes in progress" instead of queueing them): the surplus waits here, without blocking the
 * caller, and goes out as PUBACKs come back.
 */
final class Publisher {
    private record Pending(String topic, byte[] payload) {
    }

    private final MqttAsyncClient client;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final MqttActionListener done = new MqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
            permits.release();
            drain();
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
            permits.release();
            drain();
        }
    };

    Publisher(MqttAsyncClient client, int receiveMaximum) {
        this.client = client;
        this.permits = new Semaphore(receiveMaximum);
    }

    void publish(String topic, byte[] payload) {
        queue.add(new Pending(topic, payload));
        drain();
    }

    private void drain() {
        while (!queue.isEmpty() && permits.tryAcquire()) {
            Pending next = queue.poll();
            if (next == null) {
                permits.release();
                continue;
            }
            try {
                client.publish(next.topic, next.payload, 1, false, null, done);
            } catch (MqttException e) {
                permits.release();
                throw new IllegalStateException(e);
            }
        }
    }
}
