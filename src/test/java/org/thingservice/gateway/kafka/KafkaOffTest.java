package org.thingservice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.GatewayTestSupport;

/** Without camel.component.kafka.brokers the gateway has no Kafka route, and one INFO line is all it says of Kafka. */
class KafkaOffTest extends GatewayTestSupport {

    // attached before the gateway starts: the test instance is created before the Camel context
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    static {
        LOG.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(LOG);
    }

    @AfterAll
    void detach() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(LOG);
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
