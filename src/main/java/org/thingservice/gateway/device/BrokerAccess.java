package org.thingservice.gateway.device;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Supplier;
import org.thingservice.gateway.registry.DeviceIdentity;
import org.thingservice.gateway.registry.DeviceRegistry;

/**
 * Who may connect to the embedded broker: the gateway's own clients with its login, and devices with a valid Alibaba
 * signature of their login (see {@link DeviceLogin}) by a device that exists and is enabled. Without device
 * authentication (deviceAuth false, for tests and trusted networks) every client is let in, and one whose user name
 * names a registered device still counts as that device for presence.
 *
 * <p>Devices are read from the registry at every connect, never remembered: a secret changed or a device disabled
 * holds from the next connect. The broker starts before the registry: until it exists, devices are told to come back
 * (Server unavailable), as Link SDKs then retry.
 */
public final class BrokerAccess {

    /** The user name and password every client of the gateway connects with. */
    public record GatewayLogin(String userName, String password) {
        @Override
        public String toString() {
            return "GatewayLogin[userName=" + userName + "]"; // never the password
        }
    }

    /** What a client is let in as, or why not. */
    public sealed interface Decision {
    }

    /** One of the gateway's clients: every topic. */
    public record Gateway() implements Decision {
    }

    /** Any client, device authentication being off: every topic. device: the device its user name names, if any. */
    public record Anyone(Optional<DeviceLogin> device) implements Decision {
    }

    /** A device, on its own topics. */
    public record Device(DeviceLogin login) implements Decision {
    }

    /** Refused; retry: the registry is not there yet (the client may come back), else its login is wrong. */
    public record Refused(String reason, boolean retry) implements Decision {
    }

    private final GatewayLogin gateway;
    private final Supplier<DeviceRegistry> registry;
    private final boolean deviceAuth;

    /** registry: the device registry, or null until it exists. */
    public BrokerAccess(GatewayLogin gateway, Supplier<DeviceRegistry> registry, boolean deviceAuth) {
        this.gateway = gateway;
        this.registry = registry;
        this.deviceAuth = deviceAuth;
    }

    public Decision decide(String clientId, String userName, byte[] password) {
        if (gateway.userName().equals(userName)) {
            return MessageDigest.isEqual(gateway.password().getBytes(StandardCharsets.UTF_8), password == null ? new byte[0] : password)
                    ? new Gateway() : new Refused("wrong password for the gateway's user", false);
        }
        Optional<DeviceLogin> login = DeviceLogin.parse(clientId, userName)
                .filter(l -> DeviceTopics.isTopicSafe(l.productKey()) && DeviceTopics.isTopicSafe(l.deviceName()));
        if (!deviceAuth) {
            return new Anyone(login.filter(l -> known(l).filter(DeviceIdentity::enabled).isPresent()));
        }
        if (login.isEmpty()) {
            return new Refused("not a device login: the user name must be DeviceName&ProductKey", false);
        }
        DeviceLogin device = login.get();
        if (registry.get() == null) {
            return new Refused("the gateway is starting", true);
        }
        Optional<DeviceIdentity> identity = known(device);
        if (identity.isEmpty()) {
            return new Refused("no device " + device.productKey() + "/" + device.deviceName(), false);
        }
        if (!identity.get().enabled()) {
            return new Refused("device " + device.productKey() + "/" + device.deviceName() + " is disabled", false);
        }
        if (!device.signedWith(identity.get().secret(), password)) {
            return new Refused("wrong signature (" + device.signMethod() + ") for device " + device.productKey() + "/" + device.deviceName(), false);
        }
        return new Device(device);
    }

    private Optional<DeviceIdentity> known(DeviceLogin login) {
        DeviceRegistry devices = registry.get();
        return devices == null ? Optional.empty() : devices.login(login.productKey(), login.deviceName());
    }
}
