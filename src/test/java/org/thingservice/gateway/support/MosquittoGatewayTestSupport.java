package org.thingservice.gateway.support;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The whole gateway against a real mosquitto that the test class starts (and stops after the gateway). Subclasses
 * declare the ExternalBinaries extension that skips them, loudly, where mosquitto is not installed.
 */
public abstract class MosquittoGatewayTestSupport extends GatewayTestSupport {

    // no initialiser: settings() needs the broker while the superclass is still being constructed
    private Mosquitto mosquitto;

    /** How this class's broker is started: a plain loopback mosquitto unless a subclass needs another. */
    protected Mosquitto launchMosquitto() {
        return Mosquitto.launch();
    }

    protected Mosquitto mosquitto() {
        if (mosquitto == null) {
            mosquitto = launchMosquitto();
        }
        return mosquitto;
    }

    /** The gateway's settings for this test class, besides gateway.mqtt.url (which names the mosquitto). */
    protected abstract Map<String, String> brokerSettings();

    @Override
    protected final Map<String, String> settings() {
        if (!ExternalBinaries.hasMosquitto()) {
            return Map.of(); // the ExternalBinaries extension skips every test before a gateway is started with these
        }
        Map<String, String> settings = new HashMap<>(brokerSettings());
        settings.put("gateway.mqtt.url", mosquitto().url());
        return settings;
    }

    @Override
    protected String brokerUrl() {
        return mosquitto().url();
    }

    @AfterAll
    void stopBroker() throws Exception {
        // the gateway goes first: its MQTT clients then disconnect instead of retrying a dead port until the JVM exits
        try {
            if (context != null) {
                context.stop();
            }
        } finally {
            if (mosquitto != null) {
                mosquitto.close();
            }
        }
    }
}
