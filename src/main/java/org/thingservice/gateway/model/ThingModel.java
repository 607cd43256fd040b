package org.thingservice.gateway.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A product's thing model, parsed from Alibaba TSL JSON once and then only read. */
public final class ThingModel {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String productKey;
    private final Map<String, ThingService> services;

    private ThingModel(String productKey, Map<String, ThingService> services) {
        this.productKey = productKey;
        this.services = services;
    }

    /** Reads a TSL document; the product key is its profile.productKey. */
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
        Map<String, ThingService> services = new HashMap<>();
        for (JsonNode service : tsl.path("services")) {
            String identifier = service.path("identifier").asText("");
            if (identifier.isEmpty()) {
                throw new IllegalArgumentException("TSL of " + productKey + " has a service without identifier");
            }
            boolean sync = "sync".equalsIgnoreCase(service.path("callType").asText("async"));
            services.put(identifier, new ThingService(identifier, sync, service.path("inputData")));
        }
        return new ThingModel(productKey, Map.copyOf(services));
    }

    public String productKey() {
        return productKey;
    }

    public Optional<ThingService> service(String identifier) {
        return Optional.ofNullable(services.get(identifier));
    }
}
