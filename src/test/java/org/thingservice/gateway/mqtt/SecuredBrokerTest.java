package org.thingservice.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.mqtt.BrokerSockets;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.Mosquitto;
import org.thingservice.gateway.support.MosquittoGatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;

/**
 * A production-like broker: mosquitto taking only TLS connections from clients with a user name and password. The
 * gateway connects with gateway.mqtt.username / password and trusts the broker's CA through gateway.mqtt.trust-store.
 */
@ExtendWith(ExternalBinaries.RequireSecuredMosquitto.class)
class SecuredBrokerTest extends MosquittoGatewayTestSupport {

    private static final String USER = "tsg-gateway";
    private static final String PASSWORD = "broker-pa55word";
    private ListAppender<ILoggingEvent> log;

    @Override
    protected Mosquitto launchMosquitto() {
        Mosquitto secured = Mosquitto.launchSecured(USER, PASSWORD);
        // the gateway starts after this: its whole log, start-up included, is checked for the password
        log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
        return secured;
    }

    @Override
    protected Map<String, String> brokerSettings() {
        return Map.of("gateway.mqtt.username", USER, "gateway.mqtt.password", PASSWORD,
                "gateway.mqtt.trust-store", mosquitto().caCertificate().toString(),
                "gateway.simulator.enabled", "true", "gateway.auth.enabled", "false");
    }

    @AfterAll // before the superclass stops the gateway and the broker
    void thePasswordNeverReachedTheLog() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        assertThat(log.list).as("the gateway's log").anyMatch(e -> e.getFormattedMessage().contains("as user " + USER))
                .noneMatch(e -> e.getFormattedMessage().contains(PASSWORD));
    }

    @Test
    void aSyncCallCrossesTheBrokerOverTlsWithUserAndPassword() throws Exception {
        try (MqttSpy spy = new MqttSpy(brokerUrl(), options(USER, PASSWORD, mosquitto().caCertificate().toString()),
                "/sys/" + PK + "/lamp-1/rrpc/#")) {
            JsonNode body = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":5}")));

            assertThat(body.path("Success").asBoolean()).as("%s%nmosquitto log:%n%s", body, mosquitto().logText()).isTrue();
            assertThat(JSON.readTree(body.path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(5);
            String messageId = body.path("Data").path("MessageId").asText();
            assertThat(spy.await("/sys/" + PK + "/lamp-1/rrpc/request/" + messageId, Duration.ofSeconds(5))).isNotNull();
        }
        assertThat(mosquitto().logText()).as("the gateway's clients logged in").contains("u'" + USER + "'");
    }

    @Test
    void theBrokerRefusesAClientWithAWrongPassword() {
        assertThatThrownBy(() -> new MqttSpy(brokerUrl(), options(USER, "wrong", mosquitto().caCertificate().toString()), "#"))
                .isInstanceOf(MqttException.class);
    }

    @Test
    void theBrokerRefusesAClientThatDoesNotTrustItsCa() {
        // the JVM's default trust store knows nothing of the throwaway CA
        assertThatThrownBy(() -> new MqttSpy(brokerUrl(), options(USER, PASSWORD, null), "#"))
                .isInstanceOf(MqttException.class);
    }

    private MqttConnectionOptions options(String user, String password, String trustStore) throws Exception {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(user);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        options.setSocketFactory(BrokerSockets.forUrl(brokerUrl(), trustStore, null));
        options.setConnectionTimeout(5);
        return options;
    }
}
