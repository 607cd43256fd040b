package org.thingservice.gateway.model;

import java.util.Map;
import java.util.Optional;

/**
 * A product's whole thing model: its default TSL and its custom modules. Resolves an Identifier, module:service
 * in a custom module, and applies the product's verification type to the service found.
 */
public final class ProductModel {

    private final ThingModel defaultModel;
    private final Map<String, ThingModel> modules;

    /** modules by functionBlockId */
    public ProductModel(ThingModel defaultModel, Map<String, ThingModel> modules) {
        this.defaultModel = defaultModel;
        this.modules = Map.copyOf(modules);
    }

    /**
     * The service as it is called: published under the Identifier as given (thing.service.fb:svc), and, for a
     * verification-free product, async and unchecked, as on Alibaba.
     */
    public Optional<ThingService> service(String identifier) {
        int colon = identifier.indexOf(':');
        Optional<ThingService> found = colon < 0
                ? defaultModel.service(identifier)
                : Optional.ofNullable(modules.get(identifier.substring(0, colon))).flatMap(m -> m.service(identifier.substring(colon + 1)));
        boolean free = defaultModel.verificationFree();
        return found.map(s -> new ThingService(identifier, s.sync() && !free, s.inputData(), !free));
    }
}
