package org.thingservice.gateway.mqtt;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process MQTT 5 broker (HiveMQ CE) used when no external broker is configured: bound to 127.0.0.1,
 * in-memory persistence, no usage statistics (the machines it runs on may have no internet), and a Receive Maximum
 * of 65535 so that many concurrent calls can publish on the gateway's one connection.
 */
public final class EmbeddedBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final int port;
    private EmbeddedHiveMQ hivemq;
    private Path home;

    public EmbeddedBroker(int port) {
        this.port = port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    protected void doStart() throws Exception {
        home = Files.createTempDirectory("tsg-hivemq");
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                  </listeners>
                  <mqtt>
                    <!-- HiveMQ lets a client have only 10 QoS 1 publishes awaiting PUBACK (its MQTT 5 Receive Maximum):
                         the gateway publishes every call's request on one connection, and paho refuses the 11th
                         concurrent one ("Too many publishes in progress") instead of queueing it -->
                    <receive-maximum><server-receive-maximum>65535</server-receive-maximum></receive-maximum>
                  </mqtt>
                  <persistence><mode>in-memory</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port), StandardCharsets.UTF_8);
        // HiveMQ reconfigures logback from conf/logback.xml on start: hand it the gateway's own configuration
        try (var ours = EmbeddedBroker.class.getResourceAsStream("/gateway-logback.xml")) {
            Files.copy(ours, conf.resolve("logback.xml"));
        }
        hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(home.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                .build();
        hivemq.start().get(60, TimeUnit.SECONDS);
        LOG.info("Embedded MQTT 5 broker listening on {}", url());
    }

    @Override
    protected void doStop() throws Exception {
        if (hivemq != null) {
            hivemq.stop().get(30, TimeUnit.SECONDS);
            hivemq.close();
            hivemq = null;
        }
        deleteQuietly(home);
    }

    private static void deleteQuietly(Path dir) throws IOException {
        if (dir != null && Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
