package org.thingservice.gateway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.SynchronousExecutorService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.auth.AccessKeys;
import org.thingservice.gateway.auth.AuthenticationPolicy;
import org.thingservice.gateway.auth.CallerAuthentication;
import org.thingservice.gateway.auth.SignatureVerifier;
import org.thingservice.gateway.alink.MessageIds;
import org.thingservice.gateway.correlate.CorrelationRepository;
import org.thingservice.gateway.correlate.PendingReplies;
import org.thingservice.gateway.correlate.ReplyCorrelator;
import org.thingservice.gateway.correlate.ReplyWaiter;
import org.thingservice.gateway.invoke.HttpAvailability;
import org.thingservice.gateway.invoke.HttpRequestReader;
import org.thingservice.gateway.invoke.NonBlockingHttpEngine;
import org.thingservice.gateway.invoke.InFlightLimit;
import org.thingservice.gateway.invoke.RequestValidator;
import org.thingservice.gateway.invoke.ResponseFormat;
import org.thingservice.gateway.invoke.Responses;
import org.thingservice.gateway.files.BatchFiles;
import org.thingservice.gateway.invoke.ThingModelValidator;
import org.thingservice.gateway.manage.DeviceManagement;
import org.thingservice.gateway.model.ArgsValidator;
import org.thingservice.gateway.mqtt.BrokerSockets;
import org.thingservice.gateway.mqtt.EmbeddedBroker;
import org.thingservice.gateway.mqtt.RequestPublisher;
import org.thingservice.gateway.observe.DatabaseHealthCheck;
import org.thingservice.gateway.observe.GatewayMetrics;
import org.thingservice.gateway.observe.MqttHealthCheck;
import org.thingservice.gateway.registry.DatabaseUrl;
import org.thingservice.gateway.registry.DeviceRegistry;
import org.thingservice.gateway.registry.GatewayInstances;
import org.thingservice.gateway.registry.PreviousDatabase;
import org.thingservice.gateway.registry.ProcessedRequests;
import org.thingservice.gateway.kafka.KafkaInstanceId;
import org.thingservice.gateway.kafka.KafkaOffsets;
import org.thingservice.gateway.kafka.KafkaResultsAudit;
import org.thingservice.gateway.kafka.KafkaRequestReader;
import org.thingservice.gateway.registry.RegistrySeed;
import org.thingservice.gateway.simulator.DeviceSimulator;

/**
 * Wires the gateway from its settings: the MQTT broker (embedded unless gateway.mqtt.url is set), the registry
 * database, and the beans the routes call by name.
 */
