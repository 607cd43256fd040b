package org.thingservice.gateway;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.mqtt.BrokerSockets;
import org.thingservice.gateway.mqtt.EmbeddedBroker;
import org.thingservice.gateway.mqtt.RequestPublisher;
import org.thingservice.gateway.simulator.DeviceSimulator;

/**
 * MQTT: the broker (embedded unless gateway.mqtt.url names one), the paho-mqtt5 component's connection to it, the
 * request publisher and the simulated devices. The broker comes before anything that connects to it.
 */
public class MqttConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConfiguration.class);

    @PropertyInject("gateway.mqtt.trust-store")
    private String trustStore;
    @PropertyInject("gateway.mqtt.trust-store-password")
    private String trustStorePassword;
    @PropertyInject("gateway.mqtt.username")
    private String username;
    @PropertyInject("gateway.mqtt.password")
    private String password;
    @PropertyInject("gateway.simulator.enabled")
    private String simulatorEnabled;

    /** The broker the gateway talks to. */
    public record MqttBroker(String url, boolean embedded) {
    }

    /**
     * The embedded broker, started here (before the MQTT endpoints connect), or the external one once it accepts
     * connections: it may be starting with the gateway, and the publisher and the routes connect once, at start.
     */
    @BindToRegistry("mqttBroker")
    public MqttBroker mqttBroker(CamelContext context,
            @PropertyInject("gateway.mqtt.url") String url,
            @PropertyInject("gateway.mqtt.embedded.port") int embeddedPort,
            @PropertyInject("gateway.dependencies.start-timeout") long startTimeout) throws Exception {
        String external = Settings.optional(url);
        if (external != null) {
            StartRetry.awaitBroker(external, Settings.startTimeout(startTimeout));
            return new MqttBroker(external, false);
        }
        EmbeddedBroker broker = new EmbeddedBroker(embeddedPort);
        broker.start();
        context.addService(broker); // stopped after everything added later
        return new MqttBroker(broker.url(), true);
    }

    /**
     * Publishes the requests, on the paho-mqtt5 component's connection settings; connected before the routes start,
     * disconnected after they stop.
     */
    @BindToRegistry("requestPublisher")
    public RequestPublisher requestPublisher(CamelContext context, MqttBroker broker,
            @PropertyInject("gateway.mqtt.max-inflight") String maxInFlight,
            @PropertyInject("gateway.invoke.timeout") long invokeTimeout,
            @PropertyInject("gateway.mqtt.publish-timeout") long publishTimeout) throws Exception {
        String limit = Settings.optional(maxInFlight);
        RequestPublisher publisher = new RequestPublisher(pahoConfiguration(context), limit != null ? Integer.valueOf(limit) : null,
                invokeTimeout, publishTimeout);
        context.addService(publisher); // after the broker: stopped before it
        return publisher;
    }

    /** Answers calls for the sample devices, when gateway.simulator.enabled. */
    @BindToRegistry("deviceSimulator")
    public DeviceSimulator deviceSimulator(@PropertyInject("gateway.simulator.delays") String delays,
            @PropertyInject("gateway.simulator.silent") String silent) {
        return new DeviceSimulator(Settings.optional(delays), Settings.optional(silent));
    }

    /** The paho-mqtt5 component's connection to the broker, and whether the simulated devices answer. */
    @Override
    public void configure(CamelContext context) throws Exception {
        MqttBroker broker = context.getRegistry().lookupByNameAndType("mqttBroker", MqttBroker.class);
        PahoMqtt5Configuration mqtt = pahoConfiguration(context);
        mqtt.setBrokerUrl(broker.url());
        mqtt.setSocketFactory(BrokerSockets.forUrl(broker.url(), Settings.optional(trustStore), Settings.optional(trustStorePassword)));
        String user = Settings.optional(username);
        if (user != null) {
            mqtt.setUserName(user);
            mqtt.setPassword(Settings.optional(password));
        }
        boolean simulator = simulatorEnabled(Settings.optional(simulatorEnabled), broker.embedded());
        Settings.publish(context, "gateway.simulator.enabled", Boolean.toString(simulator));
        LOG.info("MQTT broker {}{}{}; simulated devices {}", broker.url(), broker.embedded() ? " (embedded)" : "",
                user != null ? " as user " + user : "", simulator ? "on" : "off");
    }

    /** gateway.simulator.enabled: as set, or when left empty on with the embedded broker and off with an external one. */
    static boolean simulatorEnabled(String setting, boolean embeddedBroker) {
        return setting == null ? embeddedBroker : Boolean.parseBoolean(setting);
    }

    private static PahoMqtt5Configuration pahoConfiguration(CamelContext context) {
        return context.getComponent("paho-mqtt5", PahoMqtt5Component.class).getConfiguration();
    }
}
