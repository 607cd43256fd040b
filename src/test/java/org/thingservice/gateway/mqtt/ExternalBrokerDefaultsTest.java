package org.thingservice.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.mqtt.EmbeddedBroker;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.MosquittoGatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;

/**
 * With an external broker and nothing else said, the gateway starts neither its own broker nor simulated devices,
 * and requires signed calls (it is no longer the embedded demo). Only the keys file is given.
 */
@ExtendWith(ExternalBinaries.RequireMosquitto.class)
class ExternalBrokerDefaultsTest extends MosquittoGatewayTestSupport {

    private static final AccessKey KEY = new AccessKey("tsg-defaults-caller", "defaults-test-secret");
    // no initialiser: settings() needs the keys file while the superclass is still being constructed
    private java.nio.file.Path keysFile;

    @Override
    protected Map<String, String> brokerSettings() {
        if (keysFile == null) {
            keysFile = writeKeysFile(KEY);
        }
        // gateway.simulator.enabled and gateway.auth.enabled deliberately unset
        return Map.of("gateway.auth.keys", keysFile.toString());
    }

    @Override
    protected AccessKey accessKey() {
        return KEY;
    }

    @Test
    void simulatedDevicesAreOffByDefault() {
        assertThat(context.getRouteController().getRouteStatus("simulator-rrpc")).isNotEqualTo(ServiceStatus.Started);
        assertThat(context.getRouteController().getRouteStatus("simulator-services")).isNotEqualTo(ServiceStatus.Started);
        // the gateway's own routes did start: the simulator is off by choice, not because nothing started
        assertThat(context.getRouteController().getRouteStatus("rrpc-replies")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void syncCallTimesOutBecauseNobodyAnswers() throws Exception {
        try (MqttSpy spy = new MqttSpy(brokerUrl(), "/sys/" + PK + "/lamp-1/rrpc/#")) {
            JsonNode body = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink",
                    "Args", "{\"param1\":1}", "Timeout", "500")));

            assertThat(body.path("Success").asBoolean()).isFalse();
            assertThat(body.path("Code").asText()).as(body.toString()).isEqualTo(ErrorCodes.TIMEOUT);
            // the request did go out through mosquitto: the silence is the missing devices', not a failed publish
            assertThat(spy.await("/sys/" + PK + "/lamp-1/rrpc/request/", Duration.ofSeconds(5))).isNotNull();
            assertThat(spy.received()).noneMatch(m -> m.topic().contains("/rrpc/response/"));
        }
    }

    @Test
    void callersMustSignByDefault() throws Exception {
        java.net.http.HttpResponse<String> unsigned = getAsIs(encode(invoke("ProductKey", PK, "DeviceName", "lamp-1",
                "Identifier", "Blink", "Args", "{\"param1\":1}", "Timeout", "500")));

        assertThat(unsigned.statusCode()).isEqualTo(400);
        assertThat(json(unsigned).path("Code").asText()).isEqualTo("MissingParameter");
        assertThat(json(unsigned).path("Message").asText()).contains("Signature");
    }

    @Test
    void noEmbeddedBrokerIsStarted() {
        assertThat(listens(embeddedMqttPort())).as("embedded broker port %d", embeddedMqttPort()).isFalse();
        assertThat(context.hasService(EmbeddedBroker.class)).isNull();
        assertThat(context.getComponent("paho-mqtt5", PahoMqtt5Component.class).getConfiguration().getBrokerUrl())
                .isEqualTo(mosquitto().url());
    }

    private static boolean listens(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
