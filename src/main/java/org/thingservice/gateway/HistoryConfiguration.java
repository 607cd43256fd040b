package org.thingservice.gateway;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.thingservice.gateway.history.ServiceCallHistory;
import org.thingservice.gateway.history.ServiceCallStore;
import org.thingservice.gateway.history.ServiceDataQuery;
import org.thingservice.gateway.invoke.BatchInvocation;
import org.thingservice.gateway.invoke.RequestValidator;
import org.thingservice.gateway.invoke.ThingModelValidator;
import org.thingservice.gateway.registry.DeviceRegistry;

/**
 * The service-call history (docs/history.md): the recorder every call's end and every late reply goes to, the
 * QueryDeviceServiceData and InvokeThingsService actions. Runs after Invoke (its validators) and before Correlation
 * and Observability, whose beans take the recorder.
 */
public class HistoryConfiguration implements CamelConfiguration {

    private ServiceCallHistory history;

    @BindToRegistry("serviceCallStore")
    public ServiceCallStore serviceCallStore(HikariDataSource database) {
        return new ServiceCallStore(database);
    }

    @BindToRegistry("serviceCallHistory")
    public ServiceCallHistory serviceCallHistory(ServiceCallStore store,
            @PropertyInject("gateway.history.enabled") boolean enabled,
            @PropertyInject("gateway.history.retention-days") long retentionDays,
            @PropertyInject("gateway.history.purge-interval") long purgeInterval,
            @PropertyInject("gateway.history.queue-size") int queueSize,
            @PropertyInject("gateway.history.batch-size") int batchSize,
            @PropertyInject("gateway.history.max-delay") long maxDelay,
            @PropertyInject("gateway.history.late-reply-window") long lateReplyWindow) {
        history = new ServiceCallHistory(store, new ServiceCallHistory.Settings(enabled, TimeUnit.DAYS.toMillis(retentionDays),
                purgeInterval, queueSize, batchSize, maxDelay, lateReplyWindow), Clock.systemUTC());
        return history;
    }

    @BindToRegistry("serviceDataQuery")
    public ServiceDataQuery serviceDataQuery(DeviceRegistry registry, ServiceCallStore store,
            @PropertyInject("gateway.history.enabled") boolean enabled) {
        return new ServiceDataQuery(registry, store, enabled);
    }

    @BindToRegistry("batchInvocation")
    public BatchInvocation batchInvocation(RequestValidator requestValidator, DeviceRegistry registry, ThingModelValidator thingModelValidator) {
        return new BatchInvocation(requestValidator, registry, thingModelValidator);
    }

    /** The writer runs as a service of the context: stopped after the routes, so it writes the last calls' ends. */
    @Override
    public void configure(CamelContext context) throws Exception {
        context.addService(history, true, true);
    }
}
