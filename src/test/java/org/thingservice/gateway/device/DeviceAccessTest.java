package org.thingservice.gateway.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.Waits;

/**
 * The embedded broker with device authentication on, as it runs by default, and devices made the Link Kit way (plain
 * MQTT clients signing their login): who gets in, to which topics, what presence the API reports, both sync forms
 * and _ss=1. No simulated devices: a call is answered by a device or not at all.
 */
class DeviceAccessTest extends GatewayTestSupport {

    private static final String GATEWAY_PASSWORD = "test-gateway-password";

    @Override
    protected Map<String, String> settings() {
        return Map.of("gateway.mqtt.embedded.device-auth", "true", "gateway.simulator.enabled", "false",
                "gateway.mqtt.password", GATEWAY_PASSWORD, "gateway.rrpc.ext-devices", PK + "/ext-listed");
    }

    /** A new device of the sample product, registered through the API; returns its DeviceSecret. */
    private String register(String deviceName) throws Exception {
        JsonNode registered = json(get(params("Action", "RegisterDevice", "ProductKey", PK, "DeviceName", deviceName)));
        assertThat(registered.path("Success").asBoolean()).as(registered.toString()).isTrue();
        String secret = registered.path("Data").path("DeviceSecret").asText();
        assertThat(secret).hasSize(32);
        return secret;
    }

    private LinkKitDevice device(String deviceName, String secret, String signMethod, String extra) throws MqttException {
        return new LinkKitDevice(brokerUrl(), PK, deviceName, secret, signMethod, extra);
    }

    private static int refusal(ThrowingConnect connect) {
        try {
            connect.run().close();
        } catch (MqttException e) {
            return e.getReasonCode();
        }
        return 0;
    }

    private interface ThrowingConnect {
        LinkKitDevice run() throws MqttException;
    }

