package org.thingservice.gateway.invoke;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.api.ActionResponse;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.registry.DeviceRegistry;
import org.thingservice.gateway.text.Texts;

/**
 * InvokeThingsService: one async service on up to 100 devices of one product (ProductKey, DeviceName.1…N, Identifier,
 * Args), each device's call then going through the invoke pipeline as an InvokeThingService call would
 * (routes/manage.camel.yaml splits them to routes/invoke-things.camel.yaml).
 *
 * <p>All or nothing: every device is checked first (its name, that it exists and is enabled, the service is async and
 * the Args fit its thing model); if any fails, the whole call fails with the first failure's Alibaba code and a
 * message naming every device that failed and why, and no device gets the request. Alibaba's answer has no Data, so
 * a partial success could not say which devices were skipped.
 */
public final class BatchInvocation {

    private static final Logger LOG = LoggerFactory.getLogger("org.thingservice.gateway.Invocations");
    public static final String ACTION = "InvokeThingsService";
    /** DeviceName.N: at most this many devices a call, as on Alibaba */
    public static final int MAX_DEVICES = 100;

    private final RequestValidator requestValidator;
    private final DeviceRegistry registry;
    private final ThingModelValidator thingModelValidator;

    public BatchInvocation(RequestValidator requestValidator, DeviceRegistry registry, ThingModelValidator thingModelValidator) {
        this.requestValidator = requestValidator;
        this.registry = registry;
        this.thingModelValidator = thingModelValidator;
    }

    /** Checks the call and every device: the Invocations to send, one per device in the order given, or the failure. */
    public List<Invocation> prepare(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, String> params = exchange.getProperty(Exchanges.PARAMS, Map.class);
        String requestId = exchange.getProperty(Exchanges.REQUEST_ID, String.class);
        String productKey = ApiException.required(params, "ProductKey");
        RequestValidator.checkProductKey(productKey);
        String identifier = ApiException.required(params, "Identifier");
        String args = ApiException.required(params, "Args");
        List<String> names = new ArrayList<>();
        for (int i = 1; params.containsKey("DeviceName." + i); i++) {
            names.add(params.get("DeviceName." + i));
        }
        if (names.isEmpty()) {
            throw ApiException.missingParameter("DeviceName.1");
        }
        if (names.size() > MAX_DEVICES) {
            throw ApiException.business(ErrorCodes.INVALID_FORMATTED_PARAMETER, "At most " + MAX_DEVICES + " devices a call (DeviceName.1 to DeviceName."
                    + MAX_DEVICES + "); got " + names.size() + ".");
        }
        Set<String> distinct = new LinkedHashSet<>(names);
        if (distinct.size() < names.size()) {
            throw ApiException.business(ErrorCodes.INVALID_FORMATTED_PARAMETER, "A device is named more than once in DeviceName.N; "
                    + "name each device once.");
        }
        List<Invocation> invocations = new ArrayList<>(names.size());
        // failures by code, each with the devices it hit, in the order first met
        Map<String, List<String>> failed = new LinkedHashMap<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        for (String name : names) {
            Invocation invocation = new Invocation(new InvokeRequest(requestId, null, productKey, name, identifier, args, null, false),
                    Exchanges.format(exchange));
            try {
                requestValidator.validate(invocation);
                registry.lookup(invocation);
                if (invocation.service().sync()) {
                    throw ApiException.business(ErrorCodes.INVOKE_FAILED, "InvokeThingsService calls async services only; "
                            + identifier + " is sync (call it with InvokeThingService).");
                }
                thingModelValidator.check(invocation);
                invocations.add(invocation);
            } catch (ApiException e) {
                failed.computeIfAbsent(e.code(), code -> new ArrayList<>()).add(Texts.shorten(name, 80));
                reasons.putIfAbsent(e.code(), e.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            StringBuilder message = new StringBuilder("Nothing was sent: ").append(names.size() - invocations.size()).append(" of ")
                    .append(names.size()).append(" devices cannot take this call.");
            failed.forEach((code, devices) -> message.append(' ').append(code).append(" for ").append(String.join(", ", devices))
                    .append(" (").append(reasons.get(code)).append(')'));
            throw ApiException.business(failed.keySet().iterator().next(), message.toString());
        }
        return invocations;
    }

    /** Every device's request has been handed to the pipeline (its outcome is in its history): Alibaba's answer, no Data. */
    public ActionResponse answer(Exchange exchange) {
        String requestId = exchange.getProperty(Exchanges.REQUEST_ID, String.class);
        LOG.info("{} RequestId={} devices={} outcome=Success", ACTION, requestId, exchange.getMessage().getBody(List.class).size());
        return ActionResponse.success(ACTION, requestId, null);
    }

    /** One device's call, in the split: the Invocation for the pipeline, answered as an InvokeThingService call. */
    public void device(Exchange exchange) {
        exchange.setProperty(Exchanges.INVOCATION, exchange.getMessage().getBody(Invocation.class));
        exchange.setProperty(Exchanges.ACTION, InvokeRequest.ACTION);
    }

}
