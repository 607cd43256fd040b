package org.thingservice.gateway.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Whether HTTP callers must sign their calls. On unless said otherwise, with one exception: the embedded demo
 * (embedded broker, simulated devices) on a loopback address, where nobody else can call it. Off on an address others
 * can reach needs gateway.auth.allow-insecure=true: the gateway refuses to start rather than serve everyone.
 *
 * @param enabled whether callers must sign
 * @param warning what to log at WARN about this choice, or null
 */
public record AuthenticationPolicy(boolean enabled, String warning) {

    /**
     * @param enabledSetting gateway.auth.enabled as set, or null when unset
     * @param embeddedBroker whether the gateway runs its embedded broker (gateway.mqtt.url unset)
     * @param host           camel.server.host, the address the HTTP API listens on
     * @param allowInsecure  gateway.auth.allow-insecure
     * @throws IllegalStateException when authentication would be off on a non-loopback address without allowInsecure
     */
    public static AuthenticationPolicy decide(String enabledSetting, boolean embeddedBroker, String host, boolean allowInsecure) {
        boolean loopback = isLoopback(host);
        if (enabledSetting == null && embeddedBroker && loopback) {
            return new AuthenticationPolicy(false, "Caller authentication is off: the embedded demo listens on loopback "
                    + host + " only. Set gateway.auth.enabled=true and gateway.auth.keys to require signed calls.");
        }
        if (enabledSetting == null || Boolean.parseBoolean(enabledSetting)) {
            return new AuthenticationPolicy(true, null);
        }
        if (loopback) {
            return new AuthenticationPolicy(false, "Caller authentication is off (gateway.auth.enabled=false); the HTTP API "
                    + "listens on loopback " + host + " only.");
        }
        if (!allowInsecure) {
            throw new IllegalStateException("Refusing to start: caller authentication is off (gateway.auth.enabled=false) "
                    + "while the HTTP API listens on " + host + ", which is not a loopback address: anyone who reaches it "
                    + "could invoke any device. Turn authentication on (gateway.auth.enabled=true with a keys file in "
                    + "gateway.auth.keys), listen on 127.0.0.1 (camel.server.host), or, if something in front of the "
                    + "gateway authenticates callers, say so with gateway.auth.allow-insecure=true.");
        }
        return new AuthenticationPolicy(false, "Caller authentication is OFF on " + host + ", a non-loopback address "
                + "(gateway.auth.allow-insecure=true): anyone who reaches it can invoke any device.");
    }

    /** 127.0.0.0/8, ::1 and names that resolve to them; a name that does not resolve is not loopback. */
    public static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false; // the HTTP server then listens on every address
        }
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return InetAddress.getByName(name).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
