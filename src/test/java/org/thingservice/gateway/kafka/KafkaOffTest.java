package org.thingservice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.mqtt.EmbeddedBroker;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.GatewayTestSupport;

/** Without camel.component.kafka.brokers the gateway has no Kafka route, and one INFO line is all it says of Kafka. */
class KafkaOffTest extends GatewayTestSupport {

    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static final EmbeddedBroker BROKER = new EmbeddedBroker(FreePorts.next());

    // HiveMQ resets logback when it starts: so the broker first, then the appender, then the gateway
    static {
        try {
            BROKER.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        LOG.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(LOG);
    }

    @Override
    protected Map<String, String> settings() {
        return Map.of("gateway.mqtt.url", BROKER.url(), "gateway.auth.enabled", "false");
    }

    @AfterAll
    void detach() throws Exception {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(LOG);
        BROKER.stop();
    }

    @Test
    void withoutBrokersThereIsNoKafkaRouteAndOneInfoLine() {
        assertThat(context.getRoutes()).extracting(r -> r.getRouteId()).isNotEmpty().noneMatch(id -> id.startsWith("kafka"));
        List<ILoggingEvent> aboutKafka = LOG.list.stream()
                .filter(e -> !e.getLoggerName().startsWith("org.apache.camel.test")) // the test harness names this class
                .filter(e -> e.getFormattedMessage().toLowerCase(Locale.ROOT).contains("kafka")).toList();
        assertThat(aboutKafka).hasSize(1);
        assertThat(aboutKafka.get(0).getLevel()).isEqualTo(Level.INFO);
        assertThat(aboutKafka.get(0).getFormattedMessage()).contains("Kafka off");
    }
}
