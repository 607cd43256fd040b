package org.thingservice.gateway;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.thingservice.gateway.correlate.ReplyCorrelator;
import org.thingservice.gateway.correlate.ReplyHandOver;
import org.thingservice.gateway.history.ServiceCallHistory;
import org.thingservice.gateway.invoke.Responses;
import org.thingservice.gateway.mqtt.RequestPublisher;
import org.thingservice.gateway.observe.DatabaseHealthCheck;
import org.thingservice.gateway.observe.GatewayMetrics;
import org.thingservice.gateway.observe.MqttHealthCheck;

/** /observe/metrics (the gateway's meters) and /observe/health (DOWN when a call could not succeed). */
public class ObservabilityConfiguration implements CamelConfiguration {

    /**
     * The gateway's meters, in the registry /observe/metrics serves: camel-micrometer-prometheus
     * (camel.metrics.enabled) has bound it as metricsRegistry before the gateway is configured. With metrics off,
     * they go to a registry of their own that nothing serves.
     */
    @BindToRegistry("gatewayMetrics")
    public GatewayMetrics gatewayMetrics(CamelContext context, Registry registry, ReplyCorrelator correlator,
            ReplyHandOver handOver, ServiceCallHistory history) {
        return new GatewayMetrics(meterRegistry(registry), correlator, handOver, context.getInflightRepository(), history);
    }

    /** The answers, counted and timed. */
    @BindToRegistry("responses")
    public Responses responses(GatewayMetrics metrics, ServiceCallHistory history) {
        return new Responses(metrics, history);
    }

    @BindToRegistry("mqttHealthCheck")
    public MqttHealthCheck mqttHealthCheck(RequestPublisher publisher) {
        return new MqttHealthCheck(publisher);
    }

    @BindToRegistry("databaseHealthCheck")
    public DatabaseHealthCheck databaseHealthCheck(HikariDataSource database) {
        return new DatabaseHealthCheck(database);
    }

    private static MeterRegistry meterRegistry(Registry registry) {
        MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind("metricsRegistry", meters);
        }
        return meters;
    }
}
