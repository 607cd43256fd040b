package org.thingservice.gateway.bench;

import static org.thingservice.gateway.support.GatewayTestSupport.PK;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.thingservice.gateway.support.MessageCallback;

/**
 * One raw caller connection: an MQTT client with its own device name, publishing Alink requests at QoS 1 and
 * handing each reply on its response topic to the caller waiting for that id.
 */
final class RawMqttConnection implements AutoCloseable {
    private final MqttAsyncClient client;
    private final Publisher publisher;
    private final String requestTopic;
    private final Map<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();

    RawMqttConnection(String brokerUrl, int index) throws MqttException {
        String device = String.format(Locale.ROOT, "bench-%02d", index);
        requestTopic = "/sys/" + PK + "/" + device + "/rrpc/request/";
        client = new MqttAsyncClient(brokerUrl, "bench-caller-" + UUID.randomUUID(), new MemoryPersistence());
        client.setCallback(new MessageCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                CompletableFuture<String> reply = waiting.remove(topic.substring(topic.lastIndexOf('/') + 1));
                if (reply != null) {
                    reply.complete(new String(message.getPayload(), StandardCharsets.UTF_8));
                }
            }
        });
        publisher = new Publisher(client, BenchCalls.connect(client));
        client.subscribe("/sys/" + PK + "/" + device + "/rrpc/response/+", 1).waitForCompletion(10_000);
    }

    CompletableFuture<String> send(String id, byte[] request) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        waiting.put(id, reply);
        publisher.publish(requestTopic + id, request);
        return reply;
    }

    @Override
    public void close() throws MqttException {
        client.disconnect().waitForCompletion(5_000);
        client.close();
    }
}
