package org.thingservice.gateway.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One service of a product's thing model (TSL): how it is called and what it takes. The identifier is the one
 * published (module:service for a custom module); checked is false for a verification-free product.
 */
public record ThingService(String identifier, boolean sync, JsonNode inputData, boolean checked) {
}
