package org.thingservice.gateway.model;

import com.fasterxml.jackson.databind.JsonNode;

/** One service of a product's thing model (TSL): how it is called and what it takes. */
public record ThingService(String identifier, boolean sync, JsonNode inputData) {
}
