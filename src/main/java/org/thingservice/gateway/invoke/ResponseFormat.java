package org.thingservice.gateway.invoke;

import java.util.Locale;

/** The Format parameter: JSON (default) or XML, case-insensitive as the SDKs send "JSON", "json" or "XML". */
public enum ResponseFormat {
    JSON, XML;

    public static ResponseFormat parse(String value) {
        if (value == null || value.isEmpty()) {
            return JSON;
        }
        return switch (value.toUpperCase(Locale.ROOT)) {
            case "JSON" -> JSON;
            case "XML" -> XML;
            default -> throw ApiException.invalidParameter("Format", "use JSON or XML");
        };
    }
}
