package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.FreePorts;

/**
 * The gateway refuses to start rather than serve calls nobody authenticates: authentication off on an address others
 * can reach (unless gateway.auth.allow-insecure=true says so), or on without a keys file.
 */
class SecureDefaultsTest {

    @Test
    void authenticationOffOnANonLoopbackAddressRefusesToStart() {
        Main main = gateway("camel.server.host", "0.0.0.0", "gateway.auth.enabled", "false");

        assertThatThrownBy(main::start).hasStackTraceContaining("Refusing to start")
                .hasStackTraceContaining("gateway.auth.allow-insecure=true");
        main.stop();
    }

    @Test
    void authenticationOffOnANonLoopbackAddressStartsWhenAllowedExplicitly() throws Exception {
        Main main = gateway("camel.server.host", "0.0.0.0", "gateway.auth.enabled", "false", "gateway.auth.allow-insecure", "true");
        try {
            main.start();
            assertThat(main.getCamelContext().getPropertiesComponent().resolveProperty("gateway.auth.enabled")).hasValue("false");
        } finally {
            main.stop();
        }
    }

    @Test
    void theEmbeddedDemoOnANonLoopbackAddressRequiresAKeysFile() {
        Main main = gateway("camel.server.host", "0.0.0.0");

        assertThatThrownBy(main::start).hasStackTraceContaining("gateway.auth.keys names no keys file");
        main.stop();
    }

    @Test
    void aMissingKeysFileRefusesToStart() {
        Main main = gateway("gateway.auth.enabled", "true", "gateway.auth.keys", "/nonexistent/tsg-keys.csv");

        assertThatThrownBy(main::start).hasStackTraceContaining("Cannot load the access keys file")
                .hasStackTraceContaining("tsg-keys.csv");
        main.stop();
    }

    /** A gateway on free ports and an in-memory registry, with these settings; not started. */
    private static Main gateway(String... settings) {
        Main main = new Main();
        main.configure().addConfiguration(GatewayConfiguration.class);
        Properties p = new Properties();
        p.setProperty("camel.server.port", Integer.toString(FreePorts.next()));
        p.setProperty("gateway.mqtt.embedded.port", Integer.toString(FreePorts.next()));
        try {
            p.setProperty("gateway.data.dir", java.nio.file.Files.createTempDirectory("tsg-secure").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (int i = 0; i < settings.length; i += 2) {
            p.setProperty(settings[i], settings[i + 1]);
        }
        main.setOverrideProperties(p);
        return main;
    }
}
