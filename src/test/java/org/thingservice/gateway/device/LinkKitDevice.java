package org.thingservice.gateway.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.thingservice.gateway.support.MessageCallback;

/**
 * A device as the Link SDKs (Link Kit) make one, over a plain MQTT 5 client: it logs in with its triple
 * (DeviceLogin.credentials) and answers every service call by echoing its params as data with code 200, on the
 * topic the call's form asks for: rrpc/request/{id} → rrpc/response/{id}; /ext/rrpc/{id}/… → the same topic;
 * /sys/…/thing/service/{id} → …/{id}_reply.
 */
public final class LinkKitDevice implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MqttAsyncClient client;
    private final List<String> received = new CopyOnWriteArrayList<>();

    /** Connects (or throws the broker's refusal); extra: client id options such as "_ss=1,ext=1", or "". */
    public LinkKitDevice(String brokerUrl, String productKey, String deviceName, String secret, String signMethod, String extra)
            throws MqttException {
        DeviceLogin.Credentials login = DeviceLogin.credentials(productKey, deviceName, secret, signMethod, extra);
        client = new MqttAsyncClient(brokerUrl, login.clientId(), new MemoryPersistence());
        client.setCallback(new MessageCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(topic);
                answer(topic, message.getPayload());
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(login.userName());
        options.setPassword(login.password().getBytes(StandardCharsets.UTF_8));
        options.setCleanStart(true);
        try {
            client.connect(options).waitForCompletion(10_000);
        } catch (MqttException e) {
            client.close(true);
            throw e;
        }
    }

    /** Subscribes; returns the SUBACK's reason code (0, 1: granted; 135: not authorized). */
    public int subscribe(String filter) throws MqttException {
        IMqttToken token = client.subscribe(filter, 1);
        token.waitForCompletion(10_000);
        return token.getReasonCodes()[0];
    }

    /** Publishes at QoS 1; returns the PUBACK's reason code (0: accepted; 135: not authorized). */
    public int publish(String topic, String payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        IMqttToken token = client.publish(topic, message);
        token.waitForCompletion(10_000);
        int[] codes = token.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    /** The topics of the messages it received. */
    public List<String> received() {
        return received;
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    private void answer(String topic, byte[] payload) {
        try {
            JsonNode request = JSON.readTree(payload);
            if (!request.has("method")) {
                return; // a reply (its own, or on a topic it shares with the gateway): not a call
            }
            String reply = JSON.createObjectNode().put("id", request.path("id").asText()).put("code", 200)
                    .<com.fasterxml.jackson.databind.node.ObjectNode>set("data", request.path("params")).put("message", "success")
                    .put("version", "1.0").toString();
            String replyTopic;
            if (topic.startsWith("/ext/rrpc/")) {
                replyTopic = topic;
            } else if (topic.contains("/rrpc/request/")) {
                replyTopic = topic.replace("/rrpc/request/", "/rrpc/response/");
            } else {
                replyTopic = topic + "_reply";
            }
            client.publish(replyTopic, reply.getBytes(StandardCharsets.UTF_8), 0, false);
        } catch (Exception e) {
            // not a call it can read: left unanswered, as a device would
        }
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(5_000);
        }
        client.close(true);
    }
}
