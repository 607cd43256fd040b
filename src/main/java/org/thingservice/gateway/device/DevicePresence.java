package org.thingservice.gateway.device;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.registry.DeviceRegistry;

/**
 * Which devices are connected to the embedded broker, from its connect and disconnect events: counted per device in
 * memory (a device may have more than one connection for a moment, when it reconnects before the broker noticed its
 * old connection was gone), and written to the registry (status ONLINE / OFFLINE, when) as the count leaves or
 * returns to zero, for QueryDeviceDetail, GetDeviceStatus and BatchGetDeviceState.
 *
 * <p>A sync call to a device with no connection fails at once with iot.messagebroker.OFFLINE, as on Alibaba, rather
 * than after its Timeout; but only when every device connection is known for sure (refuseOffline: device
 * authentication on, so each connection is a device's own, and no simulated devices, which answer for devices that
 * never connect). Async calls go out anyway: their request expires unread if the device does not come back in time.
 */
public final class DevicePresence {

    private static final Logger LOG = LoggerFactory.getLogger(DevicePresence.class);

    private final Clock clock;
    private final boolean tracked;
    private final boolean refuseOffline;
    /** per device, its connections: how many by client id (a reconnect under the same id may overlap the old one) */
    private final Map<String, Map<String, Integer>> connections = new ConcurrentHashMap<>();
    /** whether each device's latest connection asked for the /ext/rrpc/ sync form (ext=1 in its client id) */
    private final Map<String, Boolean> extRrpc = new ConcurrentHashMap<>();
    private volatile DeviceRegistry registry;
    private volatile Consumer<String> closer;

    /**
     * tracked: the gateway's own (embedded) broker tells it of every connection; refuseOffline: sync calls to devices
     * without a connection fail at once (only when tracked).
     */
    public DevicePresence(Clock clock, boolean tracked, boolean refuseOffline) {
        this.clock = clock;
        this.tracked = tracked;
        this.refuseOffline = tracked && refuseOffline;
    }

    /** Whether devices' presence is known (the embedded broker); with an external broker it is not, and never guessed. */
    public boolean tracked() {
        return tracked;
    }

    /**
     * The registry is there (the broker started before it): what an earlier run left ONLINE is OFFLINE now, since no
     * device can have connected yet (the broker lets none in before this), and devices may connect from now on.
     */
    public void open(DeviceRegistry devices) {
        if (tracked) {
            devices.allOffline(clock.millis());
        }
        registry = devices;
    }

    /** The registry devices are checked against, or null before open. */
    public DeviceRegistry registry() {
        return registry;
    }

    /** A device's connection was accepted; extRrpc: its client id asked for the /ext/rrpc/ sync form. */
    public void connected(String productKey, String deviceName, String clientId, boolean extRrpc) {
        this.extRrpc.put(key(productKey, deviceName), extRrpc);
        // recorded inside compute: a device's ONLINE and OFFLINE are written in the order its events happened
        connections.compute(key(productKey, deviceName), (k, clients) -> {
            if (clients == null) {
                record(productKey, deviceName, true);
                clients = new HashMap<>();
            }
            clients.merge(clientId, 1, Integer::sum);
            return clients;
        });
    }

    /** A device's connection ended (closed, lost, taken over by a newer one). */
    public void disconnected(String productKey, String deviceName, String clientId) {
        connections.computeIfPresent(key(productKey, deviceName), (k, clients) -> {
            clients.computeIfPresent(clientId, (id, n) -> n > 1 ? n - 1 : null);
            if (!clients.isEmpty()) {
                return clients;
            }
            record(productKey, deviceName, false);
            return null;
        });
    }

    /** How the broker closes a client's connection, given by the broker once it runs. */
    public void closer(Consumer<String> closer) {
        this.closer = closer;
    }

    /** DisableThing: the device's connections are closed, as on Alibaba (it is refused when it comes back). */
    public void disconnect(Device device) {
        Map<String, Integer> clients = connections.get(key(device.productKey(), device.deviceName()));
        if (clients != null && closer != null) {
            List.copyOf(clients.keySet()).forEach(closer);
        }
    }

    /** Whether the device's latest connection to the embedded broker asked for the /ext/rrpc/ sync form. */
    public boolean asksForExtRrpc(String productKey, String deviceName) {
        return extRrpc.getOrDefault(key(productKey, deviceName), false);
    }

    public boolean isOnline(String productKey, String deviceName) {
        return connections.containsKey(key(productKey, deviceName));
    }

    /** The invoke pipeline's step after the lookup: a sync call to a device known to be offline fails now. */
    public void requireOnline(Invocation invocation) {
        Device device = invocation.device();
        if (refuseOffline && invocation.service().sync() && !isOnline(device.productKey(), device.deviceName())) {
            throw ApiException.business(ErrorCodes.OFFLINE, "The device " + device.productKey() + "/" + device.deviceName()
                    + " is offline (not connected to the broker); nothing was sent to it.");
        }
    }

    private void record(String productKey, String deviceName, boolean online) {
        try {
            registry.presence(productKey, deviceName, online, clock.millis());
        } catch (RuntimeException e) {
            // the call path never reads these columns: a database hiccup costs a stale Status, not a call
            LOG.warn("Could not record that device {}/{} is {}: {}", productKey, deviceName, online ? "ONLINE" : "OFFLINE", e.getMessage());
        }
    }

    private static String key(String productKey, String deviceName) {
        return productKey + "/" + deviceName;
    }
}
