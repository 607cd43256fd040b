package org.thingservice.gateway.bench;

import static org.thingservice.gateway.support.GatewayTestSupport.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.thingservice.gateway.support.MessageCallback;

/** A device that answers every RRPC request at once, echoing its params, from paho's callback thread. */
final class FastDevice implements AutoCloseable {
    final AtomicLong answered = new AtomicLong();
    final int receiveMaximum;
    private final MqttAsyncClient client;
    private final Publisher publisher;

    FastDevice(String brokerUrl) throws MqttException {
        client = new MqttAsyncClient(brokerUrl, "bench-device-" + UUID.randomUUID(), new MemoryPersistence());
        client.setCallback(new MessageCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                answer(topic, message.getPayload());
            }
        });
        receiveMaximum = BenchCalls.connect(client);
        publisher = new Publisher(client, receiveMaximum);
        client.subscribe("/sys/+/+/rrpc/request/+", 1).waitForCompletion(10_000);
    }

    private void answer(String topic, byte[] request) throws IOException {
        String id = topic.substring(topic.lastIndexOf('/') + 1);
        JsonNode params = JSON.readTree(request).path("params");
        byte[] reply = ("{\"id\":\"" + id + "\",\"code\":200,\"data\":" + params + "}").getBytes(StandardCharsets.UTF_8);
        publisher.publish(topic.replace("/rrpc/request/", "/rrpc/response/"), reply);
        answered.incrementAndGet();
    }

    @Override
    public void close() throws MqttException {
        client.disconnect().waitForCompletion(5_000);
        client.close();
    }
}
