package org.thingservice.gateway.auth;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.thingservice.gateway.invoke.ApiException;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.HttpRequestReader;

/**
 * The HTTP source's authentication step: the caller's Alibaba signature (V2 parameters or V3 Authorization header)
 * must verify against one of the gateway's access keys, or the call ends here with the error Alibaba would return.
 */
public final class CallerAuthentication {

    private final SignatureVerifier verifier;

    public CallerAuthentication(SignatureVerifier verifier) {
        this.verifier = verifier;
    }

    public void verify(Exchange exchange) {
        HttpServerRequest request = exchange.getMessage(HttpMessage.class).getRequest();
        @SuppressWarnings("unchecked")
        Map<String, String> params = exchange.getProperty(HttpRequestReader.PARAMETERS, Map.class);
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        if (!headers.containsKey("host") && request.authority() != null) {
            headers.put("host", request.authority().toString()); // HTTP/2 (h2c) says :authority instead of Host
        }
        if (SignatureVerifier.isV3(params, headers) && !request.formAttributes().isEmpty()) {
            // Vert.x hands over a form body decoded: its exact bytes, which x-acs-content-sha256 covers, are gone
            throw new ApiException(400, "IncompleteSignature",
                    "Send the parameters of an ACS3-HMAC-SHA256 (V3) request in the query string, not in a form body.");
        }
        String rawQuery = request.query();
        Object body = exchange.getMessage().getBody(); // the raw body, but for a form (then it is in params)
        SignatureVerifier.Result result = verifier.verify(request.method().name(), request.path(), params, headers,
                rawQuery == null ? "" : rawQuery, body instanceof Buffer buffer ? buffer.getBytes() : new byte[0]);
        if (!result.ok()) {
            throw new ApiException(result.httpStatus(), result.errorCode(), result.errorMessage());
        }
        exchange.setProperty(Exchanges.CALLER, result.accessKeyId());
    }
}
