package org.thingservice.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.api.ResponseFormat;
import org.thingservice.gateway.files.BatchFiles;
import org.thingservice.gateway.http.HttpAvailability;
import org.thingservice.gateway.http.HttpListening;
import org.thingservice.gateway.http.HttpRequestReader;
import org.thingservice.gateway.http.NonBlockingHttpEngine;
import org.thingservice.gateway.kafka.KafkaInstanceId;
import org.thingservice.gateway.kafka.KafkaRequestReader;
import org.thingservice.gateway.kafka.KafkaRequestsComponent;
import org.thingservice.gateway.kafka.KafkaResultsAudit;
import org.thingservice.gateway.mqtt.RequestPublisher;

/**
 * Where calls come from: the HTTP API, the Kafka requests topic (when camel.component.kafka.brokers is set) and the
 * batch-file inbox. Works out the settings their routes read that are derived at start: gateway.kafka.enabled,
 * gateway.kafka.instance-id and the absolute gateway.files.* folders, which it creates.
 */
public class SourcesConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SourcesConfiguration.class);
    /** the batch-file folders, made absolute at start */
    static final String[] FILE_FOLDERS = {"gateway.files.inbox", "gateway.files.outbox", "gateway.files.done", "gateway.files.error"};

    @PropertyInject("gateway.kafka.instance-id")
    private String kafkaInstanceId;
    @PropertyInject("gateway.kafka.requests")
    private String kafkaRequests;
    @PropertyInject("gateway.data.dir")
    private String dataDir;

    @BindToRegistry("httpRequestReader")
    public HttpRequestReader httpRequestReader() {
        return new HttpRequestReader();
    }

    /**
     * The HTTP engine: from the moment the HTTP server listens, a call the HTTP route does not serve yet (or any
     * more) is answered ServiceUnavailable in the API's shape; camel-main has added the server
     * (camel.server.enabled) by now.
     */
    @BindToRegistry(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME)
    public NonBlockingHttpEngine httpEngine(CamelContext context) {
        HttpAvailability availability = new HttpAvailability();
        MainHttpServer httpServer = context.hasService(MainHttpServer.class);
        if (httpServer != null) {
            availability.guard(httpServer.getConfiguration());
        }
        return new NonBlockingHttpEngine(availability);
    }

    @BindToRegistry("kafkaRequestReader")
    public KafkaRequestReader kafkaRequestReader() {
        return new KafkaRequestReader();
    }

    /**
     * With Kafka on: the Kafka source's endpoint (kafka-requests:topic), the gateway's own sliding-window consumer,
     * with the component's client settings.
     */
    @BindToRegistry("kafka-requests")
    public KafkaRequestsComponent kafkaRequests(CamelContext context, RequestPublisher requestPublisher) {
        if (!kafkaEnabled(kafkaBrokers(context))) {
            return null; // a null bean binds nothing
        }
        return new KafkaRequestsComponent(() -> kafkaClientProperties(context.getComponent("kafka", KafkaComponent.class).getConfiguration()),
                requestPublisher::isConnected);
    }

    /** With Kafka on: what the results topic already holds, read with the component's client settings. */
    @BindToRegistry("kafkaResultsAudit")
    public KafkaResultsAudit kafkaResultsAudit(CamelContext context, @PropertyInject("gateway.kafka.results") String results) {
        if (!kafkaEnabled(kafkaBrokers(context))) {
            return null; // a null bean binds nothing
        }
        return new KafkaResultsAudit(Settings.optional(results), KafkaResultsAudit.consumers(
                () -> kafkaClientProperties(context.getComponent("kafka", KafkaComponent.class).getConfiguration())));
    }

    @BindToRegistry("batchFiles")
    public BatchFiles batchFiles(@PropertyInject("gateway.files.format") String format,
            @PropertyInject("gateway.files.allow-repeat") boolean allowRepeat,
            @PropertyInject("gateway.files.max-in-flight") int maxInFlight,
            @PropertyInject("gateway.files.progress-interval") long progressInterval,
            @PropertyInject("gateway.files.error") String errorFolder, RequestPublisher requestPublisher) {
        return new BatchFiles(ResponseFormat.parse(Settings.optional(format)), allowRepeat, maxInFlight, progressInterval,
                Path.of(absoluteFolder(errorFolder)), requestPublisher::isConnected);
    }

    /** Publishes the derived settings the routes read; makes an HTTP server that does not listen fail the start. */
    @Override
    public void configure(CamelContext context) throws Exception {
        // Camel only logs an HTTP port that is in use: the start must fail instead
        context.addStartupListener(new HttpListening());
        boolean kafka = kafkaEnabled(kafkaBrokers(context));
        Settings.publish(context, "gateway.kafka.enabled", Boolean.toString(kafka));
        if (kafka) {
            String instanceId = kafkaInstanceId(Settings.optional(kafkaInstanceId), Path.of(Settings.optional(dataDir)));
            Settings.publish(context, "gateway.kafka.instance-id", instanceId);
            LOG.info("Kafka on: requests from topic {} as group member {}", Settings.optional(kafkaRequests), instanceId);
        } else {
            LOG.info("Kafka off: camel.component.kafka.brokers is not set");
        }
        for (String folder : FILE_FOLDERS) {
            // absolute, because the file consumer's move and moveFailed are otherwise relative to the inbox
            Settings.publish(context, folder, createdFolder(folder, context.getPropertiesComponent().resolveProperty(folder).orElseThrow()));
        }
    }

    /** gateway.kafka.enabled: whether camel.component.kafka.brokers is set. */
    static boolean kafkaEnabled(String brokers) {
        return brokers != null;
    }

    /**
     * gateway.kafka.instance-id: as set, or when left empty a random id made at the first start and kept in
     * dataDir/kafka-instance-id.
     */
    static String kafkaInstanceId(String setting, Path dataDir) throws IOException {
        return setting != null ? setting : KafkaInstanceId.of(dataDir);
    }

    /**
     * The gateway.files.* folder this setting names, absolute, created if missing; the start fails if it cannot be
     * created or written. Camel's file consumer only logs a WARN for an inbox it cannot create and starts: the health
     * check then said UP while no file was ever read.
     */
    static String createdFolder(String setting, String folder) {
        Path path = Path.of(absoluteFolder(folder));
        try {
            Files.createDirectories(path);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(setting + ": cannot create the folder " + path + " (" + e + "); the batch-file"
                    + " source needs it, writable", e);
        }
        if (!Files.isWritable(path)) {
            throw new IllegalStateException(setting + ": the folder " + path + " is not writable; the batch-file source"
                    + " moves and writes files there");
        }
        return path.toString();
    }

    /** A gateway.files.* folder, absolute and normalized (relative ones to the working directory). */
    static String absoluteFolder(String folder) {
        return Path.of(Settings.optional(folder)).toAbsolutePath().normalize().toString();
    }

    /** camel.component.kafka.brokers, a setting of Camel's (not declared: Kafka is off while it is unset). */
    private static String kafkaBrokers(CamelContext context) {
        return context.getPropertiesComponent().resolveProperty("camel.component.kafka.brokers").map(Settings::optional).orElse(null);
    }

    /** What a Kafka client of the gateway's own needs from the component's settings: they hold the brokers apart. */
    private static Properties kafkaClientProperties(KafkaConfiguration kafka) {
        Properties properties = kafka.createConsumerProperties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokers());
        return properties;
    }
}
