package org.thingservice.gateway;

import java.time.Clock;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.auth.AuthenticationPolicy;
import org.thingservice.gateway.device.BrokerAccess.GatewayLogin;
import org.thingservice.gateway.device.BrokerAccess;
import org.thingservice.gateway.device.BrokerAuthentication;
import org.thingservice.gateway.device.DevicePresence;
import org.thingservice.gateway.device.DeviceSecrets;
import org.thingservice.gateway.http.BrokerAuthHandler;
import org.thingservice.gateway.mqtt.BrokerSockets;
import org.thingservice.gateway.mqtt.EmbeddedBroker;
import org.thingservice.gateway.mqtt.RequestPublisher;
import org.thingservice.gateway.simulator.DeviceSimulator;

/**
 * MQTT: the broker (embedded unless gateway.mqtt.url names one) with the devices' access to it and their presence,
 * the paho-mqtt5 component's connection to it, the request publisher and the simulated devices. The broker comes
 * before anything that connects to it.
 */
public class MqttConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConfiguration.class);
    /** the gateway's user name on the embedded broker when gateway.mqtt.username is unset */
    static final String DEFAULT_GATEWAY_USER = "thing-service-gateway";

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
    @PropertyInject("gateway.mqtt.broker-auth.secret")
    private String brokerAuthSecret;

    /** The broker the gateway talks to, and the login its clients connect with (null: none). */
    public record MqttBroker(String url, boolean embedded, GatewayLogin login) {
    }

    /**
     * The embedded broker, started here (before the MQTT endpoints connect), or the external one once it accepts
     * connections: it may be starting with the gateway, and the publisher and the routes connect once, at start.
     * On the embedded broker the gateway's clients log in as gateway.mqtt.username (thing-service-gateway when unset)
     * with gateway.mqtt.password (a random one made at every start when unset), and devices with their own login.
     *
     * <p>Binds devicePresence too, which the broker needs: which devices are connected, known from the embedded
     * broker's events, unknown with an external broker. A sync call to a device known to be offline fails at once
     * when every connection is a device's own (device authentication on) and no simulated device answers for devices
     * that never connect.
     */
    @BindToRegistry("mqttBroker")
    public MqttBroker mqttBroker(CamelContext context,
            @PropertyInject("gateway.mqtt.url") String url,
            @PropertyInject("gateway.mqtt.embedded.host") String embeddedHost,
            @PropertyInject("gateway.mqtt.embedded.port") int embeddedPort,
            @PropertyInject("gateway.mqtt.embedded.device-auth") boolean deviceAuth,
            @PropertyInject("gateway.dependencies.start-timeout") long startTimeout) throws Exception {
        String external = Settings.optional(url);
        String user = Settings.optional(username);
        DevicePresence presence = new DevicePresence(Clock.systemUTC(), external == null,
                deviceAuth && !simulatorEnabled(Settings.optional(simulatorEnabled), external == null));
        context.getRegistry().bind("devicePresence", presence);
        if (external != null) {
            GatewayLogin login = user != null ? new GatewayLogin(user, Settings.optional(password)) : null;
            serveBrokerAuthentication(context, login, presence);
            StartRetry.awaitBroker(external, Settings.startTimeout(startTimeout));
            return new MqttBroker(external, false, login);
        }
        if (Settings.optional(brokerAuthSecret) != null) {
            LOG.warn("gateway.mqtt.broker-auth.secret is ignored with the embedded broker, which checks devices itself: no /broker/auth");
        }
        String secret = Settings.optional(password);
        GatewayLogin login = new GatewayLogin(user != null ? user : DEFAULT_GATEWAY_USER, secret != null ? secret : DeviceSecrets.generate());
        if (!deviceAuth) {
            LOG.warn("gateway.mqtt.embedded.device-auth=false: the embedded broker lets any client in, to any topic");
        }
        if (!deviceAuth && !AuthenticationPolicy.isLoopback(embeddedHost)) {
            throw new IllegalStateException("gateway.mqtt.embedded.device-auth=false lets any client in: the embedded broker then listens "
                    + "on loopback only, not on gateway.mqtt.embedded.host=" + embeddedHost);
        }
        EmbeddedBroker broker = new EmbeddedBroker(embeddedHost, embeddedPort, new BrokerAccess(login, presence::registry, deviceAuth), presence);
        broker.start();
        context.addService(broker); // stopped after everything added later
        return new MqttBroker(broker.url(), true, login);
    }

    /**
     * POST /broker/auth for an external broker, with gateway.mqtt.broker-auth.secret (else not served): devices
     * checked as the embedded broker checks them (device authentication always on), the gateway's own clients by its
     * login, which must then be set (the broker lets nobody else in).
     */
    private void serveBrokerAuthentication(CamelContext context, GatewayLogin login, DevicePresence presence) {
        String secret = Settings.optional(brokerAuthSecret);
        if (secret == null) {
            return;
        }
        if (login == null || login.password() == null) {
            throw new IllegalStateException("gateway.mqtt.broker-auth.secret is set: the broker then lets in only devices and the gateway's "
                    + "own login, so set gateway.mqtt.username and gateway.mqtt.password (and give the same to nothing else)");
        }
        MainHttpServer httpServer = context.hasService(MainHttpServer.class);
        if (httpServer == null) {
            throw new IllegalStateException("gateway.mqtt.broker-auth.secret is set: /broker/auth needs the HTTP server (camel.server.enabled)");
        }
        new BrokerAuthHandler(new BrokerAuthentication(secret, new BrokerAccess(login, presence::registry, true)))
                .register(httpServer.getConfiguration());
        LOG.info("POST {} answers the external broker's connects (devices by their Alibaba login, to their own topics)", BrokerAuthHandler.PATH);
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
        GatewayLogin login = broker.login();
        if (login != null) {
            mqtt.setUserName(login.userName());
            mqtt.setPassword(login.password());
        }
        boolean simulator = simulatorEnabled(Settings.optional(simulatorEnabled), broker.embedded());
        Settings.publish(context, "gateway.simulator.enabled", Boolean.toString(simulator));
        LOG.info("MQTT broker {}{}{}; simulated devices {}", broker.url(), broker.embedded() ? " (embedded)" : "",
                login != null ? " as user " + login.userName() : "", simulator ? "on" : "off");
    }

    /** gateway.simulator.enabled: as set, or when left empty on with the embedded broker and off with an external one. */
    static boolean simulatorEnabled(String setting, boolean embeddedBroker) {
        return setting == null ? embeddedBroker : Boolean.parseBoolean(setting);
    }

    private static PahoMqtt5Configuration pahoConfiguration(CamelContext context) {
        return context.getComponent("paho-mqtt5", PahoMqtt5Component.class).getConfiguration();
    }
}
