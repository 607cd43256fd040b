package org.thingservice.gateway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.SynchronousExecutorService;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.alink.MessageIds;
import org.thingservice.gateway.correlate.ReplyCorrelator;
import org.thingservice.gateway.correlate.ReplyWaiter;
import org.thingservice.gateway.invoke.HttpRequestReader;
import org.thingservice.gateway.invoke.RequestValidator;
import org.thingservice.gateway.invoke.Responses;
import org.thingservice.gateway.mqtt.EmbeddedBroker;
import org.thingservice.gateway.registry.DeviceRegistry;
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

        // platform-http runs each request's route on a Vert.x worker thread and keeps that thread until the answer
        // is written, device wait included: the pool size is how many HTTP calls can be in flight (Vert.x: 20).
        // A worker may then rightly be busy for the longest Timeout a caller may ask for, which Vert.x would log as
        // a blocked thread after its default of 60 s.
        registry.bind("vertxOptions", new VertxOptions()
                .setWorkerPoolSize(Integer.parseInt(required(properties, "gateway.http.worker-threads")))
                .setMaxWorkerExecuteTime(Long.parseLong(required(properties, "gateway.invoke.max-timeout")) + 10_000)
                .setMaxWorkerExecuteTimeUnit(TimeUnit.MILLISECONDS));
        DeviceRegistry devices = new DeviceRegistry(database(context, properties),
                Long.parseLong(required(properties, "gateway.registry.cache-ttl")));
        RegistrySeed.load(context, required(properties, "gateway.registry.seed"), devices);

        MessageIds messageIds = new MessageIds();
        AlinkCodec codec = new AlinkCodec(messageIds, Long.parseLong(required(properties, "gateway.invoke.async-reply-window")));
        registry.bind("deviceRegistry", devices);
        registry.bind("alinkCodec", codec);
        registry.bind("httpRequestReader", new HttpRequestReader());
        registry.bind("requestValidator", new RequestValidator(
                Long.parseLong(required(properties, "gateway.invoke.timeout")),
                Long.parseLong(required(properties, "gateway.invoke.max-timeout")),
                Integer.parseInt(required(properties, "gateway.invoke.max-args-size"))));
        registry.bind("replyCorrelator", new ReplyCorrelator(codec,
                context.getExecutorServiceManager().newDefaultThreadPool(ReplyCorrelator.class, "CallTimeouts")));
        registry.bind("replyWaiter", new ReplyWaiter());
        // the correlation aggregator's output runs in the thread that completed the group (routes/replies.yaml)
        registry.bind("completeInCallingThread", new SynchronousExecutorService());
        registry.bind("responses", new Responses());
        registry.bind("deviceSimulator", new DeviceSimulator(
                optional(properties, "gateway.simulator.delays"), optional(properties, "gateway.simulator.silent")));
    }

    /** The registry database, its schema brought up to date by Flyway before anything reads it. */
    private static HikariDataSource database(CamelContext context, PropertiesComponent properties) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(required(properties, "gateway.registry.url"));
        config.setUsername(optional(properties, "gateway.registry.user"));
        config.setPassword(optional(properties, "gateway.registry.password"));
        config.setPoolName("registry");
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
