package org.thingservice.gateway.bench;

import static org.thingservice.gateway.support.GatewayTestSupport.JSON;
import static org.thingservice.gateway.support.GatewayTestSupport.PK;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.thingservice.gateway.mqtt.NoDelaySocketFactory;

/** What InvokeBenchmark's callers and its fast device share: the MQTT connection, the HTTP call and its check. */
final class BenchCalls {

    private BenchCalls() {
    }

    // ---------------------------------------------------------------------------------------------------------
    // MQTT: the fast device and the raw callers

    static MqttConnectionOptions options() {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setSocketFactory(new NoDelaySocketFactory());
        options.setAutomaticReconnect(false);
        return options;
    }

    /** Connects and returns the broker's Receive Maximum: how many QoS 1 publishes may await their PUBACK. */
    static int connect(MqttAsyncClient client) throws MqttException {
        IMqttToken token = client.connect(options());
        token.waitForCompletion(10_000);
        MqttProperties connack = token.getResponseProperties();
        Integer max = connack == null ? null : connack.getReceiveMaximum();
        return max == null ? 65_535 : max;
    }

    // ---------------------------------------------------------------------------------------------------------
    // HTTP: sync calls to the gateway

    static String query(int param) {
        return "/?Action=InvokeThingService&ProductKey=" + PK + "&DeviceName=lamp-1&Identifier=Blink&Args=%7B%22param1%22%3A" + param + "%7D";
    }

    /** A sync call's answer: Success, the device's reply as Result, its id the MessageId, params echoed. */
    static void check(int status, String body, int param) throws IOException {
        JsonNode answer = JSON.readTree(body);
        if (status != 200 || !answer.path("Success").asBoolean()) {
            throw new IllegalStateException("HTTP " + status + ": " + body);
        }
        JsonNode data = answer.path("Data");
        JsonNode reply = JSON.readTree(data.path("Result").asText());
        if (!reply.path("id").asText().equals(data.path("MessageId").asText()) || reply.path("code").asInt() != 200
                || reply.path("data").path("param1").asInt(-1) != param) {
            throw new IllegalStateException("wrong answer for param1=" + param + ": " + body);
        }
    }
}
