package org.thingservice.gateway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.alink.MessageIds;
import org.thingservice.gateway.correlate.ReplyCorrelator;
import org.thingservice.gateway.correlate.ReplyWaiter;
import org.thingservice.gateway.invoke.HttpRequestReader;
import org.thingservice.gateway.invoke.NonBlockingHttpEngine;
import org.thingservice.gateway.invoke.RequestValidator;
import org.thingservice.gateway.invoke.ResponseFormat;
import org.thingservice.gateway.invoke.Responses;
import org.thingservice.gateway.files.BatchFiles;
import java.nio.file.Path;
import org.thingservice.gateway.invoke.ThingModelValidator;
import org.thingservice.gateway.model.ArgsValidator;
import org.thingservice.gateway.mqtt.EmbeddedBroker;
import org.thingservice.gateway.mqtt.PublishGate;
import org.thingservice.gateway.observe.DatabaseHealthCheck;
import org.thingservice.gateway.observe.GatewayMetrics;
import org.thingservice.gateway.observe.MqttHealthCheck;
import org.thingservice.gateway.registry.DeviceRegistry;
import org.thingservice.gateway.registry.ProcessedRequests;
import org.thingservice.gateway.kafka.KafkaOffsets;
import org.thingservice.gateway.kafka.KafkaRequestReader;
import org.thingservice.gateway.registry.RegistrySeed;
import org.thingservice.gateway.simulator.DeviceSimulator;

/**
 * Wires the gateway from its settings: the MQTT broker (embedded unless gateway.mqtt.url is set), the registry
 * database, and the beans the routes call by name.
 */
public class GatewayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        Registry registry = context.getRegistry();

        String brokerUrl = optional(properties, "gateway.mqtt.url");
        boolean embedded = brokerUrl == null;
        if (embedded) {
            EmbeddedBroker broker = new EmbeddedBroker(Integer.parseInt(required(properties, "gateway.mqtt.embedded.port")));
            broker.start(); // before the MQTT endpoints connect
            context.addService(broker);
            brokerUrl = broker.url();
        }
        context.getComponent("paho-mqtt5", PahoMqtt5Component.class).getConfiguration().setBrokerUrl(brokerUrl);
        if (optional(properties, "gateway.simulator.enabled") == null) {
            properties.addOverrideProperty("gateway.simulator.enabled", Boolean.toString(embedded));
        }
        LOG.info("MQTT broker {}{}; simulated devices {}", brokerUrl, embedded ? " (embedded)" : "",
                Boolean.parseBoolean(required(properties, "gateway.simulator.enabled")) ? "on" : "off");

        boolean kafka = optional(properties, "camel.component.kafka.brokers") != null;
        properties.addOverrideProperty("gateway.kafka.enabled", Boolean.toString(kafka));
        if (kafka) {
            LOG.info("Kafka on: requests from topic {}", required(properties, "gateway.kafka.requests"));
        } else {
            LOG.info("Kafka off: camel.component.kafka.brokers is not set");
        }

        for (String folder : new String[] {"inbox", "outbox", "done", "error"}) {
            // absolute, because the file consumer's move and moveFailed are otherwise relative to the inbox
            properties.addOverrideProperty("gateway.files." + folder,
                    Path.of(required(properties, "gateway.files." + folder)).toAbsolutePath().normalize().toString());
        }

        HikariDataSource database = database(context, properties);
        DeviceRegistry devices = new DeviceRegistry(database);
        RegistrySeed.load(context, required(properties, "gateway.registry.seed"), devices);

        MessageIds messageIds = new MessageIds();
        AlinkCodec codec = new AlinkCodec(messageIds, Long.parseLong(required(properties, "gateway.invoke.async-reply-window")));
        registry.bind("deviceRegistry", devices);
        registry.bind("alinkCodec", codec);
        registry.bind("httpRequestReader", new HttpRequestReader());
        registry.bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, new NonBlockingHttpEngine());
        registry.bind("requestValidator", new RequestValidator(
                Long.parseLong(required(properties, "gateway.invoke.timeout")),
                Long.parseLong(required(properties, "gateway.invoke.max-timeout")),
                Integer.parseInt(required(properties, "gateway.invoke.max-args-size"))));
        registry.bind("thingModelValidator", new ThingModelValidator(
                new ArgsValidator(Boolean.parseBoolean(required(properties, "gateway.invoke.allow-unknown-args")))));
        registry.bind("publishGate", new PublishGate(Integer.parseInt(required(properties, "gateway.mqtt.max-inflight")),
                Long.parseLong(required(properties, "gateway.invoke.timeout"))));
        ReplyCorrelator correlator = new ReplyCorrelator(codec);
        registry.bind("replyCorrelator", correlator);
        registry.bind("replyWaiter", new ReplyWaiter());
        GatewayMetrics metrics = new GatewayMetrics(meterRegistry(registry), correlator, context.getInflightRepository());
        registry.bind("gatewayMetrics", metrics);
        registry.bind("responses", new Responses(metrics));
        // /observe/health is DOWN when a call could not succeed, not only when Camel itself is down
        registry.bind("mqttHealthCheck", new MqttHealthCheck());
        registry.bind("databaseHealthCheck", new DatabaseHealthCheck(database));
        registry.bind("processedRequests", new ProcessedRequests(database));
        registry.bind("kafkaRequestReader", new KafkaRequestReader());
        registry.bind("kafkaOffsets", new KafkaOffsets());
        registry.bind("batchFiles", new BatchFiles(ResponseFormat.parse(required(properties, "gateway.files.format")),
                Boolean.parseBoolean(required(properties, "gateway.files.allow-repeat")),
                Integer.parseInt(required(properties, "gateway.files.max-in-flight")),
                Long.parseLong(required(properties, "gateway.files.progress-interval"))));
        registry.bind("deviceSimulator", new DeviceSimulator(
                optional(properties, "gateway.simulator.delays"), optional(properties, "gateway.simulator.silent")));
    }

    /**
     * The meter registry /observe/metrics serves: camel-micrometer-prometheus (camel.metrics.enabled) has bound it as
     * metricsRegistry before the gateway is configured. With metrics off, the gateway's meters go to a registry of
     * their own that nothing serves.
     */
    private static MeterRegistry meterRegistry(Registry registry) {
        MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind("metricsRegistry", meters);
        }
        return meters;
    }

    /** The registry database, its schema brought up to date by Flyway before anything reads it. */
    private static HikariDataSource database(CamelContext context, PropertiesComponent properties) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(required(properties, "gateway.registry.url"));
        config.setUsername(optional(properties, "gateway.registry.user"));
        config.setPassword(optional(properties, "gateway.registry.password"));
        config.setPoolName("registry");
        // a database that is down fails calls (and the health check) after this, not after Hikari's 30 s
        config.setConnectionTimeout(Long.parseLong(required(properties, "gateway.registry.connection-timeout")));
        HikariDataSource dataSource = new HikariDataSource(config);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                dataSource.close();
            }
        });
        Flyway.configure().dataSource(dataSource).load().migrate();
        return dataSource;
    }

    private static String optional(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
    }

    private static String required(PropertiesComponent properties, String key) {
        String value = optional(properties, key);
        if (value == null) {
            throw new IllegalArgumentException("Setting " + key + " is required");
        }
        return value;
    }
}
