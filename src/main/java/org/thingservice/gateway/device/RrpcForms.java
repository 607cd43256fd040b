package org.thingservice.gateway.device;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.thingservice.gateway.model.Device;

/**
 * Which sync form a device takes: Alibaba's /ext/rrpc/{MessageId}/sys/{pk}/{dn}/thing/service/{Identifier} (request
 * and reply on the same topic; Link SDK 4.x) or /sys/{pk}/{dn}/rrpc/request/{MessageId} (reply on rrpc/response/).
 * The /ext/rrpc/ form when the device said so in its client id (ext=1, seen by the embedded broker), or when its
 * product or itself is listed in gateway.rrpc.ext-devices (an external broker does not show the gateway client ids).
 */
public final class RrpcForms {

    private final Set<String> configured;
    private final DevicePresence presence;

    /** listed: ProductKeys and ProductKey/DeviceName pairs, comma separated (null: none). */
    public RrpcForms(String listed, DevicePresence presence) {
        this.configured = listed == null ? Set.of()
                : Arrays.stream(listed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        this.presence = presence;
    }

    public boolean extRrpc(Device device) {
        return configured.contains(device.productKey()) || configured.contains(device.productKey() + "/" + device.deviceName())
                || presence.asksForExtRrpc(device.productKey(), device.deviceName());
    }
}
