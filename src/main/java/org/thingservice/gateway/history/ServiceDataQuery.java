package org.thingservice.gateway.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.SQLException;
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
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.RequestValidator;
import org.thingservice.gateway.registry.DeviceRegistry;

/**
 * QueryDeviceServiceData: a device's service calls in a time range, a page at a time, in Alibaba's shape
 * (Data.NextValid, Data.NextTime, Data.List.ServiceInfo[] with Time, Identifier, Name, InputData, OutputData), and
 * with what the gateway knows beyond it: MessageId, Source, Outcome, Late, ReplyTime, ReplyCode.
 *
 * <p>Paging: NextTime is the time of the first call not on the page; the next page asks from it (StartTime when
 * Asc=1, EndTime otherwise), both bounds included. Calls of that very millisecond are then left off this page, so none
 * is shown twice or skipped, unless more than PageSize calls share one millisecond: the rest of that millisecond is
 * then skipped.
 */
public final class ServiceDataQuery {

    private static final Logger LOG = LoggerFactory.getLogger("org.thingservice.gateway.Invocations");
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String ACTION = "QueryDeviceServiceData";
    /** PageSize: at most this many calls a page, as on Alibaba */
    static final int MAX_PAGE_SIZE = 50;
    static final int DEFAULT_PAGE_SIZE = 10;

    private final DeviceRegistry registry;
    private final ServiceCallStore store;
    private final boolean enabled;

    public ServiceDataQuery(DeviceRegistry registry, ServiceCallStore store, boolean enabled) {
        this.registry = registry;
        this.store = store;
        this.enabled = enabled;
    }

    public ActionResponse query(@ExchangeProperty(Exchanges.PARAMS) Map<String, String> params,
            @ExchangeProperty(Exchanges.REQUEST_ID) String requestId) {
        if (!enabled) {
            throw ApiException.business(ErrorCodes.API_NOT_SUPPORTED, "This gateway keeps no service-call history (gateway.history.enabled=false).");
        }
        RequestValidator.checkDevice(params.get("IotId"), params.get("ProductKey"), params.get("DeviceName"));
        String iotId = registry.require(params.get("IotId"), params.get("ProductKey"), params.get("DeviceName")).device().iotId();
        long start = number(params, "StartTime", null);
        long end = number(params, "EndTime", null);
        if (start > end) {
            throw invalid("StartTime must not be after EndTime.");
        }
        long asc = number(params, "Asc", 0L);
        if (asc != 0 && asc != 1) {
            throw invalid("Asc is 0 (newest first) or 1 (oldest first).");
        }
        long size = number(params, "PageSize", (long) DEFAULT_PAGE_SIZE);
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw invalid("PageSize is from 1 to " + MAX_PAGE_SIZE + ".");
        }
        String identifier = params.get("Identifier");
        List<ServiceCall> calls;
        try {
            calls = store.page(new ServiceCallStore.Page(iotId, identifier, start, end, asc == 1, (int) size));
        } catch (SQLException e) {
            LOG.warn("Cannot read the service-call history ({})", e.getMessage());
            throw ApiException.business(ErrorCodes.SYSTEM, "The service-call history cannot be read now; retry later.");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        boolean more = calls.size() > size;
        if (more) {
            long next = calls.get((int) size).calledAt();
            List<ServiceCall> page = new ArrayList<>(calls.subList(0, (int) size));
            page.removeIf(call -> call.calledAt() == next);
            if (page.isEmpty()) { // more than PageSize calls in one millisecond: go past it
                page = calls.subList(0, (int) size);
                data.put("NextTime", asc == 1 ? next + 1 : next - 1);
            } else {
                data.put("NextTime", next);
            }
            calls = page;
        }
        data.put("NextValid", more);
        List<Map<String, Object>> infos = new ArrayList<>(calls.size());
        for (ServiceCall call : calls) {
            infos.add(info(call));
        }
        data.put("List", Map.of("ServiceInfo", infos));
        LOG.info("{} RequestId={} calls={} outcome=Success", ACTION, requestId, infos.size());
        return ActionResponse.success(ACTION, requestId, data);
    }

    private static Map<String, Object> info(ServiceCall call) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("Time", Long.toString(call.calledAt()));
        info.put("Identifier", call.identifier());
        info.put("Name", call.identifier());
        info.put("InputData", call.args() == null ? "" : call.args());
        JsonNode reply = parse(call.reply());
        info.put("OutputData", reply == null ? "" : reply.has("data") ? reply.get("data").toString() : call.reply());
        info.put("MessageId", call.messageId() == null ? "" : call.messageId());
        info.put("Source", call.source());
        info.put("Outcome", call.outcome());
        info.put("Late", call.late());
        if (call.repliedAt() != null) {
            info.put("ReplyTime", Long.toString(call.repliedAt()));
        }
        if (reply != null && reply.has("code")) {
            info.put("ReplyCode", reply.get("code").asText());
        }
        return info;
    }

    /** The reply as JSON, or null when there is none or it is not JSON (it is then shown as it came). */
    private static JsonNode parse(String reply) {
        if (reply == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(reply);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static long number(Map<String, String> params, String name, Long absent) {
        String value = params.get(name);
        if (value == null) {
            if (absent == null) {
                throw ApiException.missingParameter(name);
            }
            return absent;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(name + " must be a whole number" + ("StartTime".equals(name) || "EndTime".equals(name) ? " of ms since 1970" : "")
                    + "; got \"" + ApiException.echo(value) + "\".");
        }
    }

    private static ApiException invalid(String message) {
        return ApiException.business(ErrorCodes.INVALID_FORMATTED_PARAMETER, message);
    }
}
