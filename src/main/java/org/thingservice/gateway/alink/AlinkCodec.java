package org.thingservice.gateway.alink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Predicate;
import org.apache.camel.Exchange;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.model.Device;

/**
 * The Alink protocol: the topics and JSON payloads of a service call and its reply (reference §3).
 * sync services go over RRPC, /sys/{pk}/{dn}/rrpc/request/{id} or, for a device that takes that form,
 * /ext/rrpc/{id}/sys/{pk}/{dn}/thing/service/{identifier}; async ones to /sys/{pk}/{dn}/thing/service/{identifier}.
 */
public final class AlinkCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MessageIds messageIds;
    private final long asyncReplyWindow;
    private final Predicate<Device> extRrpc;

    /** extRrpc: whether a device takes sync calls in the /ext/rrpc/ form. */
    public AlinkCodec(MessageIds messageIds, long asyncReplyWindow, Predicate<Device> extRrpc) {
        this.messageIds = messageIds;
        this.asyncReplyWindow = asyncReplyWindow;
        this.extRrpc = extRrpc;
    }

    /** Assigns the MessageId and turns the call into the Alink request: body, topic and correlation headers. */
    public byte[] request(Exchange exchange) throws JsonProcessingException {
        Invocation invocation = exchange.getProperty(Exchanges.INVOCATION, Invocation.class);
        Device device = invocation.device();
        String id = messageIds.next();
        invocation.messageId(id);
        String identifier = invocation.service().identifier();
        String own = device.productKey() + "/" + device.deviceName();
        String topic;
        if (!invocation.service().sync()) {
            topic = "/sys/" + own + "/thing/service/" + identifier;
        } else if (extRrpc.test(device)) {
            topic = "/ext/rrpc/" + id + "/sys/" + own + "/thing/service/" + identifier;
        } else {
            topic = "/sys/" + own + "/rrpc/request/" + id;
        }
        exchange.getMessage().setHeader(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC, topic);
        exchange.getMessage().setHeader(Exchanges.CORRELATION_KEY, key(device.productKey(), device.deviceName(), id));
        exchange.getMessage().setHeader(Exchanges.REPLY_TIMEOUT, invocation.waitsForReply() ? invocation.timeoutMillis() : asyncReplyWindow);
        ObjectNode payload = JSON.createObjectNode()
                .put("id", id)
                .put("version", "1.0")
                .set("params", invocation.args());
        payload.put("method", "thing.service." + identifier);
        return JSON.writeValueAsBytes(payload);
    }

    /** A reply on /sys/{pk}/{dn}/rrpc/response/{id}: the id is in the topic. */
    public void rrpcReply(Exchange exchange) {
        String[] t = topic(exchange);
        if (t.length != 7 || !"rrpc".equals(t[4]) || !"response".equals(t[5])) {
            throw new IllegalArgumentException("not an RRPC response topic");
        }
        exchange.getMessage().setHeader(Exchanges.CORRELATION_KEY, key(t[2], t[3], t[6]));
    }

    /**
     * Whether a message on /ext/rrpc/{id}/sys/{pk}/{dn}/thing/service/{identifier} is a device's reply: request and
     * reply share that topic, so the gateway also receives its own requests there. A request names a "method", a
     * reply has a "code" (Link SDK 4.x replies {"id","code","data"}).
     */
    public boolean isExtRrpcReply(Exchange exchange) {
        try {
            JsonNode message = JSON.readTree(exchange.getMessage().getBody(byte[].class));
            return message.has("code") && !message.has("method");
        } catch (java.io.IOException e) {
            return true; // not JSON: not our request either; rrpcReply's reader decides what it is
        }
    }

    /** The other side of isExtRrpcReply: a request on an /ext/rrpc/ topic (what the simulated devices answer). */
    public boolean isExtRrpcRequest(Exchange exchange) {
        return !isExtRrpcReply(exchange);
    }

    /** A reply on /ext/rrpc/{id}/sys/{pk}/{dn}/thing/service/{identifier}: the id is in the topic. */
    public void extRrpcReply(Exchange exchange) {
        String[] t = topic(exchange);
        if (t.length != 10 || !"ext".equals(t[1]) || !"rrpc".equals(t[2]) || !"sys".equals(t[4])) {
            throw new IllegalArgumentException("not an /ext/rrpc/ service topic");
        }
        exchange.getMessage().setHeader(Exchanges.CORRELATION_KEY, key(t[5], t[6], t[3]));
    }

    /** A reply on /sys/{pk}/{dn}/thing/service/{identifier}_reply: the id is in the payload. */
    public void serviceReply(Exchange exchange) throws JsonProcessingException {
        String[] t = topic(exchange);
        if (t.length != 7 || !t[6].endsWith("_reply")) {
            throw new IllegalArgumentException("not a service reply topic");
        }
        JsonNode id = JSON.readTree(exchange.getMessage().getBody(String.class)).path("id");
        if (!id.isTextual() && !id.isIntegralNumber()) {
            throw new IllegalArgumentException("the reply has no id");
        }
        exchange.getMessage().setHeader(Exchanges.CORRELATION_KEY, key(t[2], t[3], id.asText()));
    }

    /**
     * The message forwarded for an async reply to /{pk}/{dn}/thing/downlink/reply/message, shaped like Alibaba's
     * data-forwarding message (reference §3.4), plus the API's MessageId.
     */
    public byte[] forwardedReply(Invocation invocation, String replyTopic, String reply) throws JsonProcessingException {
        Device device = invocation.device();
        JsonNode r = JSON.readTree(reply);
        ObjectNode out = JSON.createObjectNode()
                .put("gmtCreate", System.currentTimeMillis())
                .put("iotId", device.iotId())
                .put("productKey", device.productKey())
                .put("deviceName", device.deviceName())
                .put("requestId", invocation.messageId())
                .put("messageId", invocation.messageId())
                .put("code", r.path("code").asInt())
                .put("message", r.path("message").asText("success"))
                .put("topic", replyTopic)
                .put("identifier", invocation.service().identifier());
        out.set("data", r.path("data").isMissingNode() ? JSON.createObjectNode() : r.path("data"));
        return JSON.writeValueAsBytes(out);
    }

    public static String forwardTopic(Device device) {
        return "/" + device.productKey() + "/" + device.deviceName() + "/thing/downlink/reply/message";
    }

    static String key(String productKey, String deviceName, String id) {
        return productKey + "/" + deviceName + "/" + id;
    }

    /** The MessageId prefix of the instance whose call this correlation key names (-1: not an Alink id). */
    public static int instancePrefix(String key) {
        return MessageIds.prefixOf(key.substring(key.lastIndexOf('/') + 1));
    }

    private static String[] topic(Exchange exchange) {
        String topic = exchange.getMessage().getHeader(PahoMqtt5Constants.MQTT_TOPIC, String.class);
        if (topic == null) {
            throw new IllegalArgumentException("no MQTT topic");
        }
        return topic.split("/", -1);
    }
}
