package org.thingservice.gateway.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.device.BrokerAccess.GatewayLogin;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.registry.DeviceRegistry;
import org.thingservice.gateway.support.MigratedDatabase;

/** /broker/auth's answers: EMQX 5.8's shape, the device's rules in DeviceTopics' order, only for the broker's secret. */
class BrokerAuthenticationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BEARER = "Bearer the-brokers-secret";

    private final DeviceRegistry registry = new DeviceRegistry(MigratedDatabase.create());
    private final AtomicReference<DeviceRegistry> ready = new AtomicReference<>(registry);
    private final BrokerAuthentication endpoint = new BrokerAuthentication("the-brokers-secret",
            new BrokerAccess(new GatewayLogin("tsg", "gw-pass"), ready::get, true));

    BrokerAuthenticationTest() {
        registry.putProduct("{\"profile\":{\"productKey\":\"pk\"},\"services\":[]}");
        registry.putDevice(new Device("IotId1", "pk", "dn"), "the-secret");
    }

    private static String body(String clientId, String userName, String password) {
        return JSON.createObjectNode().put("clientid", clientId).put("username", userName).put("password", password).toString();
    }

    private static String body(DeviceLogin.Credentials login) {
        return body(login.clientId(), login.userName(), login.password());
    }

    @Test
    void aDeviceIsLetInWithItsOwnTopicsInOrderAndNothingElse() throws Exception {
        BrokerAuthentication.Answer answer = endpoint.answer(BEARER, body(DeviceLogin.credentials("pk", "dn", "the-secret", "hmacsha256", "")));
        assertThat(answer.status()).isEqualTo(200);
        JsonNode json = JSON.readTree(answer.body());
        assertThat(json.path("result").asText()).isEqualTo("allow");
        assertThat(json.path("is_superuser").asBoolean(true)).isFalse();
        List<String> rules = new ArrayList<>();
        json.path("acl").forEach(rule -> rules.add(rule.path("permission").asText() + " " + rule.path("action").asText() + " "
                + rule.path("topic").asText()));
        assertThat(rules).containsExactly(
                "allow all /sys/pk/dn/#",
                "allow all /ext/rrpc/+/sys/pk/dn/#",
                "allow all /shadow/+/pk/dn",
                "deny all /pk/dn/thing/downlink/#",
                "allow all /pk/dn/#",
                "deny all #");
    }

    @Test
    void theGatewaysLoginIsASuperuser() throws Exception {
        JsonNode json = JSON.readTree(endpoint.answer(BEARER, body("any", "tsg", "gw-pass")).body());
        assertThat(json.path("result").asText()).isEqualTo("allow");
        assertThat(json.path("is_superuser").asBoolean()).isTrue();
        assertThat(json.has("acl")).isFalse();
    }

    @Test
    void wrongLoginsAreDenied() throws Exception {
        for (String request : List.of(body(DeviceLogin.credentials("pk", "dn", "wrong", "hmacsha1", "")),
                body(DeviceLogin.credentials("pk", "nobody", "the-secret", "hmacsha1", "")),
                body("any", "tsg", "not-the-password"),
                "{\"clientid\":\"anonymous\"}")) {
            BrokerAuthentication.Answer answer = endpoint.answer(BEARER, request);
            assertThat(answer.status()).as(request).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).path("result").asText()).as(request).isEqualTo("deny");
        }
    }

    @Test
    void onlyTheBrokerWithTheSecretIsAnswered() {
        String valid = body(DeviceLogin.credentials("pk", "dn", "the-secret", "hmacsha1", ""));
        assertThat(endpoint.answer(null, valid).status()).isEqualTo(401);
        assertThat(endpoint.answer("Bearer wrong", valid).status()).isEqualTo(401);
        assertThat(endpoint.answer("the-brokers-secret", valid).status()).isEqualTo(401);
        assertThat(endpoint.answer(BEARER, "not json").status()).isEqualTo(400);
        assertThat(endpoint.answer(BEARER, "[]").status()).isEqualTo(400);
    }

    @Test
    void whileTheRegistryIsNotThereDevicesAreToldToComeBack() {
        ready.set(null);
        assertThat(endpoint.answer(BEARER, body(DeviceLogin.credentials("pk", "dn", "the-secret", "hmacsha1", ""))).status()).isEqualTo(503);
    }
}
