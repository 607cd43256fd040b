package org.thingservice.gateway;

import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelBeanPostProcessor;
import org.apache.camel.support.PluginHelper;

/**
 * Wires the gateway from its settings (application.properties), one concern after the other. Each concern is a
 * configuration class as camel-main takes them: beans declared by @BindToRegistry methods with @PropertyInject
 * parameters, then its configure method. They run in the order of CONCERNS, each one whole before the next, because
 * the order matters: authentication is decided first (a gateway that must not start starts nothing), the MQTT broker
 * comes before anything that connects to it, the database is migrated before the registry is read (and devices are let into the embedded broker once it is), and a bean
 * another concern takes as a parameter is bound before that concern runs.
 */
public class GatewayConfiguration implements CamelConfiguration {

    static final List<Supplier<CamelConfiguration>> CONCERNS = List.of(
            AuthenticationConfiguration::new,
            MqttConfiguration::new,
            SourcesConfiguration::new,
            DatabaseConfiguration::new,
            DevicesConfiguration::new,
            InvokeConfiguration::new,
            HistoryConfiguration::new,
            CorrelationConfiguration::new,
            ObservabilityConfiguration::new,
            ConsoleConfiguration::new,
            StepsConfiguration::new);

    @Override
    public void configure(CamelContext context) throws Exception {
        CamelBeanPostProcessor beans = PluginHelper.getBeanPostProcessor(context);
        for (Supplier<CamelConfiguration> concern : CONCERNS) {
            CamelConfiguration configuration = concern.get();
            // what camel-main does with a configuration class: inject its settings and bind its beans, then configure
            String name = configuration.getClass().getName();
            beans.postProcessBeforeInitialization(configuration, name);
            beans.postProcessAfterInitialization(configuration, name);
            configuration.configure(context);
        }
    }
}
