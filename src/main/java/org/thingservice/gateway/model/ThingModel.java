package org.thingservice.gateway.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One TSL document of a product, parsed from Alibaba TSL JSON once and then only read: the product's default
 * thing model, or one of its custom modules (a document with a functionBlockId).
 */
public final class ThingModel {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Alibaba's TSL-import rule for a module id (reference §4) */
    private static final Pattern FUNCTION_BLOCK_ID = Pattern.compile("[_a-zA-Z0-9]{1,30}");
    /**
     * Alibaba keeps the validation type (strong / weak / verification-free) on the product, not in the TSL JSON;
     * the gateway's products are TSL documents, so the default TSL says it: "profile": {"checkType": "free"}.
     */
    private static final String VERIFICATION_FREE = "free";

    private final String productKey;
    private final String functionBlockId;
    private final boolean verificationFree;
    private final Map<String, ThingService> services;

    private ThingModel(String productKey, String functionBlockId, boolean verificationFree, Map<String, ThingService> services) {
        this.productKey = productKey;
        this.functionBlockId = functionBlockId;
        this.verificationFree = verificationFree;
        this.services = services;
    }

    /** Reads a TSL document; the product key is its profile.productKey, a module's id its functionBlockId. */
    public static ThingModel parse(String tslJson) {
        JsonNode tsl;
        try {
            tsl = JSON.readTree(tslJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("TSL is not JSON: " + e.getMessage(), e);
        }
        String productKey = tsl.path("profile").path("productKey").asText("");
        if (productKey.isEmpty()) {
            throw new IllegalArgumentException("TSL has no profile.productKey");
        }
        String functionBlockId = tsl.path("functionBlockId").asText("");
        if (!functionBlockId.isEmpty() && !FUNCTION_BLOCK_ID.matcher(functionBlockId).matches()) {
            throw new IllegalArgumentException("TSL module id (functionBlockId) may contain only letters, digits and _ (at most 30), got \""
                    + functionBlockId + "\"");
        }
        Map<String, ThingService> services = new HashMap<>();
        for (JsonNode service : tsl.path("services")) {
            String identifier = service.path("identifier").asText("");
            if (identifier.isEmpty()) {
                throw new IllegalArgumentException("TSL of " + productKey + " has a service without identifier");
            }
            boolean sync = "sync".equalsIgnoreCase(service.path("callType").asText("async"));
            services.put(identifier, new ThingService(identifier, sync, service.path("inputData"), true));
        }
        return new ThingModel(productKey, functionBlockId.isEmpty() ? null : functionBlockId,
                VERIFICATION_FREE.equalsIgnoreCase(tsl.path("profile").path("checkType").asText("")), Map.copyOf(services));
    }

    public String productKey() {
        return productKey;
    }

    /** The custom module this document is, or null for the product's default TSL. */
    public String functionBlockId() {
        return functionBlockId;
    }

    /** Whether the product skips the Args checks and calls every service async (only the default TSL says so). */
    public boolean verificationFree() {
        return verificationFree;
    }

    public Optional<ThingService> service(String identifier) {
        return Optional.ofNullable(services.get(identifier));
    }
}
