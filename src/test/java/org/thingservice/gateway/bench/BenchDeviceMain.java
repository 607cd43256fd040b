package org.thingservice.gateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.thingservice.gateway.mqtt.NoDelaySocketFactory;
import org.thingservice.gateway.support.MessageCallback;

/**
 * bench/run's device responder, a process of its own: one paho MQTT 5 client that answers every Alink request at
 * once, at QoS 0, from paho's callback thread: RRPC {@code /sys/+/+/rrpc/request/{id}} on {@code …/rrpc/response/{id}}
 * with its params echoed as data, async {@code /sys/+/+/thing/service/{Identifier}} on {@code …/{Identifier}_reply}.
 * Devices named in the second argument (comma separated DeviceNames) never answer. Runs until SIGTERM.
 *
 * <p>Not a test: {@code java -cp … org.thingservice.gateway.bench.BenchDeviceMain tcp://127.0.0.1:1883 lamp-silent}.
 */
public final class BenchDeviceMain {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchDeviceMain() {
    }

    public static void main(String[] args) throws Exception {
        String brokerUrl = args[0];
        Set<String> silent = Set.of(args.length > 1 ? args[1].split(",") : new String[0]);
        AtomicLong answered = new AtomicLong();
        AtomicLong ignored = new AtomicLong();
        MqttAsyncClient client = new MqttAsyncClient(brokerUrl, "bench-device-" + UUID.randomUUID(), new MemoryPersistence());
        CountDownLatch lost = new CountDownLatch(1);
        client.setCallback(new MessageCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                // /sys/{pk}/{dn}/rrpc/request/{id} or /sys/{pk}/{dn}/thing/service/{Identifier}
                String[] parts = topic.split("/");
                if (parts.length < 6 || silent.contains(parts[3]) || topic.endsWith("_reply")) {
                    ignored.incrementAndGet();
                    return;
                }
                JsonNode request = JSON.readTree(message.getPayload());
                String id = request.path("id").asText();
                boolean rrpc = "rrpc".equals(parts[4]);
                String replyTopic = rrpc ? topic.replace("/rrpc/request/", "/rrpc/response/") : topic + "_reply";
                JsonNode data = rrpc ? request.path("params") : JSON.createObjectNode();
                byte[] reply = ("{\"id\":\"" + id + "\",\"code\":200,\"data\":" + data + ",\"message\":\"success\",\"version\":\"1.0\"}")
                        .getBytes(StandardCharsets.UTF_8);
                client.publish(replyTopic, reply, 0, false);
                answered.incrementAndGet();
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
                System.err.println("bench device: disconnected from the broker: " + response);
                lost.countDown();
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                System.err.println("bench device: " + exception);
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setSocketFactory(new NoDelaySocketFactory());
        client.connect(options).waitForCompletion(10_000);
        client.subscribe(new String[] {"/sys/+/+/rrpc/request/+", "/sys/+/+/thing/service/+"}, new int[] {0, 0}).waitForCompletion(10_000);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("bench device: answered " + answered.get() + ", not answered (silent devices, own replies) " + ignored.get());
            lost.countDown();
        }));
        System.out.println("READY bench device on " + brokerUrl + ", silent: " + silent);
        lost.await();
    }
}
