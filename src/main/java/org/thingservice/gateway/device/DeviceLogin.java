package org.thingservice.gateway.device;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An Alibaba device's MQTT login, and the one rule that signs it (used by the embedded broker to check devices, and
 * by the simulator and the tests to log in as devices). As the Link SDKs send it:
 * <ul>
 * <li>client id {@code {id}|securemode=3,signmethod=hmacsha1,timestamp=1700000000000,_ss=1,ext=1,…|}: the id, then
 * options between bars (Link SDK 4.x puts {@code timestamp} first; any order, unknown options ignored);</li>
 * <li>user name {@code {DeviceName}&{ProductKey}};</li>
 * <li>password: the lower-case hex HMAC, keyed with the DeviceSecret, of
 * {@code clientId{id}deviceName{dn}productKey{pk}timestamp{ts}} (the parameters sorted by name; timestamp only when
 * the client id has one). signmethod hmacsha1, hmacsha256 or hmacmd5 (Alibaba's default when absent).</li>
 * </ul>
 * securemode (2 TLS, 3 TCP) is not signed and not checked: what the connection really is, the listener decides. The
 * timestamp is only signed, never compared with the clock: Alibaba's documents call it optional ("可以不传递"), the
 * Node.js SDK signs the time it was created and reconnects with it for days, and a device without a clock (no NTP
 * yet) must still connect.
 *
 * @param id the client id before the first bar
 * @param options the options between the bars, lower-case names
 */
public record DeviceLogin(String id, String productKey, String deviceName, Map<String, String> options) {

    /** Alibaba's default when the client id names no signmethod. */
    public static final String DEFAULT_SIGN_METHOD = "hmacmd5";

    /** The login of a client, when its user name is {@code dn&pk}; empty for any other client. */
    public static Optional<DeviceLogin> parse(String clientId, String userName) {
        if (userName == null || clientId == null) {
            return Optional.empty();
        }
        int amp = userName.lastIndexOf('&');
        if (amp <= 0 || amp == userName.length() - 1) {
            return Optional.empty();
        }
        String id = clientId;
        Map<String, String> options = new LinkedHashMap<>();
        int bar = clientId.indexOf('|');
        if (bar >= 0) {
            id = clientId.substring(0, bar);
            int end = clientId.indexOf('|', bar + 1);
            String list = clientId.substring(bar + 1, end < 0 ? clientId.length() : end);
            for (String option : list.split(",")) {
                int eq = option.indexOf('=');
                if (eq > 0) {
                    options.put(option.substring(0, eq).trim().toLowerCase(Locale.ROOT), option.substring(eq + 1).trim());
                }
            }
        }
        return Optional.of(new DeviceLogin(id, userName.substring(amp + 1), userName.substring(0, amp), Map.copyOf(options)));
    }

    public String signMethod() {
        return options.getOrDefault("signmethod", DEFAULT_SIGN_METHOD).toLowerCase(Locale.ROOT);
    }

    /** {@code _ss=1}: the device wants the broker to subscribe it to its service topics (Link SDK 4.x). */
    public boolean wantsSubscriptions() {
        return "1".equals(options.get("_ss"));
    }

    /** {@code ext} bit 0: the device takes sync services on /ext/rrpc/{id}/sys/… (Link SDK 4.x ext=1 or ext=3). */
    public boolean extRrpc() {
        try {
            return (Integer.parseInt(options.getOrDefault("ext", "0")) & 1) == 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether the password is this login's signature with the secret (compared in constant time); never without a secret. */
    public boolean signedWith(String deviceSecret, byte[] password) {
        if (deviceSecret == null || password == null) {
            return false;
        }
        Optional<String> expected = sign(signMethod(), deviceSecret, id, deviceName, productKey, options.get("timestamp"));
        // hex in either case: SDKs differ
        byte[] given = new String(password, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        return expected.isPresent() && MessageDigest.isEqual(expected.get().getBytes(StandardCharsets.UTF_8), given);
    }

    /**
     * The password of a device login: hex HMAC of the sorted parameters (timestamp left out when null); empty for a
     * signmethod other than hmacsha1, hmacsha256 and hmacmd5.
     */
    public static Optional<String> sign(String signMethod, String deviceSecret, String id, String deviceName, String productKey,
            String timestamp) {
        String algorithm = switch (signMethod.toLowerCase(Locale.ROOT)) {
            case "hmacsha1" -> "HmacSHA1";
            case "hmacsha256" -> "HmacSHA256";
            case "hmacmd5" -> "HmacMD5";
            default -> null;
        };
        if (algorithm == null) {
            return Optional.empty();
        }
        String content = "clientId" + id + "deviceName" + deviceName + "productKey" + productKey
                + (timestamp != null ? "timestamp" + timestamp : "");
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(deviceSecret.getBytes(StandardCharsets.UTF_8), algorithm));
            return Optional.of(HexFormat.of().formatHex(mac.doFinal(content.getBytes(StandardCharsets.UTF_8))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }

    /** The client id, user name and password a device logs in with, as the Link SDKs make them. */
    public record Credentials(String clientId, String userName, String password) {
    }

    /**
     * A device's login made the Link SDKs' way: client id {@code {pk}.{dn}|securemode=3,signmethod=…,timestamp=now,extra|}
     * (extra: more options such as {@code _ss=1,ext=1}, or empty).
     */
    public static Credentials credentials(String productKey, String deviceName, String deviceSecret, String signMethod, String extra) {
        String id = productKey + "." + deviceName;
        String timestamp = Long.toString(System.currentTimeMillis());
        String clientId = id + "|securemode=3,signmethod=" + signMethod + ",timestamp=" + timestamp
                + (extra == null || extra.isEmpty() ? "" : "," + extra) + "|";
        return new Credentials(clientId, deviceName + "&" + productKey,
                sign(signMethod, deviceSecret, id, deviceName, productKey, timestamp).orElseThrow());
    }
}
