package org.thingservice.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.MosquittoGatewayTestSupport;

/** /observe/health follows the MQTT broker: UP, DOWN while a real mosquitto is stopped, UP again once it is back. */
@ExtendWith(ExternalBinaries.RequireMosquitto.class)
class MqttHealthTest extends MosquittoGatewayTestSupport {

    @Override
    protected Map<String, String> brokerSettings() {
        return Map.of("gateway.simulator.enabled", "true",
                "gateway.auth.enabled", "false"); // an external broker turns caller authentication on by default
    }

    @Test
    void healthIsDownWhileTheBrokerIsDownAndUpWhenItIsBack() throws Exception {
        JsonNode up = awaitHealth("UP", Duration.ofSeconds(20));
        assertThat(up.path("status").asText()).as(up.toString()).isEqualTo("UP");
        assertThat(up.toString()).contains("mqtt", "database");

        mosquitto().stop();
        long stopped = System.nanoTime();
        JsonNode down = awaitHealth("DOWN", Duration.ofSeconds(20));
        System.out.printf("Broker down: health DOWN after %d ms%n", (System.nanoTime() - stopped) / 1_000_000);
        assertThat(down.path("status").asText()).as(down.toString()).isEqualTo("DOWN");
        assertThat(down.toString()).contains("MQTT clients not connected", "rrpc-replies", "request-publisher");
        assertThat(observe("/observe/health").statusCode()).isEqualTo(503);
        // readiness follows the broker, liveness does not: a restart would not bring the broker back
        assertThat(observe("/observe/health/ready").statusCode()).isEqualTo(503);
        assertThat(observe("/observe/health/live").statusCode()).as(observe("/observe/health/live").body()).isEqualTo(200);

        mosquitto().start();
        long started = System.nanoTime();
        JsonNode back = awaitHealth("UP", Duration.ofSeconds(30));
        System.out.printf("Broker back: health UP after %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(back.path("status").asText()).as(back.toString()).isEqualTo("UP");
    }
}
