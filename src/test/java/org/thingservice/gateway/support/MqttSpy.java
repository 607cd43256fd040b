package org.thingservice.gateway.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/** A real MQTT 5 client that records what is published on a topic filter, and can publish as a device would. */
public final class MqttSpy implements AutoCloseable {

    public record Message(String topic, String payload) {
    }

    private final MqttClient client;
    private final List<Message> received = new CopyOnWriteArrayList<>();

    public MqttSpy(String brokerUrl, String... filters) throws MqttException {
        this(brokerUrl, new MqttConnectionOptions(), filters);
    }

    /** A spy that connects with these options (user name, password, TLS socket factory). */
    public MqttSpy(String brokerUrl, MqttConnectionOptions options, String... filters) throws MqttException {
        client = new MqttClient(brokerUrl, "spy-" + UUID.randomUUID(), new MemoryPersistence());
        options.setCleanStart(true);
        try {
            client.connect(options);
        } catch (MqttException e) {
            client.close();
            throw e;
        }
        // paho 1.2.5's subscribe(String, int, listener) recurses forever: use the array form
        MqttSubscription[] subscriptions = new MqttSubscription[filters.length];
        IMqttMessageListener[] listeners = new IMqttMessageListener[filters.length];
        for (int i = 0; i < filters.length; i++) {
            subscriptions[i] = new MqttSubscription(filters[i], 1);
            listeners[i] = (topic, message) -> received.add(new Message(topic, new String(message.getPayload(), StandardCharsets.UTF_8)));
        }
        client.subscribe(subscriptions, listeners);
    }

    public List<Message> received() {
        return received;
    }

    public void publish(String topic, String payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish(topic, message);
    }

    /** Waits until a message on a topic with this prefix arrived, or the time is up. */
    public Message await(String topicPrefix, Duration timeout) throws InterruptedException {
        return await(m -> m.topic().startsWith(topicPrefix), timeout);
    }

    /** Waits until a message on exactly this topic arrived (not on .../Reset_reply for .../Reset), or the time is up. */
    public Message awaitExactly(String topic, Duration timeout) throws InterruptedException {
        return await(m -> m.topic().equals(topic), timeout);
    }

    private Message await(Predicate<Message> wanted, Duration timeout) {
        Waits.until(timeout, Duration.ofMillis(10), () -> received.stream().anyMatch(wanted));
        return received.stream().filter(wanted).findFirst().orElse(null); // null: the caller's assertion says so
    }

    @Override
    public void close() throws MqttException {
        client.disconnect();
        client.close();
    }
}
