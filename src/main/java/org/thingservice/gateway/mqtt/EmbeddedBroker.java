package org.thingservice.gateway.mqtt;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.device.BrokerAccess;
import org.thingservice.gateway.device.DevicePresence;

/**
 * The in-process MQTT 5 broker (HiveMQ CE) used when no external broker is configured: bound to 127.0.0.1 (or the
 * address devices reach it on, for the gateway's broker),
 * in-memory persistence, no usage statistics (the machines it runs on may have no internet). Who may connect, and to
 * which topics, is decided inside it by {@link DeviceBrokerExtension}.
 */
public final class EmbeddedBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final String bindAddress;
    private final int port;
    private final ExtensionMain extension;
    private EmbeddedHiveMQ hivemq;
    private Path home;

    /** A broker that lets every client in, to every topic (as an "external" broker for tests and tools). */
    public EmbeddedBroker(int port) {
        this.bindAddress = "127.0.0.1";
        this.port = port;
        this.extension = null;
    }

    /** The gateway's broker on bindAddress: clients let in by access, devices' connections told to presence. */
    public EmbeddedBroker(String bindAddress, int port, BrokerAccess access, DevicePresence presence) {
        this.bindAddress = bindAddress;
        this.port = port;
        this.extension = new DeviceBrokerExtension(access, presence);
    }

    /** Where the gateway's own clients reach it: loopback, whatever else it listens on. */
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
                    <tcp-listener><port>%d</port><bind-address>%s</bind-address></tcp-listener>
                  </listeners>
                  <mqtt>
                    <!-- how many QoS 1 publishes a client may have awaiting PUBACK: HiveMQ's 10 is far too few for a gateway -->
                    <receive-maximum><server-receive-maximum>65535</server-receive-maximum></receive-maximum>
                  </mqtt>
                  <persistence><mode>in-memory</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, bindAddress), StandardCharsets.UTF_8);
        // HiveMQ reconfigures logback from conf/logback.xml on start: hand it the gateway's own configuration
        try (var ours = EmbeddedBroker.class.getResourceAsStream("/gateway-logback.xml")) {
            Files.copy(ours, conf.resolve("logback.xml"));
        }
        var builder = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(home.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")));
        if (extension != null) {
            builder.withEmbeddedExtension(EmbeddedExtension.builder().withId("thing-service-gateway-devices")
                    .withName("Thing Service Gateway device access").withVersion("1").withExtensionMain(extension).build());
        }
        hivemq = builder.build();
        hivemq.start().get(60, TimeUnit.SECONDS);
        LOG.info("Embedded MQTT 5 broker listening on tcp://{}:{}", bindAddress, port);
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
