package org.thingservice.gateway.invoke;

import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.model.ArgsValidator;

/** The pipeline step that checks Args against the service's inputData before anything is published. */
public final class ThingModelValidator {

    /** Alibaba's pre-defined property "get" takes a list of property names, not typed inputs. */
    private static final String PROPERTY_GET = "get";

    private final ArgsValidator validator;

    public ThingModelValidator(ArgsValidator validator) {
        this.validator = validator;
    }

    public void check(Invocation invocation) {
        // a verification-free product's services are not checked, as on Alibaba
        if (!invocation.service().checked() || PROPERTY_GET.equals(invocation.service().identifier())) {
            return;
        }
        ArgsValidator.Violation violation = validator.validate(invocation.service().inputData(), invocation.args());
        if (violation != null) {
            throw ApiException.business(violation.code(), violation.message());
        }
    }
}
