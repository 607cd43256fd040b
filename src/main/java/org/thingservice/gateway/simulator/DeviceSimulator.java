package org.thingservice.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.thingservice.gateway.invoke.Exchanges;

/**
 * A fleet of pretend devices for the demo and the tests. A device answers every service call by echoing its params
 * as data with code 200; some can be told to answer late or never (settings gateway.simulator.delays / .silent).
 */
public final class DeviceSimulator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Long> delays;
    private final Set<String> silent;

    /** delays: "name:ms,name:ms"; silent: "name,name" */
    public DeviceSimulator(String delays, String silent) {
        this.delays = split(delays).stream().map(d -> d.split(":", 2))
                .collect(Collectors.toMap(d -> d[0].trim(), d -> Long.parseLong(d[1].trim())));
        this.silent = Set.copyOf(split(silent));
    }

    /** The reply to a request the device received, or null when this device stays silent. */
    public byte[] answer(Exchange exchange) throws IOException {
        String topic = exchange.getMessage().getHeader(PahoMqtt5Constants.MQTT_TOPIC, String.class);
        String[] t = topic.split("/");
        boolean ext = topic.startsWith("/ext/rrpc/");
        String deviceName = ext ? t[6] : t[3];
        if (silent.contains(deviceName)) {
            return null;
        }
        JsonNode request = JSON.readTree(exchange.getMessage().getBody(byte[].class));
        ObjectNode reply = JSON.createObjectNode()
                .put("id", request.path("id").asText())
                .put("code", 200);
        reply.set("data", request.path("params").isObject() ? request.path("params") : JSON.createObjectNode());
        reply.put("message", "success").put("version", "1.0");
        // the /ext/rrpc/ form replies on the request's own topic
        String replyTopic = ext ? topic : "rrpc".equals(t[4]) ? topic.replace("/rrpc/request/", "/rrpc/response/") : topic + "_reply";
        exchange.getMessage().setHeader(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC, replyTopic);
        exchange.getMessage().setHeader(Exchanges.SIM_DELAY, delays.getOrDefault(deviceName, 0L));
        exchange.getMessage().removeHeader(PahoMqtt5Constants.CAMEL_PAHO_MSG_PROPERTIES);
        return JSON.writeValueAsBytes(reply);
    }

    private static java.util.List<String> split(String list) {
        return list == null || list.isBlank() ? java.util.List.of()
                : Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
