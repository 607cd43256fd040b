package org.thingservice.gateway.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /broker/auth: an external broker asks whether a client may connect, and to which topics, so that the rules of
 * {@link BrokerAccess} and {@link DeviceTopics} hold on it as on the embedded broker (broker/mosquitto/tsg_auth.c for
 * mosquitto; EMQX 5.8's HTTP authentication as it is). The body is {@code {"clientid","username","password"}}; the
 * broker proves itself with the shared secret gateway.mqtt.broker-auth.secret as {@code Authorization: Bearer …}, so
 * nobody else can use the endpoint to try passwords. The answer is in EMQX 5.8's shape:
 * <ul>
 * <li>a device: {@code {"result":"allow","is_superuser":false,"acl":[…]}}, its rules in order, the first that matches
 * deciding, and a last one that denies every other topic;</li>
 * <li>the gateway's own clients: {@code {"result":"allow","is_superuser":true}};</li>
 * <li>anyone else: {@code {"result":"deny"}}; while the registry is not there yet, HTTP 503 (EMQX: ignore; the
 * plugin: refused, the device retries).</li>
 * </ul>
 * Without a secret the endpoint is not served at all (MqttConfiguration).
 */
public final class BrokerAuthentication {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerAuthentication.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BEARER = "Bearer ";

    /** An HTTP answer: its status and JSON body (empty when there is nothing to say). */
    public record Answer(int status, String body) {
    }

    private final byte[] secret;
    private final BrokerAccess access;

    /** secret: the brokers' shared secret; access: how clients are checked (device authentication on). */
    public BrokerAuthentication(String secret, BrokerAccess access) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.access = access;
    }

    /** The answer to a call with this Authorization header and body (blocking: a device is read from the registry). */
    public Answer answer(String authorization, String body) {
        if (authorization == null || !authorization.startsWith(BEARER)
                || !MessageDigest.isEqual(secret, authorization.substring(BEARER.length()).getBytes(StandardCharsets.UTF_8))) {
            return new Answer(401, "");
        }
        JsonNode request;
        try {
            request = JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            return new Answer(400, "");
        }
        if (request == null || !request.isObject()) {
            return new Answer(400, "");
        }
        String clientId = text(request, "clientid");
        String password = text(request, "password");
        BrokerAccess.Decision decision = access.decide(clientId, text(request, "username"),
                password == null ? null : password.getBytes(StandardCharsets.UTF_8));
        ObjectNode answer = JSON.createObjectNode();
        if (decision instanceof BrokerAccess.Device device) {
            answer.put("result", "allow").put("is_superuser", false);
            ArrayNode acl = answer.putArray("acl");
            for (DeviceTopics.Rule rule : DeviceTopics.permissions(device.login().productKey(), device.login().deviceName())) {
                acl.addObject().put("permission", rule.allow() ? "allow" : "deny").put("action", "all").put("topic", rule.filter());
            }
            acl.addObject().put("permission", "deny").put("action", "all").put("topic", "#");
        } else if (decision instanceof BrokerAccess.Gateway) {
            answer.put("result", "allow").put("is_superuser", true);
        } else if (decision instanceof BrokerAccess.Refused refused) {
            LOG.info("MQTT connect to the external broker refused, client id {}: {}", clientId, refused.reason());
            if (refused.retry()) {
                return new Answer(503, "");
            }
            answer.put("result", "deny");
        } else {
            throw new IllegalStateException("the endpoint's access checks devices: " + decision);
        }
        return new Answer(200, answer.toString());
    }

    private static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }
}