    @ParameterizedTest
    @ValueSource(strings = {"hmacsha1", "hmacsha256", "hmacmd5"})
    void aDeviceSignedWithItsSecretConnectsAndAnswersASyncCall(String signMethod) throws Exception {
        String name = "sign-" + signMethod;
        String secret = register(name);
        try (LinkKitDevice device = device(name, secret, signMethod, "")) {
            assertThat(device.subscribe("/sys/" + PK + "/" + name + "/rrpc/request/+")).isLessThan(128);
            JsonNode answer = json(get(invoke("ProductKey", PK, "DeviceName", name, "Identifier", "Blink", "Args", "{\"param1\":4}")));
            assertThat(answer.path("Success").asBoolean()).as(answer.toString()).isTrue();
            assertThat(JSON.readTree(answer.path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(4);
        }
    }

    @Test
    void aWrongSecretAnUnknownDeviceADisabledOneAndAnImpersonatorAreRefused() throws Exception {
        String secret = register("guarded");
        String other = register("guarded-2");
        assertThat(refusal(() -> device("guarded", "not-the-secret", "hmacsha1", ""))).as("wrong secret").isEqualTo(135);
        assertThat(refusal(() -> device("guarded", other, "hmacsha1", ""))).as("another device's secret").isEqualTo(135);
        assertThat(refusal(() -> device("nobody", secret, "hmacsha1", ""))).as("unknown device").isEqualTo(135);
        // the secret QueryDeviceDetail shows is the one that works
        JsonNode detail = json(get(params("Action", "QueryDeviceDetail", "ProductKey", PK, "DeviceName", "guarded")));
        assertThat(detail.path("Data").path("DeviceSecret").asText()).isEqualTo(secret);
        try (LinkKitDevice connected = device("guarded", secret, "hmacsha1", "")) {
            get(params("Action", "DisableThing", "ProductKey", PK, "DeviceName", "guarded"));
            Waits.until(Duration.ofSeconds(5), Duration.ofMillis(20), () -> !connected.isConnected());
            assertThat(connected.isConnected()).as("disabling closes its connection").isFalse();
        }
        assertThat(refusal(() -> device("guarded", secret, "hmacsha1", ""))).as("disabled").isEqualTo(135);
        get(params("Action", "EnableThing", "ProductKey", PK, "DeviceName", "guarded"));
        assertThat(refusal(() -> device("guarded", secret, "hmacsha1", ""))).isZero();
    }

    @Test
    void aClientWithoutADeviceLoginIsRefusedAndTheGatewaysLoginWorks() throws Exception {
        assertThatThrownBy(() -> new MqttSpy(brokerUrl(), "#").close()).isInstanceOf(MqttException.class);
        MqttConnectionOptions gateway = new MqttConnectionOptions();
        gateway.setUserName("thing-service-gateway");
        gateway.setPassword(GATEWAY_PASSWORD.getBytes(StandardCharsets.UTF_8));
        new MqttSpy(brokerUrl(), gateway, "#").close();
    }

    @Test
    void aDeviceUsesOnlyItsOwnTopicsAndCannotAnswerForAnother() throws Exception {
        String mine = register("confined");
        String theirs = register("neighbour");
        try (LinkKitDevice intruder = device("confined", mine, "hmacsha256", "");
                LinkKitDevice neighbour = device("neighbour", theirs, "hmacsha256", ""); // subscribed to nothing: never answers
                MqttSpy gateway = spyAsGateway("/sys/" + PK + "/neighbour/rrpc/request/+")) {
            assertThat(intruder.subscribe("/sys/" + PK + "/confined/thing/service/+")).isLessThan(128);
            assertThat(intruder.subscribe("/" + PK + "/confined/user/get")).isLessThan(128);
            assertThat(intruder.subscribe("/sys/" + PK + "/neighbour/#")).isEqualTo(135);
            assertThat(intruder.subscribe("/sys/+/+/rrpc/request/+")).isEqualTo(135);
            assertThat(intruder.subscribe("#")).isEqualTo(135);
            assertThat(intruder.publish("/" + PK + "/confined/thing/downlink/reply/message", "{}")).as("forged forwarded reply").isEqualTo(135);

            // the neighbour is connected but does not answer; the intruder answers its call on its response topic
            new Thread(() -> {
                try {
                    MqttSpy.Message request = gateway.await("/sys/" + PK + "/neighbour/rrpc/request/", Duration.ofSeconds(5));
                    String id = request.topic().substring(request.topic().lastIndexOf('/') + 1);
                    intruder.publish("/sys/" + PK + "/neighbour/rrpc/response/" + id, "{\"id\":\"" + id + "\",\"code\":200,\"data\":{}}");
                } catch (Exception e) {
                    // the call times out either way; the assertion below says why
                }
            }).start();
            JsonNode answer = json(get(invoke("ProductKey", PK, "DeviceName", "neighbour", "Identifier", "Blink", "Args", "{\"param1\":1}",
                    "Timeout", "2000")));
            assertThat(answer.path("Code").asText()).as(answer.toString()).isEqualTo("iot.messagebroker.TIMEOUT");
        }
    }

    @Test
    void presenceIsWhatTheBrokerSawAndASyncCallToAnOfflineDeviceFailsAtOnce() throws Exception {
        String secret = register("present");
        assertThat(status("present")).isEqualTo("UNACTIVE");
        long start = System.nanoTime();
        JsonNode offline = json(get(invoke("ProductKey", PK, "DeviceName", "present", "Identifier", "Blink", "Args", "{\"param1\":1}")));
        assertThat(offline.path("Code").asText()).as(offline.toString()).isEqualTo("iot.messagebroker.OFFLINE");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

        try (LinkKitDevice device = device("present", secret, "hmacsha1", "")) {
            awaitStatus("present", "ONLINE");
            JsonNode status = json(get(params("Action", "GetDeviceStatus", "ProductKey", PK, "DeviceName", "present")));
            assertThat(status.path("Data").path("Status").asText()).isEqualTo("ONLINE");
            assertThat(status.path("Data").path("Timestamp").asLong()).isPositive();
            JsonNode batch = json(get(params("Action", "BatchGetDeviceState", "ProductKey", PK, "DeviceName.1", "present",
                    "DeviceName.2", "lamp-1")));
            JsonNode states = batch.path("DeviceStatusList").path("DeviceStatus");
            assertThat(states).as(batch.toString()).hasSize(2);
            assertThat(states.get(0).path("DeviceName").asText()).isEqualTo("present");
            assertThat(states.get(0).path("Status").asText()).isEqualTo("ONLINE");
            assertThat(states.get(0).path("LastOnlineTime").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
            assertThat(states.get(1).path("Status").asText()).isEqualTo("UNACTIVE");
        }
        awaitStatus("present", "OFFLINE");
        JsonNode detail = json(get(params("Action", "QueryDeviceDetail", "ProductKey", PK, "DeviceName", "present")));
        assertThat(detail.path("Data").path("GmtOnline").asText()).isNotEmpty();
    }

    @Test
    void withSsTheBrokerSubscribesTheDeviceToItsServiceTopics() throws Exception {
        String secret = register("auto-subscribed");
        try (LinkKitDevice device = device("auto-subscribed", secret, "hmacsha256", "_ss=1")) {
            awaitStatus("auto-subscribed", "ONLINE");
            JsonNode sync = json(get(invoke("ProductKey", PK, "DeviceName", "auto-subscribed", "Identifier", "Blink", "Args", "{\"param1\":2}")));
            assertThat(sync.path("Success").asBoolean()).as(sync.toString()).isTrue();
            JsonNode async = json(get(invoke("ProductKey", PK, "DeviceName", "auto-subscribed", "Identifier", "SetColor",
                    "Args", "{\"color\":1,\"label\":\"ss\"}")));
            assertThat(async.path("Success").asBoolean()).as(async.toString()).isTrue();
            Waits.until(Duration.ofSeconds(5), Duration.ofMillis(20),
                    () -> device.received().stream().anyMatch(t -> t.endsWith("/thing/service/SetColor")));
            assertThat(device.received()).anyMatch(t -> t.endsWith("/thing/service/SetColor"))
                    .noneMatch(t -> t.endsWith("_reply")); // No Local: not its own replies back
        }
    }

    @Test
    void aDeviceThatAsksForTheExtRrpcFormGetsItsSyncCallsThereAndAnswersOnTheSameTopic() throws Exception {
        String secret = register("ext-asking");
        try (LinkKitDevice device = device("ext-asking", secret, "hmacsha256", "ext=1");
                MqttSpy gateway = spyAsGateway("/sys/" + PK + "/ext-asking/rrpc/#")) {
            // as Link SDK 4.x subscribes
            assertThat(device.subscribe("/ext/rrpc/+/sys/" + PK + "/ext-asking/thing/service/+")).isLessThan(128);
            awaitStatus("ext-asking", "ONLINE");
            JsonNode answer = json(get(invoke("ProductKey", PK, "DeviceName", "ext-asking", "Identifier", "Blink", "Args", "{\"param1\":3}")));
            assertThat(answer.path("Success").asBoolean()).as(answer.toString()).isTrue();
            String messageId = answer.path("Data").path("MessageId").asText();
            assertThat(device.received()).contains("/ext/rrpc/" + messageId + "/sys/" + PK + "/ext-asking/thing/service/Blink");
            assertThat(JSON.readTree(answer.path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(3);
            assertThat(gateway.received()).as("nothing on the system RRPC topics").isEmpty();
        }
        // _ss=1 with ext=1: subscribed to the /ext/rrpc/ form by the broker
        try (LinkKitDevice device = device("ext-asking", secret, "hmacsha1", "_ss=1,ext=3")) {
            awaitStatus("ext-asking", "ONLINE");
            JsonNode answer = json(get(invoke("ProductKey", PK, "DeviceName", "ext-asking", "Identifier", "Blink", "Args", "{\"param1\":5}")));
            assertThat(answer.path("Success").asBoolean()).as(answer.toString()).isTrue();
        }
    }

    @Test
    void aDeviceListedInTheSettingsGetsTheExtRrpcFormWhateverItsClientId() throws Exception {
        String secret = register("ext-listed");
        try (LinkKitDevice device = device("ext-listed", secret, "hmacsha1", "")) {
            assertThat(device.subscribe("/ext/rrpc/+/sys/" + PK + "/ext-listed/thing/service/+")).isLessThan(128);
            awaitStatus("ext-listed", "ONLINE");
            JsonNode answer = json(get(invoke("ProductKey", PK, "DeviceName", "ext-listed", "Identifier", "Blink", "Args", "{\"param1\":6}")));
            assertThat(answer.path("Success").asBoolean()).as(answer.toString()).isTrue();
            assertThat(device.received()).allMatch(t -> t.startsWith("/ext/rrpc/"));
        }
    }

    private MqttSpy spyAsGateway(String... filters) throws MqttException {
        MqttConnectionOptions gateway = new MqttConnectionOptions();
        gateway.setUserName("thing-service-gateway");
        gateway.setPassword(GATEWAY_PASSWORD.getBytes(StandardCharsets.UTF_8));
        return new MqttSpy(brokerUrl(), gateway, filters);
    }

    private String status(String deviceName) throws Exception {
        return json(get(params("Action", "QueryDeviceDetail", "ProductKey", PK, "DeviceName", deviceName))).path("Data").path("Status").asText();
    }

    private void awaitStatus(String deviceName, String expected) throws Exception {
        Waits.until(Duration.ofSeconds(5), Duration.ofMillis(20), () -> expected.equals(status(deviceName)));
        assertThat(status(deviceName)).isEqualTo(expected);
    }
}