public class GatewayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfiguration.class);
    /** Alibaba's: a signed request's Timestamp may differ from the gateway's clock by at most 15 minutes */
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        Registry registry = context.getRegistry();

        String brokerUrl = optional(properties, "gateway.mqtt.url");
        boolean embedded = brokerUrl == null;
        authentication(properties, embedded, registry); // first: a gateway that must not start starts nothing
        if (!embedded) {
            // the broker may be starting with the gateway: the publisher and the routes connect once, at start
            StartRetry.awaitBroker(brokerUrl, startTimeout(properties));
        }
        if (embedded) {
            EmbeddedBroker broker = new EmbeddedBroker(Integer.parseInt(required(properties, "gateway.mqtt.embedded.port")));
            broker.start(); // before the MQTT endpoints connect
            context.addService(broker);
            brokerUrl = broker.url();
        }
        PahoMqtt5Configuration mqtt = context.getComponent("paho-mqtt5", PahoMqtt5Component.class).getConfiguration();
        mqtt.setBrokerUrl(brokerUrl);
        mqtt.setSocketFactory(BrokerSockets.forUrl(brokerUrl, optional(properties, "gateway.mqtt.trust-store"),
                optional(properties, "gateway.mqtt.trust-store-password")));
        String user = optional(properties, "gateway.mqtt.username");
        if (user != null) {
            mqtt.setUserName(user);
            mqtt.setPassword(optional(properties, "gateway.mqtt.password"));
        }
        if (optional(properties, "gateway.simulator.enabled") == null) {
            properties.addOverrideProperty("gateway.simulator.enabled", Boolean.toString(embedded));
        }
        LOG.info("MQTT broker {}{}{}; simulated devices {}", brokerUrl, embedded ? " (embedded)" : "",
                user != null ? " as user " + user : "",
                Boolean.parseBoolean(required(properties, "gateway.simulator.enabled")) ? "on" : "off");

        boolean kafka = optional(properties, "camel.component.kafka.brokers") != null;
        properties.addOverrideProperty("gateway.kafka.enabled", Boolean.toString(kafka));
        if (kafka) {
            if (optional(properties, "gateway.kafka.instance-id") == null) {
                properties.addOverrideProperty("gateway.kafka.instance-id",
                        KafkaInstanceId.of(Path.of(required(properties, "gateway.data.dir"))));
            }
            LOG.info("Kafka on: requests from topic {} as group member {}", required(properties, "gateway.kafka.requests"),
                    required(properties, "gateway.kafka.instance-id"));
        } else {
            LOG.info("Kafka off: camel.component.kafka.brokers is not set");
        }

        for (String folder : new String[] {"inbox", "outbox", "done", "error"}) {
            // absolute, because the file consumer's move and moveFailed are otherwise relative to the inbox
            properties.addOverrideProperty("gateway.files." + folder,
                    Path.of(required(properties, "gateway.files." + folder)).toAbsolutePath().normalize().toString());
        }

        HikariDataSource database = database(context, properties);
        DeviceRegistry devices = new DeviceRegistry(database, Long.parseLong(required(properties, "gateway.registry.cache-ttl")));
        RegistrySeed.load(context, required(properties, "gateway.registry.seed"), devices);

        // the instances sharing the database, for this one's MessageId prefix and to know the others' replies
        GatewayInstances instances = GatewayInstances.join(database, Clock.systemUTC());
        context.addService(instances);
        registry.bind("gatewayInstances", instances);
        MessageIds messageIds = new MessageIds(instances.prefix());
        AlinkCodec codec = new AlinkCodec(messageIds, Long.parseLong(required(properties, "gateway.invoke.async-reply-window")));
        registry.bind("deviceRegistry", devices);
        registry.bind("alinkCodec", codec);
        registry.bind("deviceManagement", new DeviceManagement(devices));
        registry.bind("httpRequestReader", new HttpRequestReader());
        // from the moment the HTTP server listens, a call the HTTP route does not serve yet (or any more) is answered
        // ServiceUnavailable in the API's shape; camel-main has added the server (camel.server.enabled) by now
        HttpAvailability availability = new HttpAvailability();
        registry.bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, new NonBlockingHttpEngine(availability));
        MainHttpServer httpServer = context.hasService(MainHttpServer.class);
        if (httpServer != null) {
            availability.guard(httpServer.getConfiguration());
        }
        registry.bind("requestValidator", new RequestValidator(
                Long.parseLong(required(properties, "gateway.invoke.timeout")),
                Long.parseLong(required(properties, "gateway.invoke.max-timeout")),
                Integer.parseInt(required(properties, "gateway.invoke.max-args-size"))));
        registry.bind("thingModelValidator", new ThingModelValidator(
                new ArgsValidator(Boolean.parseBoolean(required(properties, "gateway.invoke.allow-unknown-args")))));
        registry.bind("inFlightLimit", new InFlightLimit(Integer.parseInt(required(properties, "gateway.invoke.max-in-flight"))));
        String maxInFlight = optional(properties, "gateway.mqtt.max-inflight");
        RequestPublisher publisher = new RequestPublisher(mqtt, maxInFlight != null ? Integer.valueOf(maxInFlight) : null,
                Long.parseLong(required(properties, "gateway.invoke.timeout")), Long.parseLong(required(properties, "gateway.mqtt.publish-timeout")));
        context.addService(publisher); // connected before the routes start, disconnected after they stop
        registry.bind("requestPublisher", publisher);
        PendingReplies pendingReplies = new PendingReplies(database, Clock.systemUTC());
        registry.bind("pendingReplies", pendingReplies);
        registry.bind("correlationRepository", new CorrelationRepository(pendingReplies));
        ReplyCorrelator correlator = new ReplyCorrelator(codec, pendingReplies, instances,
                context.getExecutorServiceManager().newDefaultThreadPool(ReplyCorrelator.class, "CallTimeouts"));
        registry.bind("replyCorrelator", correlator);
        // the correlation aggregator's output runs in the thread that completed the group (routes/replies.yaml)
        registry.bind("completeInCallingThread", new SynchronousExecutorService());
        registry.bind("replyWaiter", new ReplyWaiter());
        GatewayMetrics metrics = new GatewayMetrics(meterRegistry(registry), correlator, context.getInflightRepository());
        registry.bind("gatewayMetrics", metrics);
        registry.bind("responses", new Responses(metrics));
        // /observe/health is DOWN when a call could not succeed, not only when Camel itself is down
        registry.bind("mqttHealthCheck", new MqttHealthCheck(publisher));
        registry.bind("databaseHealthCheck", new DatabaseHealthCheck(database));
        registry.bind("processedRequests", new ProcessedRequests(database));
        registry.bind("kafkaRequestReader", new KafkaRequestReader());
        registry.bind("kafkaOffsets", new KafkaOffsets());
        if (Boolean.parseBoolean(required(properties, "gateway.kafka.enabled"))) {
            registry.bind("kafkaResultsAudit", new KafkaResultsAudit(required(properties, "gateway.kafka.results"), KafkaResultsAudit.consumers(
                    () -> kafkaClientProperties(context.getComponent("kafka", KafkaComponent.class).getConfiguration()))));
        }
        registry.bind("batchFiles", new BatchFiles(ResponseFormat.parse(required(properties, "gateway.files.format")),
                Boolean.parseBoolean(required(properties, "gateway.files.allow-repeat")),
                Integer.parseInt(required(properties, "gateway.files.max-in-flight")),
                Long.parseLong(required(properties, "gateway.files.progress-interval")),
                Path.of(required(properties, "gateway.files.error"))));
        registry.bind("deviceSimulator", new DeviceSimulator(
                optional(properties, "gateway.simulator.delays"), optional(properties, "gateway.simulator.silent")));
    }

    /**
     * Whether HTTP callers must sign their calls (see AuthenticationPolicy), published as gateway.auth.enabled for
     * the HTTP route; when they must, the verifier of their signatures against the keys file.
     */
    private static void authentication(PropertiesComponent properties, boolean embeddedBroker, Registry registry) {
        AuthenticationPolicy policy = AuthenticationPolicy.decide(optional(properties, "gateway.auth.enabled"), embeddedBroker,
                optional(properties, "camel.server.host"), Boolean.parseBoolean(optional(properties, "gateway.auth.allow-insecure")));
        properties.addOverrideProperty("gateway.auth.enabled", Boolean.toString(policy.enabled()));
        if (policy.warning() != null) {
            LOG.warn(policy.warning());
        }
        if (!policy.enabled()) {
            return;
        }
        String file = optional(properties, "gateway.auth.keys");
        if (file == null) {
            throw new IllegalStateException("Caller authentication is on, but gateway.auth.keys names no keys file: create a "
                    + "CSV file with the header AccessKeyId,AccessKeySecret and one line per caller (README: Caller "
                    + "authentication) and set gateway.auth.keys to its path.");
        }
        Path path = Path.of(file).toAbsolutePath();
        AccessKeys keys;
        try {
            keys = AccessKeys.load(path, Clock.systemUTC(), LOG::warn);
        } catch (IOException e) {
            // the message names the file and the line, never a secret
            throw new IllegalStateException("Cannot load the access keys file " + path + " (gateway.auth.keys): " + e, e);
        }
        registry.bind("callerAuthentication", new CallerAuthentication(new SignatureVerifier(keys, Clock.systemUTC(),
                MAX_SKEW, Integer.parseInt(required(properties, "gateway.auth.max-nonces")))));
        LOG.info("Caller authentication on: {} access key(s) in {}, read again when it changes", keys.size(), path);
    }

    /** What a Kafka client of the gateway's own needs from the component's settings: they hold the brokers apart. */
    private static Properties kafkaClientProperties(KafkaConfiguration kafka) {
        Properties properties = kafka.createConsumerProperties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokers());
        return properties;
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

    /**
     * The registry database, its schema brought up to date by Flyway before anything reads it, and an earlier
     * version's embedded database copied into it.
     */
    private static HikariDataSource database(CamelContext context, PropertiesComponent properties) throws Exception {
        String url = required(properties, "gateway.registry.url");
        DatabaseUrl.check(url);
        Optional<Path> file = DatabaseUrl.sqliteFile(url);
        if (file.isPresent() && file.get().getParent() != null) {
            Files.createDirectories(file.get().getParent()); // SQLite makes the file, not its folder
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        String user = optional(properties, "gateway.registry.user");
        String password = optional(properties, "gateway.registry.password");
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("registry");
        config.setMaximumPoolSize(DatabaseUrl.poolSize(url));
        // a database that is down fails calls (and the health check) after this, not after Hikari's 30 s
        config.setConnectionTimeout(Long.parseLong(required(properties, "gateway.registry.connection-timeout")));
        // a database started with the gateway (compose, Kubernetes) may take a while to accept connections
        HikariDataSource dataSource = StartRetry.until("The registry database", startTimeout(properties),
                StartRetry::databaseNotUpYet, () -> {
                    HikariDataSource pool = new HikariDataSource(config);
                    try {
                        Flyway.configure().dataSource(pool).load().migrate();
                        return pool;
                    } catch (RuntimeException e) {
                        pool.close();
                        throw e;
                    }
                });
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                dataSource.close();
            }
        });
        PreviousDatabase.migrate(Path.of(required(properties, "gateway.registry.previous")), user, password, dataSource);
        return dataSource;
    }

    private static Duration startTimeout(PropertiesComponent properties) {
        return Duration.ofMillis(Long.parseLong(required(properties, "gateway.dependencies.start-timeout")));
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
