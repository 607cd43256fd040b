package org.thingservice.gateway.api;

import java.util.Map;

import org.thingservice.gateway.text.Texts;

/**
 * A request that cannot be served, with the Alibaba error code the caller gets.
 * httpStatus 200 is a business error (Success:false); 4xx/5xx is a gateway-level error ({RequestId, Code, Message}).
 */
public class ApiException extends RuntimeException {

    private final String code;
    private final int httpStatus;

    public ApiException(int httpStatus, String code, String message) {
        super(message, null, false, false); // an answer to a caller, not a bug: no stack trace to fill
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public static ApiException business(String code, String message) {
        return new ApiException(200, code, message);
    }

    public static ApiException missingParameter(String name) {
        return new ApiException(400, "MissingParameter",
                "The input parameter \"" + name + "\" that is mandatory for processing this request is not supplied.");
    }

    /** The parameter's value, or MissingParameter when the call has none: the one rule every action reads it by. */
    public static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null) {
            throw missingParameter(name);
        }
        return value;
    }

    public static ApiException invalidParameter(String name, String why) {
        return new ApiException(400, "InvalidParameter", "The parameter \"" + echo(name) + "\" is invalid: " + why);
    }

    /** 503: the gateway serves no calls at the moment (starting or stopping); the caller may retry. */
    public static ApiException serviceUnavailable(String why) {
        return new ApiException(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server: " + why);
    }

    /** At most a little of a caller's bad value, with control characters made visible, to echo in a message. */
    public static String echo(String value) {
        return Texts.shorten(value, 40);
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public boolean isBusiness() {
        return httpStatus == 200;
    }
}
