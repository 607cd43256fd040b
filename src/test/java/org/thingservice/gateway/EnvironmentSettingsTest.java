package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which setting each environment variable names, without Camel: the mapping GatewayMain applies before it starts. */
class EnvironmentSettingsTest {

    private static final List<String> DECLARED = List.of("camel.server.port", "camel.server.host", "camel.management.port",
            "gateway.mqtt.url", "gateway.mqtt.max-inflight", "gateway.mqtt.embedded.port", "camel.component.paho-mqtt5.qos");
    private static final Map<String, List<String>> CATALOG = Map.of(
            "component", List.of("kafka", "paho", "paho-mqtt5", "platform-http"),
            "dataformat", List.of("jackson"),
            "language", List.of("simple"));

    private static Map<String, String> settings(Map<String, String> environment) {
        return EnvironmentSettings.fromVariables(environment, DECLARED, CATALOG);
    }

    @Test
    void aVariableEndingInPortNamesItsSetting() {
        // Camel skips these, taking them for Kubernetes service links
        assertThat(settings(Map.of("CAMEL_SERVER_PORT", "9090", "GATEWAY_MQTT_EMBEDDED_PORT", "11883")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("camel.server.port", "9090", "gateway.mqtt.embedded.port", "11883"));
    }

    @Test
    void dashesAndDotsAreUnderscores() {
        assertThat(settings(Map.of("GATEWAY_MQTT_MAX_INFLIGHT", "5", "CAMEL_COMPONENT_PAHO_MQTT5_QOS", "2")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("gateway.mqtt.max-inflight", "5", "camel.component.paho-mqtt5.qos", "2"));
    }

    @Test
    void aComponentOptionNeedNotBeDeclared() {
        assertThat(settings(Map.of("CAMEL_COMPONENT_KAFKA_BROKERS", "kafka:9092",
                "CAMEL_COMPONENT_KAFKA_MAX_POLL_RECORDS", "50",
                "CAMEL_COMPONENT_PAHO_MQTT5_MAX_RECONNECT_DELAY", "1000",
                "CAMEL_COMPONENT_PAHO_CLIENT_ID", "x",
                "CAMEL_DATAFORMAT_JACKSON_PRETTY_PRINT", "true",
                "CAMEL_LANGUAGE_SIMPLE_TRIM", "false")))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "camel.component.kafka.brokers", "kafka:9092",
                        "camel.component.kafka.max-poll-records", "50",
                        // the longest name that fits: paho-mqtt5, not paho
                        "camel.component.paho-mqtt5.max-reconnect-delay", "1000",
                        "camel.component.paho.client-id", "x",
                        "camel.dataformat.jackson.pretty-print", "true",
                        "camel.language.simple.trim", "false"));
    }

    @Test
    void otherVariablesNameNothing() {
        assertThat(settings(Map.of("PATH", "/usr/bin", "HOME", "/root", "KAFKA_SERVICE_PORT", "9092",
                "GATEWAY_NO_SUCH_SETTING", "1", "CAMEL_COMPONENT_NOSUCH_OPTION", "1", "CAMEL_COMPONENT_KAFKA", "x",
                "CAMEL_COMPONENT_KAFKA_", "x", "gateway.mqtt.url", "lower case is not a variable of a setting")))
                .isEmpty();
    }

    @Test
    void theVariableOfASetting() {
        assertThat(EnvironmentSettings.variable("camel.component.paho-mqtt5.max-reconnect-delay"))
                .isEqualTo("CAMEL_COMPONENT_PAHO_MQTT5_MAX_RECONNECT_DELAY");
        assertThat(EnvironmentSettings.variable("gateway.mqtt.url")).isEqualTo("GATEWAY_MQTT_URL");
    }
}
