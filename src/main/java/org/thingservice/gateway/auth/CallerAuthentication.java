package org.thingservice.gateway.auth;

import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.invoke.Exchanges;

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
        Map<String, String> params = exchange.getProperty(Exchanges.HTTP_PARAMETERS, Map.class);
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        if (!headers.containsKey("host") && request.authority() != null) {
            headers.put("host", request.authority().toString()); // HTTP/2 (h2c) says :authority instead of Host
        }
        String type = headers.get("content-type");
        if (SignatureVerifier.isV3(params, headers) && type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            // Vert.x takes a multipart body apart: its exact bytes, which x-acs-content-sha256 covers, are gone
            throw new ApiException(400, "IncompleteSignature",
                    "Send the parameters of an ACS3-HMAC-SHA256 (V3) request in the query string or a form-urlencoded body, not multipart.");
        }
        String rawQuery = request.query();
        byte[] body = exchange.getMessage().getBody(byte[].class); // the raw body (its fields are in params too, for a form)
        SignatureVerifier.Result result = verifier.verify(request.method().name(), request.path(), params, headers,
                rawQuery == null ? "" : rawQuery, body == null ? new byte[0] : body);
        if (!result.ok()) {
            throw new ApiException(result.httpStatus(), result.errorCode(), result.errorMessage());
        }
        exchange.setProperty(Exchanges.CALLER, result.accessKeyId());
    }
}
