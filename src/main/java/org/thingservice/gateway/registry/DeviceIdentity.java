package org.thingservice.gateway.registry;

import org.thingservice.gateway.model.Device;

/**
 * A device's identity and presence as stored: its DeviceSecret, whether it is enabled, and what the embedded broker
 * last saw of it: status ONLINE or OFFLINE (null when it never connected), statusAt when that changed and onlineAt
 * when it last connected (epoch ms, null when never).
 */
public record DeviceIdentity(Device device, boolean enabled, String secret, String status, Long statusAt, Long onlineAt) {

    /** Alibaba's device Status from the stored record: DISABLE, ONLINE, OFFLINE or UNACTIVE (never connected). */
    public String alibabaStatus() {
        if (!enabled) {
            return "DISABLE";
        }
        return status != null ? status : "UNACTIVE";
    }
}
