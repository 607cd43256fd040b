package org.thingservice.gateway;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.device.DevicePresence;
import org.thingservice.gateway.registry.DeviceRegistry;

/**
 * Devices' identities, once the registry is there (after DatabaseConfiguration): every device has a DeviceSecret
 * (rows from before there were secrets get one), then devices may log in to the embedded broker.
 */
public class DevicesConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DevicesConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        DeviceRegistry registry = context.getRegistry().lookupByNameAndType("deviceRegistry", DeviceRegistry.class);
        int given = registry.giveMissingSecrets();
        if (given > 0) {
            LOG.info("{} devices without a DeviceSecret got a new one (QueryDeviceDetail shows it)", given);
        }
        context.getRegistry().lookupByNameAndType("devicePresence", DevicePresence.class).open(registry);
    }
}
