package org.thingservice.gateway.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.api.ActionResponse;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.device.DevicePresence;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.RequestValidator;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.registry.DeviceIdentity;
import org.thingservice.gateway.registry.DeviceRegistry;
import org.thingservice.gateway.text.Texts;

/**
 * The device-management actions, an Alibaba-compatible subset: each takes the parameters it needs, changes the
 * registry database (so every gateway instance sees the change on its next call) and answers in Alibaba's shape.
 */
public final class DeviceManagement {

    private static final Logger LOG = LoggerFactory.getLogger("org.thingservice.gateway.Invocations");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** BatchGetDeviceState: at most this many devices a call, as on Alibaba */
    static final int MAX_BATCH_DEVICES = 50;
    /** QueryProductList: at most this many products a page, as on Alibaba (and as many when PageSize is absent) */
    static final int MAX_PRODUCT_PAGE = 200;
    /** QueryDevice: at most this many devices a page, as on Alibaba */
    static final int MAX_DEVICE_PAGE = 50;
    /** QueryDevice: devices a page when PageSize is absent, as on Alibaba */
    private static final int DEFAULT_DEVICE_PAGE = 10;
    /** LastOnlineTime's format (Alibaba: 2020-01-17 16:19:11, UTC here) */
    private static final DateTimeFormatter ONLINE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final DeviceRegistry registry;
    private final DevicePresence presence;
    private final boolean presenceTracked;

    /** A device's status as the registry records it, and no connection to close (for tests of the registry's side). */
    public DeviceManagement(DeviceRegistry registry) {
        this(registry, new DevicePresence(Clock.systemUTC(), true, false));
    }

    /** presence not tracked (an external broker): a device's status is UNKNOWN, unless it is disabled. */
    public DeviceManagement(DeviceRegistry registry, DevicePresence presence) {
        this.registry = registry;
        this.presence = presence;
        this.presenceTracked = presence.tracked();
    }

    /** RegisterDevice: ProductKey, DeviceName, optional IotId (generated when absent); answers with the new DeviceSecret. */
    public ActionResponse registerDevice(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        String productKey = ApiException.required(params, "ProductKey");
        String deviceName = ApiException.required(params, "DeviceName");
        String iotId = params.get("IotId");
        RequestValidator.checkDevice(null, productKey, deviceName);
        if (iotId != null) {
            RequestValidator.checkDevice(iotId, null, null);
        }
        Device device = registry.register(productKey, deviceName, iotId);
        Map<String, Object> data = describe(device);
        data.put("DeviceSecret", registry.identity(device.iotId(), null, null).secret());
        return answer("RegisterDevice", requestId, data);
    }

    /** QueryDeviceDetail: IotId or ProductKey+DeviceName; with its DeviceSecret and Status (and when it was last online). */
    public ActionResponse queryDeviceDetail(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        DeviceIdentity identity = identity(params);
        Map<String, Object> data = describe(identity.device());
        data.put("DeviceSecret", identity.secret());
        data.put("Status", status(identity));
        if (presenceTracked && identity.onlineAt() != null) {
            data.put("GmtOnline", ONLINE_TIME.format(Instant.ofEpochMilli(identity.onlineAt())));
            data.put("UtcOnline", Instant.ofEpochMilli(identity.onlineAt()).toString());
        }
        return answer("QueryDeviceDetail", requestId, data);
    }

    /** GetDeviceStatus: IotId or ProductKey+DeviceName; Data {Status, Timestamp of its last change (when known)}. */
    public ActionResponse getDeviceStatus(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        DeviceIdentity identity = identity(params);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("Status", status(identity));
        if (presenceTracked && identity.statusAt() != null) {
            data.put("Timestamp", identity.statusAt());
        }
        return answer("GetDeviceStatus", requestId, data);
    }

    /**
     * BatchGetDeviceState: IotId.1…IotId.50, or ProductKey with DeviceName.1…DeviceName.50; answers
     * DeviceStatusList.DeviceStatus, one per device asked for, in the order asked.
     */
    public ActionResponse batchGetDeviceState(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        List<String> iotIds = repeated(params, "IotId");
        List<String> names = repeated(params, "DeviceName");
        String productKey = params.get("ProductKey");
        if (iotIds.isEmpty() && names.isEmpty()) {
            throw ApiException.missingParameter("IotId.1");
        }
        if (iotIds.size() + names.size() > MAX_BATCH_DEVICES) {
            throw invalid("At most " + MAX_BATCH_DEVICES + " devices a call.");
        }
        List<Map<String, Object>> states = new ArrayList<>();
        if (!iotIds.isEmpty()) {
            for (String iotId : iotIds) {
                RequestValidator.checkDevice(iotId, null, null);
                states.add(state(registry.identity(iotId, null, null)));
            }
        } else {
            for (String name : names) {
                RequestValidator.checkDevice(null, productKey, name);
                states.add(state(registry.identity(null, productKey, name)));
            }
        }
        LOG.info("BatchGetDeviceState RequestId={} outcome=Success", requestId);
        return ActionResponse.successAs("BatchGetDeviceState", requestId, "DeviceStatusList", Map.of("DeviceStatus", states));
    }

