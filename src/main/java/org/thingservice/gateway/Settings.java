package org.thingservice.gateway;

import java.time.Duration;
import org.apache.camel.CamelContext;

/** Reading and publishing the gateway's settings (application.properties) in the configuration classes. */
final class Settings {

    private Settings() {
    }

    /** A setting left empty is unset: null. Otherwise the value without surrounding blanks. */
    static String optional(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        return trimmed.isEmpty() ? null : trimmed;
    }

    /** gateway.dependencies.start-timeout, in ms, as a Duration. */
    static Duration startTimeout(long millis) {
        return Duration.ofMillis(millis);
    }

    /** Sets a setting worked out at start, so that the routes' {{key}} placeholders see it. */
    static void publish(CamelContext context, String key, String value) {
        context.getPropertiesComponent().addOverrideProperty(key, value);
    }
}
