package org.thingservice.gateway.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.Mosquitto;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.PackagedGateway;
import org.thingservice.gateway.support.Waits;

/**
 * The promise of broker/mosquitto on a real mosquitto 2.0 with the plugin built from the repository, and the packaged
 * jar as its own process with gateway.mqtt.broker-auth.secret: the broker asks the gateway's /broker/auth at each
 * connect, so devices get in only with a valid Alibaba login of an enabled device (the official Node.js SDK answers
 * a sync call through it), use only their own topics (another device's calls are neither seen nor answered by an
 * impostor), the gateway's own clients still work, and without the gateway nobody gets in.
 */
@ExtendWith({ExternalBinaries.RequireMosquittoAuthPlugin.class, ExternalBinaries.RequireNodeDeviceSdk.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MosquittoDeviceAccessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PK = "a1LampDemo1";
    private static final String SECRET = "broker-shared-secret-for-the-test";
    private static final String GATEWAY_USER = "tsg";
    private static final String GATEWAY_PASSWORD = "gateway-password-for-the-test";
    /** the seed's devices.csv */
    private static final Map<String, String> SECRETS = Map.of("lamp-1", "DemoSecretLamp1NotForProduction1",
            "lamp-2", "DemoSecretLamp2NotForProduction2", "lamp-silent", "DemoSecretLampSilentNotForProd04");

    private Path workDir;
    private Mosquitto mosquitto;
    private PackagedGateway gateway;

    @BeforeAll
    void start() throws Exception {
        workDir = Files.createTempDirectory("tsg-mosquitto-auth-it");
        int httpPort = FreePorts.next();
        mosquitto = Mosquitto.launchWithAuthPlugin("http://127.0.0.1:" + httpPort + "/broker/auth", SECRET);
        gateway = PackagedGateway.start(workDir, "gateway.log", httpPort, Map.of(
                "gateway.mqtt.url", mosquitto.url(),
                "gateway.mqtt.username", GATEWAY_USER,
                "gateway.mqtt.password", GATEWAY_PASSWORD,
                "gateway.mqtt.broker-auth.secret", SECRET,
                "gateway.auth.enabled", "false",
                "gateway.simulator.enabled", "false"));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
        PackagedGateway.delete(workDir);
    }

    @Test
    void theNodeSdkLogsInWithItsTripleAndAnswersASyncCall() throws Exception {
        try (NodeSdkDevice device = new NodeSdkDevice("mqtt://127.0.0.1:" + mosquitto.port(), PK, "lamp-2", SECRETS.get("lamp-2"))) {
            assertThat(device.await("connected", Duration.ofSeconds(30))).as("the SDK's output: " + device.lines()).isNotNull();
            Thread.sleep(500); // the SDK subscribes its RRPC topic right after connecting
            JsonNode answer = call("Action=InvokeThingService&ProductKey=" + PK + "&DeviceName=lamp-2&Identifier=Blink&Args="
                    + URLEncoder.encode("{\"param1\":7}", StandardCharsets.UTF_8));
            assertThat(answer.path("Success").asBoolean()).as(answer.toString()).isTrue();
            assertThat(JSON.readTree(answer.path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(7);
        }
    }

    @Test
    void onlyEnabledDevicesWithTheirOwnSecretGetIn() throws Exception {
        assertThat(refusal(() -> new LinkKitDevice(mosquitto.url(), PK, "lamp-1", "not-the-secret", "hmacsha1", ""))).as("wrong secret")
                .isEqualTo(135);
        assertThat(refusal(() -> new LinkKitDevice(mosquitto.url(), PK, "lamp-1", SECRETS.get("lamp-2"), "hmacsha1", "")))
                .as("another device's secret").isEqualTo(135);
        assertThat(refusal(() -> new LinkKitDevice(mosquitto.url(), PK, "nobody", SECRETS.get("lamp-1"), "hmacsha1", ""))).as("unknown device")
                .isEqualTo(135);
        assertThat(call("Action=DisableThing&ProductKey=" + PK + "&DeviceName=lamp-silent").path("Success").asBoolean()).isTrue();
        try {
            assertThat(refusal(() -> new LinkKitDevice(mosquitto.url(), PK, "lamp-silent", SECRETS.get("lamp-silent"), "hmacmd5", "")))
                    .as("disabled device").isEqualTo(135);
        } finally {
            call("Action=EnableThing&ProductKey=" + PK + "&DeviceName=lamp-silent");
        }
        assertThat(refusal(() -> new LinkKitDevice(mosquitto.url(), PK, "lamp-silent", SECRETS.get("lamp-silent"), "hmacmd5", "")))
                .as("enabled again").isZero();
        assertThat(refusal(() -> new MqttSpy(mosquitto.url(), "#"))).as("no login at all").isEqualTo(135);
        assertThat(refusal(() -> new MqttSpy(mosquitto.url(), gatewayLogin("not-the-password"), "#"))).as("the gateway's user, wrong password")
                .isEqualTo(135);
        assertThat(refusal(() -> new MqttSpy(mosquitto.url(), gatewayLogin(GATEWAY_PASSWORD), "#"))).as("the gateway's login").isZero();
    }

    @Test
    void aDeviceNeitherSeesNorAnswersAnotherDevicesCalls() throws Exception {
        try (LinkKitDevice impostor = new LinkKitDevice(mosquitto.url(), PK, "lamp-2", SECRETS.get("lamp-2"), "hmacsha256", "");
                // the gateway's login sees every topic: it tells the impostor the call's MessageId
                MqttSpy spy = new MqttSpy(mosquitto.url(), gatewayLogin(GATEWAY_PASSWORD), "/sys/" + PK + "/lamp-1/rrpc/request/+")) {
            assertThat(impostor.subscribe("/sys/" + PK + "/lamp-2/rrpc/request/+")).as("its own calls").isLessThan(128);
            assertThat(impostor.subscribe("/" + PK + "/lamp-2/user/get")).as("its own custom topic").isLessThan(128);
            assertThat(impostor.subscribe("/sys/" + PK + "/lamp-1/#")).isEqualTo(135);
            assertThat(impostor.subscribe("/sys/+/+/rrpc/request/+")).isEqualTo(135);
            assertThat(impostor.subscribe("/ext/rrpc/+/sys/" + PK + "/lamp-1/thing/service/+")).isEqualTo(135);
            assertThat(impostor.subscribe("#")).isEqualTo(135);
            assertThat(impostor.subscribe("/" + PK + "/lamp-2/#")).as("reaches into its thing/downlink/ topics").isEqualTo(135);
            assertThat(impostor.publish("/" + PK + "/lamp-2/thing/downlink/reply/message", "{}")).as("a forged forwarded reply")
                    .isEqualTo(135);

            // lamp-1 is not connected; the impostor answers its call on lamp-1's response topic
            CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> callUnchecked(
                    "Action=InvokeThingService&ProductKey=" + PK + "&DeviceName=lamp-1&Identifier=Blink&Timeout=3000&Args="
                            + URLEncoder.encode("{\"param1\":1}", StandardCharsets.UTF_8)));
            MqttSpy.Message request = spy.await("/sys/" + PK + "/lamp-1/rrpc/request/", Duration.ofSeconds(20));
            assertThat(request).as("the gateway published lamp-1's call").isNotNull();
            String messageId = request.topic().substring(request.topic().lastIndexOf('/') + 1);
            String id = JSON.readTree(request.payload()).path("id").asText();
            assertThat(impostor.publish("/sys/" + PK + "/lamp-1/rrpc/response/" + messageId,
                    "{\"id\":\"" + id + "\",\"code\":200,\"data\":{\"param1\":666}}")).as("the forged reply").isEqualTo(135);
            JsonNode result = answer.get();
            assertThat(result.path("Code").asText()).as(result.toString()).isEqualTo("iot.messagebroker.TIMEOUT");
            assertThat(impostor.received()).as("what reached the impostor").isEmpty();
        }
    }

    @Test
    void theEndpointAnswersOnlyTheBrokerInEmqxsShape() throws Exception {
        DeviceLogin.Credentials login = DeviceLogin.credentials(PK, "lamp-1", SECRETS.get("lamp-1"), "hmacsha256", "");
        String body = JSON.createObjectNode().put("clientid", login.clientId()).put("username", login.userName())
                .put("password", login.password()).toString();
        assertThat(brokerAuth(null, body).statusCode()).as("no secret").isEqualTo(401);
        assertThat(brokerAuth("Bearer not-the-secret", body).statusCode()).as("wrong secret").isEqualTo(401);
        HttpResponse<String> answer = brokerAuth("Bearer " + SECRET, body);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.headers().map().keySet()).as("nothing of the request echoed").doesNotContain("authorization", "Authorization");
        JsonNode json = JSON.readTree(answer.body());
        assertThat(json.path("result").asText()).isEqualTo("allow");
        assertThat(json.path("acl").get(0).path("topic").asText()).isEqualTo("/sys/" + PK + "/lamp-1/#");
    }

    private HttpResponse<String> brokerAuth(String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + "/broker/auth"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return gateway.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aDeviceThatTakesOverItsOwnConnectionKeepsItsTopics() throws Exception {
        // the same client id twice, as an SDK that reconnects before the broker noticed its old connection was gone:
        // the broker closes the old one, and its end must not take the new one's rules with it
        DeviceLogin.Credentials login = DeviceLogin.credentials(PK, "lamp-1", SECRETS.get("lamp-1"), "hmacsha1", "");
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(login.userName());
        options.setPassword(login.password().getBytes(StandardCharsets.UTF_8));
        MqttClient first = new MqttClient(mosquitto.url(), login.clientId(), new MemoryPersistence());
        MqttClient second = new MqttClient(mosquitto.url(), login.clientId(), new MemoryPersistence());
        try {
            first.connect(options);
            second.connect(options);
            Waits.until(Duration.ofSeconds(10), Duration.ofMillis(20), () -> !first.isConnected());
            assertThat(first.isConnected()).as("the broker closed the older connection").isFalse();
            IMqttToken subscribed = second.subscribe(new MqttSubscription[] {new MqttSubscription("/sys/" + PK + "/lamp-1/rrpc/request/+", 1)});
            assertThat(subscribed.getReasonCodes()[0]).as("its own topic, after the takeover").isLessThan(128);
        } finally {
            second.disconnectForcibly();
            first.close(true);
            second.close(true);
        }
    }

    @Test
    void withoutTheGatewayNobodyGetsIn() throws Exception {
        // a second broker whose gateway does not answer: the plugin refuses rather than guessing
        try (Mosquitto orphan = Mosquitto.launchWithAuthPlugin("http://127.0.0.1:" + FreePorts.next() + "/broker/auth", SECRET)) {
            assertThat(refusal(() -> new LinkKitDevice(orphan.url(), PK, "lamp-1", SECRETS.get("lamp-1"), "hmacsha1", ""))).isEqualTo(135);
            assertThat(refusal(() -> new MqttSpy(orphan.url(), gatewayLogin(GATEWAY_PASSWORD), "#"))).isEqualTo(135);
        }
    }

    /** The CONNACK's reason code of a connect: 0 when it got in (the client is closed again). */
    private static int refusal(Connect connect) throws Exception {
        try {
            connect.open().close();
            return 0;
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    private interface Connect {
        AutoCloseable open() throws Exception;
    }

    private static MqttConnectionOptions gatewayLogin(String password) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(GATEWAY_USER);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        return options;
    }

    private JsonNode call(String query) throws Exception {
        HttpResponse<String> response = gateway.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + "/?" + query))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private JsonNode callUnchecked(String query) {
        try {
            return call(query);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
