package org.thingservice.gateway.device;

import java.util.ArrayList;
import java.util.List;

/**
 * The topics a device may use on the embedded broker, and the ones it is subscribed to when it asks ({@code _ss=1}).
 * A device is confined to its own topics, as on Alibaba: /sys/{pk}/{dn}/…, /ext/rrpc/+/sys/{pk}/{dn}/…, its
 * shadow's /shadow/{get,update}/{pk}/{dn} (the SDKs subscribe it) and its custom topics /{pk}/{dn}/…, except /{pk}/{dn}/thing/downlink/…, where the gateway forwards async replies to
 * applications (a device writing there could forge its own replies). Anything else is refused.
 */
public final class DeviceTopics {

    /** A permission: the first one whose filter matches a topic decides, for publishing and subscribing alike. */
    public record Rule(String filter, boolean allow) {
    }

    private DeviceTopics() {
    }

    /** The device's permissions, in order; what none of them names is refused. */
    public static List<Rule> permissions(String productKey, String deviceName) {
        String own = productKey + "/" + deviceName;
        return List.of(
                new Rule("/sys/" + own + "/#", true),
                new Rule("/ext/rrpc/+/sys/" + own + "/#", true),
                new Rule("/shadow/+/" + own, true),
                new Rule("/" + own + "/thing/downlink/#", false),
                new Rule("/" + own + "/#", true));
    }

    /**
     * What a device that connects with {@code _ss=1} is subscribed to, as Alibaba's broker does for the Link SDKs:
     * its service calls (async), its RRPC requests (sync) and, when it takes them in the /ext/rrpc/ form, those.
     */
    public static List<String> serviceSubscriptions(String productKey, String deviceName, boolean extRrpc) {
        String own = productKey + "/" + deviceName;
        List<String> filters = new ArrayList<>(List.of("/sys/" + own + "/thing/service/+", "/sys/" + own + "/rrpc/request/+"));
        if (extRrpc) {
            filters.add("/ext/rrpc/+/sys/" + own + "/thing/service/+");
        }
        return filters;
    }

    /** Whether a ProductKey or DeviceName can stand in a topic filter as itself (no level separator, no wildcard). */
    public static boolean isTopicSafe(String name) {
        return !name.isEmpty() && name.chars().noneMatch(c -> c == '/' || c == '+' || c == '#' || c == 0);
    }
}
