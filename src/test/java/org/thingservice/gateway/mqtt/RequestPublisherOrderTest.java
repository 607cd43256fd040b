package org.thingservice.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.Mosquitto;

/**
 * Requests to one topic published from many threads at once, right after the publisher connected, as a restarted
 * gateway does with the redelivered work: mosquitto gives no protocol error (Paho's topic alias of the first publish
 * must reach it before the publishes that use the alias alone). Without the order, about one connection in thirty
 * was disconnected with reason 130 here; ROUNDS connections make a miss unlikely to go unseen.
 */
@ExtendWith(ExternalBinaries.RequireMosquitto.class)
class RequestPublisherOrderTest {

    private static final int ROUNDS = 150;
    private static final int THREADS = 16;
    private static Mosquitto mosquitto;
    private final DefaultCamelContext context = new DefaultCamelContext();

    @BeforeAll
    static void broker() {
        mosquitto = Mosquitto.launch();
    }

    @AfterAll
    static void stopBroker() {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @Test
    void concurrentFirstPublishesToOneTopicAreAllAcknowledged() throws Exception {
        PahoMqtt5Configuration mqtt = new PahoMqtt5Configuration();
        mqtt.setBrokerUrl(mosquitto.url());
        mqtt.setQos(1);
        ExecutorService callers = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                RequestPublisher publisher = new RequestPublisher(mqtt, null, 5000, 5000);
                publisher.setCamelContext(context);
                publisher.start();
                try {
                    CountDownLatch go = new CountDownLatch(1);
                    List<CompletableFuture<Throwable>> outcomes = new ArrayList<>();
                    for (int i = 0; i < THREADS; i++) {
                        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
                        outcomes.add(outcome);
                        callers.submit(() -> {
                            go.await();
                            Exchange exchange = new DefaultExchange(context);
                            exchange.getMessage().setBody("{}".getBytes(StandardCharsets.UTF_8));
                            exchange.getMessage().setHeader(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC, "/sys/pk/dn/thing/service/SetColor");
                            publisher.process(exchange, doneSync -> outcome.complete(exchange.getException()));
                            return null;
                        });
                    }
                    go.countDown();
                    for (CompletableFuture<Throwable> outcome : outcomes) {
                        assertThat(outcome.get(10, TimeUnit.SECONDS)).as("round %d: a request failed", round).isNull();
                    }
                } finally {
                    publisher.stop();
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
