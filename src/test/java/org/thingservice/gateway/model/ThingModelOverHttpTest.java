package org.thingservice.gateway.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;

/**
 * The thing model on the whole path, HTTP to MQTT, over real TSL files in Alibaba's format (src/test/resources/tsl,
 * the gateway's seed here): Args checks for a few types, custom TSL modules, and a verification-free product.
 */
class ThingModelOverHttpTest extends GatewayTestSupport {

    private static final String GREENHOUSE = "a1GreenHse01";
    private static final String CONFIGURE_TOPIC = "/sys/" + GREENHOUSE + "/gh-1/thing/service/Configure";
    private static final String CONFIGURE_ARGS = """
            {"FanSpeed": 50, "WorkMode": 1, "Heater": 0, "TargetTemp": 21.5, "Humidity": 45.25,
             "Label": "greenhouse-1", "StartAt": "1700000000000",
             "Schedule": {"Enabled": 1, "Interval": 60, "Window": {"From": "1700000000000", "To": "1700003600000"}},
             "Thresholds": [{"Level": 10, "Action": 0, "Note": "low"}, {"Level": 90, "Action": 1, "Note": "high"}],
             "Weights": [1, 2, 3], "Tags": ["north"], "Offsets": [0.5], "Gains": [1.0]}""";

    @Override
    protected Map<String, String> settings() {
        return Map.of("gateway.registry.seed", "classpath:tsl");
    }

    @Override
    protected String[] spiedTopics() {
        return new String[] {"#"};
    }

