package org.thingservice.gateway.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.Waits;

/**
 * The official Alibaba device SDK for Node.js (alibabacloud-iot-device-sdk from npm, unmodified) connects with its
 * device's triple to the gateway's embedded broker, as it would to Alibaba's, and answers a sync and an async service
 * through the gateway's HTTP API; a wrong secret and a device using another's secret are refused.
 */
@ExtendWith(ExternalBinaries.RequireNodeDeviceSdk.class)
class NodeDeviceSdkTest extends GatewayTestSupport {

    private static final String GATEWAY_PASSWORD = "node-test-gateway-password";

    @Override
    protected Map<String, String> settings() {
        return Map.of("gateway.mqtt.embedded.device-auth", "true", "gateway.simulator.enabled", "false",
                "gateway.mqtt.password", GATEWAY_PASSWORD);
    }

    private NodeSdkDevice sdkDevice(String deviceName, String secret) throws IOException {
        return new NodeSdkDevice(brokerUrl().replace("tcp://", "mqtt://"), PK, deviceName, secret);
    }

    private String register(String deviceName) throws Exception {
        JsonNode registered = json(get(params("Action", "RegisterDevice", "ProductKey", PK, "DeviceName", deviceName)));
        assertThat(registered.path("Success").asBoolean()).as(registered.toString()).isTrue();
        return registered.path("Data").path("DeviceSecret").asText();
    }

    @Test
    void theSdkConnectsWithItsTripleAndAnswersASyncAndAnAsyncService() throws Exception {
        String secret = register("node-lamp");
        MqttConnectionOptions asGateway = new MqttConnectionOptions();
        asGateway.setUserName("thing-service-gateway");
        asGateway.setPassword(GATEWAY_PASSWORD.getBytes(StandardCharsets.UTF_8));
        try (NodeSdkDevice device = sdkDevice("node-lamp", secret);
                MqttSpy application = new MqttSpy(brokerUrl(), asGateway, "/" + PK + "/node-lamp/thing/downlink/reply/message")) {
            assertThat(device.await("connected", Duration.ofSeconds(20))).as("the SDK's output: " + device.lines()).isNotNull();
            // the SDK subscribes its RRPC topic right after connecting: wait until the broker says the device is there
            awaitOnline("node-lamp");
            Thread.sleep(500);

            JsonNode sync = json(get(invoke("ProductKey", PK, "DeviceName", "node-lamp", "Identifier", "Blink", "Args", "{\"param1\":7}")));
            assertThat(sync.path("Success").asBoolean()).as(sync.toString()).isTrue();
            JsonNode result = JSON.readTree(sync.path("Data").path("Result").asText());
            assertThat(result.path("code").asInt()).isEqualTo(200);
            assertThat(result.path("data").path("param1").asInt()).isEqualTo(7);

            JsonNode async = json(get(invoke("ProductKey", PK, "DeviceName", "node-lamp", "Identifier", "SetColor",
                    "Args", "{\"color\":2,\"label\":\"from-node\"}")));
            assertThat(async.path("Success").asBoolean()).as(async.toString()).isTrue();
            MqttSpy.Message forwarded = application.await("/" + PK + "/node-lamp/thing/downlink/reply/message", Duration.ofSeconds(10));
            assertThat(forwarded).as("the async reply forwarded to the application; SDK output: " + device.lines()).isNotNull();
            JsonNode reply = JSON.readTree(forwarded.payload());
            assertThat(reply.path("code").asInt()).isEqualTo(200);
            assertThat(reply.path("data").path("shown").asText()).isEqualTo("from-node");
            assertThat(reply.path("messageId").asText()).isEqualTo(async.path("Data").path("MessageId").asText());
        }
    }

    @Test
    void aWrongSecretAndAnotherDevicesSecretAreRefused() throws Exception {
        register("node-guarded");
        String othersSecret = register("node-other");
        try (NodeSdkDevice wrong = sdkDevice("node-guarded", "0123456789abcdef0123456789abcdef");
                NodeSdkDevice impersonator = sdkDevice("node-guarded", othersSecret)) {
            assertThat(wrong.await("error", Duration.ofSeconds(20))).as("the SDK's output: " + wrong.lines()).contains("Not authorized");
            assertThat(impersonator.await("error", Duration.ofSeconds(20))).as("the SDK's output: " + impersonator.lines()).contains("Not authorized");
            assertThat(wrong.lines()).doesNotContain("connected");
            assertThat(impersonator.lines()).doesNotContain("connected");
        }
        JsonNode detail = json(get(params("Action", "QueryDeviceDetail", "ProductKey", PK, "DeviceName", "node-guarded")));
        assertThat(detail.path("Data").path("Status").asText()).isEqualTo("UNACTIVE");
    }

    private void awaitOnline(String deviceName) throws Exception {
        AtomicReference<String> last = new AtomicReference<>("");
        Waits.until(Duration.ofSeconds(10), Duration.ofMillis(50), () -> {
            last.set(json(get(params("Action", "GetDeviceStatus", "ProductKey", PK, "DeviceName", deviceName))).path("Data").path("Status").asText());
            return "ONLINE".equals(last.get());
        });
        String status = last.get();
        assertThat(status).isEqualTo("ONLINE");
    }
}
