package org.thingservice.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.MessageCallback;
import org.thingservice.gateway.support.MosquittoGatewayTestSupport;

/**
 * No stale commands: a request carries an MQTT 5 Message Expiry Interval as long as its caller waits, so a real
 * mosquitto keeping it for a device that is away (a persistent session: clean start false, session expiry 300 s)
 * drops it once the caller has given up, and hands it over when the device is back in time.
 */
@ExtendWith(ExternalBinaries.RequireMosquitto.class)
class MessageExpiryTest extends MosquittoGatewayTestSupport {

    @Override
    protected Map<String, String> brokerSettings() {
        // an async call's reply is awaited for 2 s: its request expires after 2 s
        return Map.of("gateway.invoke.async-reply-window", "2000", "gateway.auth.enabled", "false");
    }

    /** A device with a persistent session: what it receives while connected, recorded; it answers sync calls. */
    private final class PersistentDevice implements AutoCloseable {
        private final MqttAsyncClient client;
        private final List<String> received = new CopyOnWriteArrayList<>();

        PersistentDevice(String clientId) throws MqttException {
            client = new MqttAsyncClient(brokerUrl(), clientId, new MemoryPersistence());
            client.setCallback(new MessageCallback() {
                @Override
                public void messageArrived(String topic, MqttMessage message) throws MqttException {
                    received.add(topic);
                    if (topic.contains("/rrpc/request/")) {
                        JsonNode request = readTree(message.getPayload());
                        client.publish(topic.replace("/rrpc/request/", "/rrpc/response/"),
                                ("{\"id\":\"" + request.path("id").asText() + "\",\"code\":200,\"data\":{}}").getBytes(StandardCharsets.UTF_8), 0, false);
                    }
                }
            });
        }

        void connect() throws MqttException {
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(false);
            options.setSessionExpiryInterval(300L);
            client.connect(options).waitForCompletion(10_000);
        }

        void subscribe(String filter) throws MqttException {
            client.subscribe(filter, 1).waitForCompletion(10_000);
        }

        void goAway() throws MqttException {
            client.disconnect().waitForCompletion(10_000);
        }

        @Override
        public void close() throws MqttException {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close(true);
        }
    }

    private static JsonNode readTree(byte[] payload) {
        try {
            return JSON.readTree(payload);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aDeviceBackAfterItsCallerGaveUpNeverGetsTheRequest() throws Exception {
        try (PersistentDevice device = new PersistentDevice("expiry-lamp-1")) {
            device.connect();
            device.subscribe("/sys/" + PK + "/lamp-1/thing/service/+");
            device.goAway();

            JsonNode accepted = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "SetColor",
                    "Args", "{\"color\":1,\"label\":\"stale\"}")));
            assertThat(accepted.path("Success").asBoolean()).as(accepted.toString()).isTrue();
            Thread.sleep(3_500); // past the 2 s the caller waits for the reply

            device.connect();
            Thread.sleep(1_500);
            assertThat(device.received).as("what the device got when it came back").isEmpty();
        }
    }

    @Test
    void aDeviceBackWhileItsCallerWaitsGetsTheRequestAndTheCallSucceeds() throws Exception {
        try (PersistentDevice device = new PersistentDevice("expiry-lamp-2")) {
            device.connect();
            device.subscribe("/sys/" + PK + "/lamp-2/rrpc/request/+");
            device.goAway();

            CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return json(get(invoke("ProductKey", PK, "DeviceName", "lamp-2", "Identifier", "Blink", "Args", "{\"param1\":1}",
                            "Timeout", "6000")));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1_500); // the request waits in the device's session
            device.connect();

            JsonNode answer = call.get(10, TimeUnit.SECONDS);
            assertThat(answer.path("Success").asBoolean()).as(answer.toString()).isTrue();
            assertThat(device.received).hasSize(1);
        }
    }
}
