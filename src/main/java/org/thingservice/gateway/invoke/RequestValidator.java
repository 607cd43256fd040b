package org.thingservice.gateway.invoke;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;

/**
 * Checks the parameters of a call before anything is looked up or published. The character sets are strict so that
 * nothing a caller sends can change an MQTT topic (no +, #, /, NUL or control characters).
 */
public final class RequestValidator {

    static final int MAX_NESTING = 32;
    private static final Pattern IOT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern PRODUCT_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern DEVICE_NAME = Pattern.compile("[A-Za-z0-9_.:@-]{1,64}");
    /** TSL identifiers: letters, digits and _, at most 50; module:service for a custom TSL module */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_]{1,50}(:[A-Za-z0-9_]{1,50})?");
    private static final long MIN_TIMEOUT = 100;

    private final ObjectMapper json = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final long defaultTimeout;
    private final long maxTimeout;
    private final int maxArgsSize;

    public RequestValidator(long defaultTimeout, long maxTimeout, int maxArgsSize) {
        this.defaultTimeout = defaultTimeout;
        this.maxTimeout = maxTimeout;
        this.maxArgsSize = maxArgsSize;
    }

    public void validate(Invocation invocation) {
        InvokeRequest r = invocation.request();
        if (r.identifier() == null) {
            throw ApiException.missingParameter("Identifier");
        }
        checkDevice(r.iotId(), r.productKey(), r.deviceName());
        require(IDENTIFIER, r.identifier(), ErrorCodes.INVALID_FORMATTED_PARAMETER,
                "Identifier may contain only letters, digits and _ (at most 50), or module:service for a custom module");
        invocation.validated(args(r.args()), timeout(r.timeout()));
    }

    /** The device named by IotId (which wins) or by ProductKey together with DeviceName, every name in its character set. */
    public static void checkDevice(String iotId, String productKey, String deviceName) {
        if (iotId != null) { // IotId wins; ProductKey and DeviceName are then ignored
            require(IOT_ID, iotId, ErrorCodes.INVALID_IOT_ID, "IotId may contain only letters, digits, _ and - (at most 64)");
            return;
        }
        if (productKey == null && deviceName == null) {
            throw new ApiException(400, "MissingParameter",
                    "Name the device: give IotId, or ProductKey together with DeviceName.");
        }
        if (deviceName == null) {
            throw new ApiException(400, "MissingParameter",
                    "The input parameter \"DeviceName\" is not supplied: ProductKey must be given together with DeviceName (or give IotId).");
        }
        if (productKey == null) {
            throw new ApiException(400, "MissingParameter",
                    "The input parameter \"ProductKey\" is not supplied: DeviceName must be given together with ProductKey (or give IotId).");
        }
        checkProductKey(productKey);
        require(DEVICE_NAME, deviceName, ErrorCodes.INVALID_DEVICE_NAME,
                "DeviceName may contain only letters, digits and _ . : @ - (at most 64)");
    }

    public static void checkProductKey(String productKey) {
        require(PRODUCT_KEY, productKey, ErrorCodes.INVALID_PRODUCT_KEY, "ProductKey may contain only letters, digits, _, . and - (at most 64)");
    }

    private ObjectNode args(String args) {
        if (args == null) {
            throw ApiException.missingParameter("Args");
        }
        if (args.length() > maxArgsSize) {
            throw ApiException.business(ErrorCodes.INVALID_FORMATTED_PARAMETER,
                    "Args is " + args.length() + " characters long; the limit is " + maxArgsSize + ".");
        }
        JsonNode node;
        try {
            node = json.readTree(args);
        } catch (JsonProcessingException e) {
            throw ApiException.business(ErrorCodes.INVALID_FORMATTED_PARAMETER,
                    "Args is not valid JSON (" + e.getOriginalMessage() + "); pass a JSON object such as {\"param1\":1}, or {} for none.");
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.business(ErrorCodes.INVALID_FORMATTED_PARAMETER,
                    "Args must be a JSON object such as {\"param1\":1} (or {} for none), not " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ".");
        }
        return object;
    }

    private long timeout(String timeout) {
        if (timeout == null) {
            return defaultTimeout;
        }
        long value;
        try {
            value = Long.parseLong(timeout);
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < MIN_TIMEOUT || value > maxTimeout) {
            throw ApiException.business(ErrorCodes.INVALID_TIMEOUT, "Timeout must be a whole number of milliseconds from "
                    + MIN_TIMEOUT + " to " + maxTimeout + "; got " + shorten(timeout) + ".");
        }
        return value;
    }

    private static void require(Pattern pattern, String value, String code, String rule) {
        if (!pattern.matcher(value).matches()) {
            throw ApiException.business(code, rule + "; got \"" + shorten(value) + "\".");
        }
    }

    /** Echoes at most a little of a bad value (ApiException.echo). */
    static String shorten(String value) {
        return ApiException.echo(value);
    }
}
