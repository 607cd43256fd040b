package org.thingservice.gateway.invoke;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Requests written as JSON objects (Kafka records, lines of a .jsonl batch file): the InvokeThingService
 * parameters by name, with Args as an object or as JSON text.
 */
public final class JsonRequests {

    private JsonRequests() {
    }

    /** A source that delivers answers later (Kafka, files) waits for the replies of async services too. */
    public static InvokeRequest toInvokeRequest(JsonNode request, String requestId) {
        JsonNode args = request.get("Args");
        return new InvokeRequest(requestId, text(request, "IotId"), text(request, "ProductKey"), text(request, "DeviceName"),
                text(request, "Identifier"), args == null || args.isNull() ? null : args.isTextual() ? args.asText() : args.toString(),
                text(request, "Timeout"), true);
    }

    /** A field as text; absent, null and empty all count as not given. */
    public static String text(JsonNode request, String field) {
        JsonNode node = request.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        String text = node.isValueNode() ? node.asText() : node.toString();
        return text.isEmpty() ? null : text;
    }
}
