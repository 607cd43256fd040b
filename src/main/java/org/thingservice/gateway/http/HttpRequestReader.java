package org.thingservice.gateway.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ResponseFormat;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.InvokeRequest;
import org.thingservice.gateway.invoke.RequestIds;
import org.thingservice.gateway.text.FormEncoding;

/**
 * The HTTP source: reads a GET or POST to / (parameters in the query string and/or a form body, as the official
 * Alibaba SDKs send them): its Action and parameters, and for InvokeThingService an Invocation, with the caller's
 * authentication between the two steps. HTTP headers never count as parameters.
 */
public final class HttpRequestReader {

    /**
     * Reads any call: its parameters as sent (for the signature), and those given, with its Action, in the exchange
     * properties params and action for the action that serves it. Sets requestId and format first, so every error
     * is answered in kind.
     */
    public void read(Exchange exchange) {
        String requestId = RequestIds.next();
        exchange.setProperty(Exchanges.REQUEST_ID, requestId);
        HttpServerRequest request = exchange.getMessage(HttpMessage.class).getRequest();
        Map<String, String> params = parameters(request);
        exchange.setProperty(Exchanges.HTTP_PARAMETERS, params);
        Exchanges.format(exchange, ResponseFormat.parse(params.get("Format")));
        Map<String, String> given = new LinkedHashMap<>(params);
        given.values().removeIf(String::isEmpty); // an empty parameter counts as absent
        String action = given.get("Action");
        if (action == null) {
            action = request.getHeader("x-acs-action");
        }
        if (action == null || action.isEmpty()) {
            throw ApiException.missingParameter("Action");
        }
        exchange.setProperty(Exchanges.PARAMS, given);
        exchange.setProperty(Exchanges.ACTION, action);
    }

    /** InvokeThingService: the parameters it takes, as an Invocation for the invoke pipeline. */
    public Invocation invocation(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, String> params = exchange.getProperty(Exchanges.PARAMS, Map.class);
        Invocation invocation = new Invocation(new InvokeRequest(exchange.getProperty(Exchanges.REQUEST_ID, String.class),
                params.get("IotId"), params.get("ProductKey"), params.get("DeviceName"), params.get("Identifier"),
                params.get("Args"), params.get("Timeout"), false), Exchanges.format(exchange));
        exchange.setProperty(Exchanges.INVOCATION, invocation);
        return invocation;
    }

    /** Query parameters, then form-body parameters; a name given twice is refused rather than guessed at. */
    static Map<String, String> parameters(HttpServerRequest request) {
        Map<String, String> params = new LinkedHashMap<>();
        FormEncoding.forEachPair(request.query(), (name, value) -> put(params, decode(name), decode(value)));
        MultiMap form = request.formAttributes();
        for (Map.Entry<String, String> entry : form.entries()) {
            // Vert.x decodes form bodies leniently, replacing invalid UTF-8 by U+FFFD
            if (entry.getKey().indexOf('\uFFFD') >= 0 || entry.getValue().indexOf('\uFFFD') >= 0) {
                throw ApiException.invalidParameter(entry.getKey(), "the value is not valid UTF-8");
            }
            put(params, entry.getKey(), entry.getValue());
        }
        return params;
    }

    private static void put(Map<String, String> params, String name, String value) {
        if (params.putIfAbsent(name, value) != null) {
            throw ApiException.invalidParameter(name, "it is given more than once");
        }
    }

    /** Strict application/x-www-form-urlencoded decoding (FormEncoding): a value that does not decode is an InvalidParameter. */
    static String decode(String s) {
        try {
            return FormEncoding.decode(s);
        } catch (FormEncoding.MalformedException e) {
            throw ApiException.invalidParameter(s, e.getMessage());
        }
    }
}
