package org.thingservice.gateway.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.api.ActionResponse;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.RequestValidator;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.registry.DeviceRegistry;

/**
 * The device-management actions, an Alibaba-compatible subset: each takes the parameters it needs, changes the
 * registry database (so every gateway instance sees the change on its next call) and answers in Alibaba's shape.
 */
public final class DeviceManagement {

    private static final Logger LOG = LoggerFactory.getLogger("org.thingservice.gateway.Invocations");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeviceRegistry registry;

    public DeviceManagement(DeviceRegistry registry) {
        this.registry = registry;
    }

    /** RegisterDevice: ProductKey, DeviceName, optional IotId (generated when absent). */
    public ActionResponse registerDevice(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        String productKey = required(params, "ProductKey");
        String deviceName = required(params, "DeviceName");
        String iotId = params.get("IotId");
        RequestValidator.checkDevice(null, productKey, deviceName);
        if (iotId != null) {
            RequestValidator.checkDevice(iotId, null, null);
        }
        return answer("RegisterDevice", requestId, describe(registry.register(productKey, deviceName, iotId), null));
    }

    /** QueryDeviceDetail: IotId or ProductKey+DeviceName. */
    public ActionResponse queryDeviceDetail(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        DeviceRegistry.Entry entry = device(params);
        return answer("QueryDeviceDetail", requestId, describe(entry.device(), entry.enabled()));
    }

    public ActionResponse deleteDevice(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        registry.delete(device(params).device());
        return answer("DeleteDevice", requestId, null);
    }

    /** DisableThing: the device keeps its record; a call to it answers iot.device.DeviceHasBeenDisabled. */
    public ActionResponse disableThing(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        registry.enable(device(params).device(), false);
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
        String productKey = required(params, "ProductKey");
        RequestValidator.checkProductKey(productKey);
        ObjectNode tsl = tslObject(required(params, "TslStr"));
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

    /** Any other Action, as Alibaba answers it. */
    public void unknownAction(@ExchangeProperty(Exchanges.ACTION) String action) {
        throw new ApiException(404, "InvalidApi.NotFound", "Specified api is not found, please check your url and method: " + action);
    }

    private DeviceRegistry.Entry device(Map<String, String> params) {
        RequestValidator.checkDevice(params.get("IotId"), params.get("ProductKey"), params.get("DeviceName"));
        return registry.require(params.get("IotId"), params.get("ProductKey"), params.get("DeviceName"));
    }

    /**
     * Status as QueryDeviceDetail names it: DISABLE, or UNACTIVE for an enabled device, since the gateway does not
     * track device connections (Alibaba's ONLINE / OFFLINE).
     */
    private static Map<String, Object> describe(Device device, Boolean enabled) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("IotId", device.iotId());
        data.put("ProductKey", device.productKey());
        data.put("DeviceName", device.deviceName());
        if (enabled != null) {
            data.put("Status", enabled ? "UNACTIVE" : "DISABLE");
        }
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

    private static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null) {
            throw ApiException.missingParameter(name);
        }
        return value;
    }

    private static ApiException invalid(String message) {
        return ApiException.business(ErrorCodes.INVALID_FORMATTED_PARAMETER, message);
    }

    private static ActionResponse answer(String action, String requestId, Map<String, Object> data) {
        LOG.info("{} RequestId={} outcome=Success", action, requestId);
        return ActionResponse.success(action, requestId, data);
    }
}