    /** Each row replaces one member of a valid Configure call (a JSON pointer) and gives what the answer must say. */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /TargetTemp            | 21.0                   |
            /TargetTemp            | 21                     | Args.TargetTemp: expected a float in [-40.0, 120.0] in steps of 0.5 written with a decimal point (e.g. 10.0), got 21 (TSL 6307)
            /Label                 | "温室温室温室温室温室温室温室温室"   |
            /Label                 | "温室温室温室温室温室温室温室温室温" | Args.Label: expected text of at most 16 characters, got "温室温室温室温室温室温室温室温室温" (17 characters) (TSL 6310)
            /Schedule/Interval     | 3600                   |
            /Schedule/Interval     | 0                      | Args.Schedule.Interval: expected an int in [1, 3600] in steps of 1, got 0 (TSL 6306)
            /Thresholds/1/Action   | 2                      | Args.Thresholds[1].Action: expected one of 0 (alarm), 1 (shutdown), got 2 (TSL 6309)
            /Thresholds/1/Note     | "😀😀😀😀😀"            | Args.Thresholds[1].Note: expected text of at most 4 characters, got "😀😀😀😀😀" (5 characters) (TSL 6310)
            """)
    void argsAreCheckedAgainstTheTslOnTheWayToTheDevice(String pointer, String value, String error) throws Exception {
        ObjectNode args = (ObjectNode) JSON.readTree(CONFIGURE_ARGS);
        int slash = pointer.lastIndexOf('/');
        ((ObjectNode) args.at(pointer.substring(0, slash))).set(pointer.substring(slash + 1), JSON.readTree(value));

        JsonNode body = json(get(invoke("ProductKey", GREENHOUSE, "DeviceName", "gh-1", "Identifier", "Configure", "Args", args.toString())));

        if (error == null) {
            assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
            MqttSpy.Message request = spy().await(CONFIGURE_TOPIC, Duration.ofSeconds(5));
            assertThat(request).isNotNull();
            assertThat(JSON.readTree(request.payload()).path("params")).isEqualTo(args);
        } else {
            assertThat(body.path("Success").asBoolean()).isFalse();
            assertThat(body.path("Code").asText()).isEqualTo("iot.common.InvalidFormattedParameter");
            assertThat(body.path("ErrorMessage").asText()).startsWith(error);
            Thread.sleep(50);
            assertThat(spy().received()).as("nothing may reach the device").noneMatch(m -> m.topic().equals(CONFIGURE_TOPIC));
        }
    }

    @Test
    void aSyncServiceOfACustomModuleGoesOverRrpcAsModuleColonService() throws Exception {
        JsonNode body = json(get(invoke("ProductKey", GREENHOUSE, "DeviceName", "gh-1", "Identifier", "irrigation:Water", "Args", "{\"Litres\":2.5}")));

        assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
        String messageId = body.path("Data").path("MessageId").asText();
        assertThat(JSON.readTree(body.path("Data").path("Result").asText()).path("data").path("Litres").asDouble()).isEqualTo(2.5);
        MqttSpy.Message request = spy().await("/sys/" + GREENHOUSE + "/gh-1/rrpc/request/" + messageId, Duration.ofSeconds(5));
        assertThat(request).isNotNull();
        assertThat(JSON.readTree(request.payload()).path("method").asText()).isEqualTo("thing.service.irrigation:Water");
    }

    @Test
    void anAsyncServiceOfACustomModuleIsPublishedOnItsQualifiedTopic() throws Exception {
        JsonNode body = json(get(invoke("IotId", "GreenHseIotId0000001", "Identifier", "irrigation:Drain", "Args", "{}")));

        assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
        assertThat(body.path("Data").has("Result")).isFalse();
        MqttSpy.Message request = spy().awaitExactly("/sys/" + GREENHOUSE + "/gh-1/thing/service/irrigation:Drain", Duration.ofSeconds(5));
        assertThat(request).isNotNull();
        assertThat(JSON.readTree(request.payload()).path("method").asText()).isEqualTo("thing.service.irrigation:Drain");
        MqttSpy.Message forwarded = spy().await("/" + GREENHOUSE + "/gh-1/thing/downlink/reply/message", Duration.ofSeconds(5));
        assertThat(forwarded).isNotNull();
        assertThat(JSON.readTree(forwarded.payload()).path("identifier").asText()).isEqualTo("irrigation:Drain");
    }

    @Test
    void aModuleServiceIsCheckedAgainstTheModulesTsl() throws Exception {
        JsonNode body = json(get(invoke("ProductKey", GREENHOUSE, "DeviceName", "gh-1", "Identifier", "irrigation:Water", "Args", "{\"Litres\":80.0}")));

        assertThat(body.path("Code").asText()).isEqualTo("iot.common.InvalidFormattedParameter");
        assertThat(body.path("ErrorMessage").asText()).startsWith("Args.Litres: expected a float in [0.5, 50.0]");
    }

    @Test
    void aModuleIdentifierResolvesOnlyInThatModule() throws Exception {
        for (String identifier : new String[] {"irrigation:Configure", "lighting:Water", "Water"}) {
            JsonNode body = json(get(invoke("ProductKey", GREENHOUSE, "DeviceName", "gh-1", "Identifier", identifier, "Args", "{}")));

            assertThat(body.path("Code").asText()).as(identifier).isEqualTo("iot.device.InvokeThingServiceFailed");
            assertThat(body.path("ErrorMessage").asText()).contains("\"" + identifier + "\"");
        }
    }

    @Test
    void aVerificationFreeProductSkipsTheChecksAndCallsEveryServiceAsync() throws Exception {
        // Reset is sync in the TSL and takes Level in [0, 1]
        JsonNode body = json(get(invoke("ProductKey", "a1FreeSens01", "DeviceName", "free-1", "Identifier", "Reset",
                "Args", "{\"Level\":7,\"Extra\":\"x\"}")));

        assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
        assertThat(body.path("Data").has("Result")).as("async: no Result").isFalse();
        MqttSpy.Message request = spy().awaitExactly("/sys/a1FreeSens01/free-1/thing/service/Reset", Duration.ofSeconds(5));
        assertThat(request).isNotNull();
        assertThat(JSON.readTree(request.payload()).path("params").path("Level").asInt()).isEqualTo(7);
        assertThat(spy().received()).noneMatch(m -> m.topic().contains("/rrpc/"));
    }
}
