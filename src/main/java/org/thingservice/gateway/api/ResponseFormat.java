package org.thingservice.gateway.api;

import java.util.Locale;

/** The Format parameter: JSON (default) or XML, case-insensitive as the SDKs send "JSON", "json" or "XML". */
public enum ResponseFormat {
    // the Content-Type of an answer in each format: routes/invoke.camel.yaml (marshal-response) sets the same constants
    JSON("application/json;charset=utf-8"), XML("application/xml;charset=utf-8");

    private final String contentType;

    ResponseFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

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