    private Map<String, Object> state(DeviceIdentity identity) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("IotId", identity.device().iotId());
        state.put("DeviceName", identity.device().deviceName());
        state.put("Status", status(identity));
        if (presenceTracked && identity.onlineAt() != null) {
            state.put("LastOnlineTime", ONLINE_TIME.format(Instant.ofEpochMilli(identity.onlineAt())));
        }
        if (presenceTracked && identity.statusAt() != null) {
            state.put("Timestamp", identity.statusAt());
        }
        return state;
    }

    /** Alibaba's Status, or UNKNOWN for an enabled device when the broker is not the gateway's own: never guessed. */
    private String status(DeviceIdentity identity) {
        return presenceTracked || !identity.enabled() ? identity.alibabaStatus() : "UNKNOWN";
    }

    /** The values of Name.1, Name.2, … in order, up to the first missing index. */
    private static List<String> repeated(Map<String, String> params, String name) {
        List<String> values = new ArrayList<>();
        for (int i = 1; params.containsKey(name + "." + i); i++) {
            values.add(params.get(name + "." + i));
        }
        return values;
    }

    public ActionResponse deleteDevice(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        registry.delete(device(params).device());
        return answer("DeleteDevice", requestId, null);
    }

    /**
     * DisableThing: the device keeps its record; a call to it answers iot.device.DeviceHasBeenDisabled, and its
     * connections to the embedded broker are closed (it is refused when it comes back), as on Alibaba.
     */
    public ActionResponse disableThing(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        Device device = device(params).device();
        registry.enable(device, false);
        presence.disconnect(device);
        return answer("DisableThing", requestId, null);
    }

    public ActionResponse enableThing(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        registry.enable(device(params).device(), true);
        return answer("EnableThing", requestId, null);
    }

    /**
     * ImportThingModelTsl: ProductKey, TslStr, optional FunctionBlockId. Takes effect at once (Alibaba imports into
     * a draft that PublishThingModel publishes). The parameters decide the product and module: the TSL's own
     * profile.productKey must match ProductKey if it has one, and its functionBlockId is set from FunctionBlockId.
     * Without FunctionBlockId it is the product's default TSL, which creates the product when it is new.
     */
    public ActionResponse importThingModelTsl(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        String productKey = ApiException.required(params, "ProductKey");
        RequestValidator.checkProductKey(productKey);
        ObjectNode tsl = tslObject(ApiException.required(params, "TslStr"));
        ObjectNode profile = tsl.get("profile") instanceof ObjectNode given ? given : tsl.putObject("profile");
        String declared = profile.path("productKey").asText("");
        if (!declared.isEmpty() && !declared.equals(productKey)) {
            throw invalid("TslStr is the thing model of product " + declared + ", not of " + productKey + ".");
        }
        profile.put("productKey", productKey);
        String functionBlockId = params.get("FunctionBlockId");
        if (functionBlockId == null) {
            tsl.remove("functionBlockId");
        } else {
            tsl.put("functionBlockId", functionBlockId);
        }
        try {
            registry.putProduct(tsl.toString());
        } catch (IllegalArgumentException e) {
            throw invalid("TslStr is not a usable thing model: " + e.getMessage() + ".");
        }
        return answer("ImportThingModelTsl", requestId, null);
    }

    /**
     * QueryProductList: CurrentPage (from 1), PageSize (at most 200); Data {CurrentPage, PageSize, PageCount, Total,
     * List.ProductInfo[]} with each product's ProductKey, ProductName (its key: the gateway keeps no other name),
     * DeviceCount, NodeType 0 (a device, no gateway) and DataFormat 1 (Alink JSON).
     */
    public ActionResponse queryProductList(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        Page page = Page.of(params, MAX_PRODUCT_PAGE, MAX_PRODUCT_PAGE);
        int total = registry.productCount();
        List<Map<String, Object>> products = new ArrayList<>();
        for (Map.Entry<String, Integer> product : registry.products(page.offset(), page.size())) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("ProductKey", product.getKey());
            info.put("ProductName", product.getKey());
            info.put("DeviceCount", product.getValue());
            info.put("NodeType", 0);
            info.put("DataFormat", 1);
            products.add(info);
        }
        Map<String, Object> data = page.describe("CurrentPage", total);
        data.put("List", Map.of("ProductInfo", products));
        return answer("QueryProductList", requestId, data);
    }

    /**
     * QueryDevice: ProductKey, CurrentPage (from 1), PageSize (at most 50); Data.DeviceInfo[] (IotId, ProductKey,
     * DeviceName, DeviceSecret, DeviceStatus) in device-name order, and Page, PageSize, PageCount, Total beside Data.
     */
    public ActionResponse queryDevice(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        String productKey = ApiException.required(params, "ProductKey");
        RequestValidator.checkProductKey(productKey);
        Page page = Page.of(params, DEFAULT_DEVICE_PAGE, MAX_DEVICE_PAGE);
        List<Map<String, Object>> devices = new ArrayList<>();
        for (DeviceIdentity identity : registry.devices(productKey, page.offset(), page.size())) {
            Map<String, Object> info = describe(identity.device());
            info.put("DeviceSecret", identity.secret());
            info.put("DeviceStatus", status(identity));
            devices.add(info);
        }
        LOG.info("QueryDevice RequestId={} outcome=Success", requestId);
        return ActionResponse.successWith("QueryDevice", requestId, Map.of("DeviceInfo", devices),
                page.describe("Page", registry.deviceCount(productKey)));
    }

    /**
     * GetThingModelTsl: ProductKey, optional FunctionBlockId (a custom module); Data.TslStr, the thing model as
     * imported (the published one: the gateway has no drafts). Simple and ModelVersion are ignored.
     */
    public ActionResponse getThingModelTsl(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        String productKey = ApiException.required(params, "ProductKey");
        RequestValidator.checkProductKey(productKey);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("TslStr", registry.thingModelTsl(productKey, params.get("FunctionBlockId")));
        return answer("GetThingModelTsl", requestId, data);
    }

    /** A page asked for by its number (CurrentPage, from 1) and PageSize (1…max, defaultSize when absent). */
    record Page(int number, int size) {

        static Page of(Map<String, String> params, int defaultSize, int max) {
            return new Page(positive(params, "CurrentPage", 1, Integer.MAX_VALUE), positive(params, "PageSize", defaultSize, max));
        }

        private static int positive(Map<String, String> params, String name, int absent, int max) {
            String value = params.get(name);
            if (value == null || value.isEmpty()) {
                return absent;
            }
            try {
                int number = Integer.parseInt(value.trim());
                if (number >= 1 && number <= max) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // answered below, as a number out of range
            }
            throw invalid(name + " must be a whole number from 1 to " + max + ", not " + Texts.shorten(value, 40) + ".");
        }

        int offset() {
            return (int) Math.min(Integer.MAX_VALUE, ((long) number - 1) * size);
        }

        /** The page's number (under numberName: Alibaba's actions name it differently), PageSize, PageCount, Total. */
        Map<String, Object> describe(String numberName, int total) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put(numberName, number);
            fields.put("PageSize", size);
            fields.put("PageCount", (total + size - 1) / size);
            fields.put("Total", total);
            return fields;
        }
    }

    /** Any other Action, as Alibaba answers it. */
    public void unknownAction(@ExchangeProperty(Exchanges.ACTION) String action) {
        throw new ApiException(404, "InvalidApi.NotFound", "Specified api is not found, please check your url and method: " + action);
    }

    private DeviceRegistry.Entry device(Map<String, String> params) {
        RequestValidator.checkDevice(params.get("IotId"), params.get("ProductKey"), params.get("DeviceName"));
        return registry.require(params.get("IotId"), params.get("ProductKey"), params.get("DeviceName"));
    }

    private DeviceIdentity identity(Map<String, String> params) {
        RequestValidator.checkDevice(params.get("IotId"), params.get("ProductKey"), params.get("DeviceName"));
        return registry.identity(params.get("IotId"), params.get("ProductKey"), params.get("DeviceName"));
    }

    private static Map<String, Object> describe(Device device) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("IotId", device.iotId());
        data.put("ProductKey", device.productKey());
        data.put("DeviceName", device.deviceName());
        return data;
    }

    private static ObjectNode tslObject(String tslStr) {
        JsonNode node;
        try {
            node = JSON.readTree(tslStr);
        } catch (IOException e) {
            throw invalid("TslStr is not JSON: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw invalid("TslStr must be a TSL JSON object.");
        }
        return object;
    }


    private static ApiException invalid(String message) {
        return ApiException.business(ErrorCodes.INVALID_FORMATTED_PARAMETER, message);
    }

    private static ActionResponse answer(String action, String requestId, Map<String, Object> data) {
        LOG.info("{} RequestId={} outcome=Success", action, requestId);
        return ActionResponse.success(action, requestId, data);
    }
}
