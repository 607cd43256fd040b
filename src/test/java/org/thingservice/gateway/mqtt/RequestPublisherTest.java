package org.thingservice.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.MqttSpy;

/** Requests published against the embedded broker: acknowledged, or refused at once while the broker is away. */
class RequestPublisherTest {

    private final EmbeddedBroker broker = new EmbeddedBroker(FreePorts.next());
    private final DefaultCamelContext context = new DefaultCamelContext();
    private RequestPublisher publisher;

    @BeforeEach
    void start() {
        broker.start();
        PahoMqtt5Configuration mqtt = new PahoMqtt5Configuration();
        mqtt.setBrokerUrl(broker.url());
        mqtt.setQos(1);
        publisher = new RequestPublisher(mqtt, 2, 1000, 5000);
        publisher.setCamelContext(context); // its timeouts run on a thread of the context's ExecutorServiceManager
        publisher.start();
    }

    @AfterEach
    void stop() {
        publisher.stop();
        broker.stop();
    }

    /** The exchange's outcome once the publisher hands it on: null when published, else the failure. */
    private CompletableFuture<Throwable> publish(String topic, String payload) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(payload.getBytes(StandardCharsets.UTF_8));
        exchange.getMessage().setHeader(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC, topic);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        publisher.process(exchange, doneSync -> outcome.complete(exchange.getException()));
        return outcome;
    }

    @Test
    void aRequestGoesOnOnceTheBrokerAcknowledgesIt() throws Exception {
        try (MqttSpy spy = new MqttSpy(broker.url(), "/sys/#")) {
            for (int i = 0; i < 5; i++) { // more than the gate lets through at once: each acknowledgement frees a place
                assertThat(publish("/sys/pk/dn/rrpc/request/" + i, "{\"id\":\"" + i + "\"}").get(5, TimeUnit.SECONDS)).isNull();
            }
            MqttSpy.Message received = spy.await("/sys/pk/dn/rrpc/request/4", Duration.ofSeconds(5));
            assertThat(received.payload()).isEqualTo("{\"id\":\"4\"}");
        }
    }

    @Test
    void whileTheBrokerIsAwayARequestFailsAtOnceAndFreesItsPlace() throws Exception {
        broker.stop();
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            Throwable failure = publish("/sys/pk/dn/rrpc/request/" + i, "{}").get(5, TimeUnit.SECONDS);
            assertThat(failure).isInstanceOf(MqttException.class);
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
        }
    }
}
