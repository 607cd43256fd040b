package org.thingservice.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * Devices of one product, as a separate MQTT client outside the gateway (so that they outlive its crashes): each
 * service request, async (/sys/{pk}/{dn}/thing/service/{id}) or sync (/sys/{pk}/{dn}/rrpc/request/{MessageId}), is
 * answered after a delay with code 200 and its params echoed as the reply's data, as Alink devices do, and counted by
 * the "label" its Args carry. It reconnects and subscribes again after a broker outage. What it counts is what
 * reached a device, and the replies it sent.
 */
public final class AnsweringDevice implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MqttAsyncClient client;
    private final String[] filters;
    private final long delayMillis;
    private final ScheduledExecutorService answers = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final Queue<SentReply> sent = new ConcurrentLinkedQueue<>();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();

    /** A reply this device published: its MessageId, and when (System.nanoTime()). */
    public record SentReply(String messageId, long nanoTime) {
    }

    public AnsweringDevice(String brokerUrl, String productKey, long delayMillis) throws MqttException {
        this.filters = new String[] {"/sys/" + productKey + "/+/thing/service/+", "/sys/" + productKey + "/+/rrpc/request/+"};
        this.delayMillis = delayMillis;
        client = new MqttAsyncClient(brokerUrl, "device-" + UUID.randomUUID(), new MemoryPersistence());
        client.setCallback(new MessageCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                if (!topic.endsWith("_reply")) {
                    arrived(topic, message.getPayload());
                }
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                if (reconnect) {
                    subscribe(); // the broker kept no session of ours
                }
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 2);
        client.connect(options).waitForCompletion(10_000);
        subscribe();
    }

    private void subscribe() {
        try {
            client.subscribe(filters, new int[] {1, 1}).waitForCompletion(10_000);
        } catch (MqttException e) {
            throw new IllegalStateException("could not subscribe to " + String.join(", ", filters), e);
        }
    }

    private void arrived(String topic, byte[] payload) {
        try {
            JsonNode request = JSON.readTree(payload);
            received.computeIfAbsent(request.path("params").path("label").asText(), l -> new AtomicInteger()).incrementAndGet();
            total.incrementAndGet();
            if (silent.contains(topic.split("/")[3])) { // /sys/{pk}/{dn}/…
                return;
            }
            boolean rrpc = topic.contains("/rrpc/request/");
            // an RRPC request's topic names its MessageId, which the reply's topic must name too
            String id = rrpc ? topic.substring(topic.lastIndexOf('/') + 1) : request.path("id").asText();
            String reply = "{\"id\":\"" + id + "\",\"code\":200,\"data\":" + request.path("params") + ",\"message\":\"success\",\"version\":\"1.0\"}";
            String replyTopic = rrpc ? topic.replace("/rrpc/request/", "/rrpc/response/") : topic + "_reply";
            answers.schedule(() -> {
                try {
                    // QoS 0, as Alibaba's devices answer: no in-flight window to wait for
                    client.publish(replyTopic, reply.getBytes(StandardCharsets.UTF_8), 0, false);
                    sent.add(new SentReply(id, System.nanoTime()));
                } catch (MqttException e) {
                    // the broker is away: the call times out, as it would with a real device
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many requests reached a device in all. */
    public int total() {
        return total.get();
    }

    /** Requests to this device are received and counted from now on, and not answered (the test answers them). */
    public void silence(String deviceName) {
        silent.add(deviceName);
    }

    /** The replies this device sent, in the order it sent them. */
    public List<SentReply> repliesSent() {
        return List.copyOf(sent);
    }

    /** How many times the request with this label reached its device (0 if never). */
    public int timesReceived(String label) {
        AtomicInteger n = received.get(label);
        return n == null ? 0 : n.get();
    }

    /** The labels that reached a device more than once. */
    public long sentTwice() {
        return received.values().stream().filter(n -> n.get() > 1).count();
    }

    @Override
    public void close() throws MqttException {
        answers.shutdownNow();
        client.disconnect().waitForCompletion(5_000);
        client.close();
    }
}
