package org.thingservice.gateway.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Route;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Consumer;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.thingservice.gateway.mqtt.RequestPublisher;

/**
 * DOWN while the MQTT broker is unreachable: Camel's own checks stay UP then (its routes still run), yet no call
 * can reach a device. Every route that subscribes (device replies, simulated devices) has its own MQTT client; a
 * broker outage disconnects them all, and Paho reconnects them when it is back. The requests go out through a
 * client of their own (RequestPublisher), checked too.
 */
public final class MqttHealthCheck extends ReadinessCheck {

    private final RequestPublisher publisher;

    public MqttHealthCheck(RequestPublisher publisher) {
        super("gateway", "mqtt");
        this.publisher = publisher;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> disconnected = new ArrayList<>();
        int clients = 1;
        if (!publisher.isConnected()) {
            disconnected.add("request-publisher");
        }
        for (Route route : getCamelContext().getRoutes()) {
            if (route.getConsumer() instanceof PahoMqtt5Consumer consumer) {
                clients++;
                if (consumer.getClient() == null || !consumer.getClient().isConnected()) {
                    disconnected.add(route.getRouteId());
                }
            }
        }
        builder.detail("mqtt.clients", clients);
        if (disconnected.isEmpty()) {
            builder.up();
        } else {
            builder.message("MQTT clients not connected to the broker: " + disconnected).detail("mqtt.disconnected", disconnected).down();
        }
    }
}
