package org.thingservice.gateway.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.text.Texts;

/**
 * Checks InvokeThingService {@code Args} against a TSL service's {@code inputData} before the call
 * leaves the gateway, so the caller gets a precise, fixable message instead of a bare device-side
 * TSL error number (which is still quoted at the end of each message for cross-reference).
 *
 * <p>Stateless apart from the {@code allowUnknownKeys} flag, so one instance can be shared by all threads.
 */
public final class ArgsValidator {

    /** Recursion follows the TSL, so a hostile TSL (or Args) must not be able to blow the stack. */
    private static final int MAX_DEPTH = 32;
    /** Offending values and hostile keys can be arbitrarily large; messages only need a recognisable prefix. */
    private static final int MAX_SHOWN = 64;
    /** BigDecimal arithmetic cost grows with scale, so absurd spec numbers like "1e-99999999" are refused. */
    private static final int MAX_SPEC_SCALE = 1000;

    private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
    private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);

    // Alibaba device-side TSL error numbers, quoted so callers can match the device documentation.
    private static final int TSL_REQUIRED_MISSING = 6302;
    private static final int TSL_UNKNOWN_KEY = 6304;
    private static final int TSL_INT = 6306;
    private static final int TSL_FLOAT = 6307;
    private static final int TSL_BOOL = 6308;
    private static final int TSL_ENUM = 6309;
    private static final int TSL_TEXT = 6310;
    private static final int TSL_DATE = 6311;
    private static final int TSL_STRUCT = 6312;
    private static final int TSL_BAD_DEFINITION = 6317;
    private static final int TSL_DOUBLE = 6322;
    private static final int TSL_ARRAY = 6324;
    private static final int TSL_NOT_ARRAY = 6328;

    private final boolean allowUnknownKeys;

    /** allowUnknownKeys: when false, an Args key that the service's inputData does not declare is a violation. */
    public ArgsValidator(boolean allowUnknownKeys) {
        this.allowUnknownKeys = allowUnknownKeys;
    }

    /**
     * Checks Args (a JSON object) against a TSL service's "inputData" (a JSON array of {identifier, name, dataType:{type, specs}}).
     * Returns null when valid, else the first violation.
     */
    public Violation validate(JsonNode inputData, ObjectNode args) {
        try {
            JsonNode declared = inputData == null || inputData.isNull() || inputData.isMissingNode()
                    ? JsonNodeFactory.instance.arrayNode() : inputData;
            if (!declared.isArray()) {
                throw definitionError("Args", "inputData is not a JSON array");
            }
            checkMembers("Args", declared, args == null ? JsonNodeFactory.instance.objectNode() : args, true, 0);
            return null;
        } catch (Reject r) {
            return new Violation(ErrorCodes.INVALID_FORMATTED_PARAMETER, r.path + ": " + r.detail + " (TSL " + r.tsl + ")");
        }
    }

    /** A refusal: always ErrorCodes.INVALID_FORMATTED_PARAMETER, with a message naming the parameter path. */
    public record Violation(String code, String message) {}

    // ---------------------------------------------------------------- objects: top level and struct

    /** Top-level Args and struct values follow the same rules; only the wording and the TSL number differ. */
    private void checkMembers(String path, JsonNode declared, JsonNode object, boolean topLevel, int depth) {
        Map<String, JsonNode> dataTypes = new LinkedHashMap<>();
        for (int i = 0; i < declared.size(); i++) {
            JsonNode id = declared.get(i).get("identifier");
            if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
                throw definitionError(path, (topLevel ? "inputData[" : "specs[") + i + "] has no identifier");
            }
            dataTypes.put(id.textValue(), declared.get(i).get("dataType"));
        }
        // Unknown keys first: a misspelt key explains a "missing" one better than the other way round.
        if (!allowUnknownKeys) {
            for (Iterator<String> keys = object.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!dataTypes.containsKey(key)) {
                    String declaredNames = dataTypes.isEmpty() ? "none" : clip(String.join(", ", dataTypes.keySet()));
                    throw new Reject(path + "." + clip(key), (topLevel ? "unknown input" : "unknown struct member")
                            + " is not declared in the TSL (declared: " + declaredNames + ")", TSL_UNKNOWN_KEY);
                }
            }
        }
        for (Map.Entry<String, JsonNode> member : dataTypes.entrySet()) {
            String memberPath = path + "." + member.getKey();
            JsonNode value = object.get(member.getKey());
            if (value == null) {
                throw new Reject(memberPath, (topLevel ? "required input" : "required struct member")
                        + " of type " + typeName(member.getValue()) + " is missing",
                        topLevel ? TSL_REQUIRED_MISSING : TSL_STRUCT);
            }
            checkValue(memberPath, member.getValue(), value, depth + 1);
        }
    }

    private void checkValue(String path, JsonNode dataType, JsonNode value, int depth) {
        JsonNode type = dataType == null ? null : dataType.get("type");
        if (type == null || !type.isTextual()) {
            throw definitionError(path, "declares no dataType.type");
        }
        JsonNode specs = dataType.get("specs");
        switch (type.textValue()) {
            case "int" -> checkInt(path, specs, value);
            case "float" -> checkFractional(path, "float", TSL_FLOAT, specs, value);
            case "double" -> checkFractional(path, "double", TSL_DOUBLE, specs, value);
            case "text" -> checkText(path, specs, value);
            case "date" -> checkDate(path, value);
            case "bool" -> checkBool(path, specs, value);
            case "enum" -> checkEnum(path, specs, value);
            case "struct" -> checkStruct(path, specs, value, depth);
            case "array" -> checkArray(path, specs, value, depth);
            default -> throw definitionError(path, "declares unknown data type " + show(type));
        }
    }

    // ---------------------------------------------------------------- one method per TSL data type

    private static void checkInt(String path, JsonNode specs, JsonNode value) {
        BigDecimal min = specNumber(path, specs, "min");
        BigDecimal max = specNumber(path, specs, "max");
        BigDecimal step = specNumber(path, specs, "step");
        // The device stores an int32, so even an unbounded TSL range stops at the 32-bit limits.
        BigDecimal lo = min == null ? INT_MIN : min.max(INT_MIN);
        BigDecimal hi = max == null ? INT_MAX : max.min(INT_MAX);
        String expected = "an int in [" + lo.toPlainString() + ", " + hi.toPlainString() + "]" + steps(step);
        // isIntegralNumber() is false for 10.0 and 1e1 (Jackson parses both as floating point), which Alibaba rejects.
        if (!value.isIntegralNumber()) {
            throw mismatch(path, expected, value, TSL_INT);
        }
        BigDecimal v = new BigDecimal(value.bigIntegerValue());
        if (v.compareTo(lo) < 0 || v.compareTo(hi) > 0 || !onStep(v, min, step)) {
            throw mismatch(path, expected, value, TSL_INT);
        }
    }

    private static void checkFractional(String path, String type, int tsl, JsonNode specs, JsonNode value) {
        BigDecimal min = specNumber(path, specs, "min");
        BigDecimal max = specNumber(path, specs, "max");
        BigDecimal step = specNumber(path, specs, "step");
        String expected = "a " + type + range(min, max) + steps(step);
        // Alibaba tells float/double from int by the decimal point, so 10 is refused where 10.0 is wanted.
        if (value.isIntegralNumber()) {
            throw mismatch(path, expected + " written with a decimal point (e.g. 10.0)", value, tsl);
        }
        if (!value.isFloatingPointNumber()) {
            throw mismatch(path, expected, value, tsl);
        }
        // Jackson parses 1e400 as Infinity, while BigDecimal nodes keep it exact: both must fit the device's type.
        boolean finite = value.isBigDecimal() || Double.isFinite(value.doubleValue());
        // DoubleNode.decimalValue() goes through Double.toString, so 0.1 stays 0.1 (not 0.1000000000000000055...) for steps.
        BigDecimal v = finite ? value.decimalValue() : null;
        if (!finite || ("float".equals(type) ? Float.isInfinite(v.floatValue()) : Double.isInfinite(v.doubleValue()))) {
            throw mismatch(path, "a " + type + " within the " + ("float".equals(type) ? "32" : "64") + "-bit range", value, tsl);
        }
        if ((min != null && v.compareTo(min) < 0) || (max != null && v.compareTo(max) > 0) || !onStep(v, min, step)) {
            throw mismatch(path, expected, value, tsl);
        }
    }

    private static void checkText(String path, JsonNode specs, JsonNode value) {
        BigDecimal length = specNumber(path, specs, "length");
        String expected = length == null ? "text" : "text of at most " + length.toPlainString() + " characters";
        if (!value.isTextual()) {
            throw mismatch(path, expected, value, TSL_TEXT);
        }
        // Alibaba counts characters, so an emoji (two UTF-16 units, four UTF-8 bytes) counts once.
        String s = value.textValue();
        int chars = s.codePointCount(0, s.length());
        if (length != null && length.compareTo(BigDecimal.valueOf(chars)) < 0) {
            throw new Reject(path, "expected " + expected + ", got " + show(value) + " (" + chars + " characters)", TSL_TEXT);
        }
    }

    private static void checkDate(String path, JsonNode value) {
        boolean ok = value.isTextual()
                ? isMillis(value.textValue())
                : value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0;
        if (!ok) {
            throw mismatch(path, "a date as UTC milliseconds: a string of digits such as \"1700000000000\" "
                    + "or a non-negative integer", value, TSL_DATE);
        }
    }

    private static void checkBool(String path, JsonNode specs, JsonNode value) {
        String expected = "a bool as " + labelled(specs, "0") + " or " + labelled(specs, "1");
        // Alibaba's bool is a number; JSON true/false is the most common mistake, so say so explicitly.
        if (value.isBoolean()) {
            throw new Reject(path, "expected " + expected + ", got " + value + "; use 0 or 1, not JSON true/false", TSL_BOOL);
        }
        if (!value.isIntegralNumber()
                || !(value.bigIntegerValue().equals(BigInteger.ZERO) || value.bigIntegerValue().equals(BigInteger.ONE))) {
            throw mismatch(path, expected, value, TSL_BOOL);
        }
    }

    private static void checkEnum(String path, JsonNode specs, JsonNode value) {
        if (specs == null || !specs.isObject() || specs.isEmpty()) {
            throw definitionError(path, "declares an enum without values in specs");
        }
        List<String> options = new ArrayList<>();
        specs.fieldNames().forEachRemaining(key -> options.add(labelled(specs, key)));
        // Keys are canonical decimal strings ("0", "1", ...), so the integer's own spelling is the lookup key.
        if (!value.isIntegralNumber() || !specs.has(value.bigIntegerValue().toString())) {
            throw mismatch(path, "one of " + String.join(", ", options), value, TSL_ENUM);
        }
    }

    private void checkStruct(String path, JsonNode specs, JsonNode value, int depth) {
        if (specs == null || !specs.isArray()) {
            throw definitionError(path, "declares a struct without a specs array of members");
        }
        if (depth > MAX_DEPTH) {
            throw new Reject(path, "nesting deeper than " + MAX_DEPTH + " levels is not supported", TSL_STRUCT);
        }
        if (!value.isObject()) {
            List<String> members = new ArrayList<>();
            specs.forEach(m -> members.add(m.path("identifier").asText()));
            throw mismatch(path, "a struct (JSON object) with members " + clip(String.join(", ", members)), value, TSL_STRUCT);
        }
        checkMembers(path, specs, value, false, depth);
    }

    private void checkArray(String path, JsonNode specs, JsonNode value, int depth) {
        JsonNode item = specs == null ? null : specs.get("item");
        if (item == null || !item.isObject()) {
            throw definitionError(path, "declares an array without specs.item");
        }
        if (depth > MAX_DEPTH) {
            throw new Reject(path, "nesting deeper than " + MAX_DEPTH + " levels is not supported", TSL_ARRAY);
        }
        BigDecimal size = specNumber(path, specs, "size");
        String expected = "an array of " + (size == null ? "" : "at most " + size.toPlainString() + " ") + typeName(item) + " elements";
        if (!value.isArray()) {
            throw mismatch(path, expected, value, TSL_NOT_ARRAY);
        }
        if (size != null && size.compareTo(BigDecimal.valueOf(value.size())) < 0) {
            throw new Reject(path, "expected " + expected + ", got " + value.size() + " elements", TSL_ARRAY);
        }
        for (int i = 0; i < value.size(); i++) {
            String elementPath = path + "[" + i + "]";
            try {
                checkValue(elementPath, item, value.get(i), depth + 1);
            } catch (Reject r) {
                // Alibaba reports a wrong element as an array error; a fault deeper inside a struct element
                // (and a broken TSL) keeps its own number because that points at the actual culprit.
                throw r.path.equals(elementPath) && r.tsl != TSL_BAD_DEFINITION ? r.withTsl(TSL_ARRAY) : r;
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Real TSLs write every spec number as a string ("min":"0"); numbers are accepted too. Absent or blank means no limit. */
    private static BigDecimal specNumber(String path, JsonNode specs, String key) {
        JsonNode n = specs == null ? null : specs.get(key);
        if (n == null || n.isNull() || (n.isTextual() && n.textValue().isBlank())) {
            return null;
        }
        try {
            BigDecimal d = n.isNumber() ? n.decimalValue() : n.isTextual() ? new BigDecimal(n.textValue().trim()) : null;
            if (d != null && Math.abs(d.scale()) <= MAX_SPEC_SCALE && d.precision() <= MAX_SPEC_SCALE) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below as a broken TSL
        }
        throw definitionError(path, "specs." + key + " is not a usable number: " + show(n));
    }

    /** Steps count from min (or from 0 when there is no min); a missing or non-positive step means any value. */
    private static boolean onStep(BigDecimal v, BigDecimal min, BigDecimal step) {
        if (step == null || step.signum() <= 0) {
            return true;
        }
        return v.subtract(min == null ? BigDecimal.ZERO : min).remainder(step).signum() == 0;
    }

    private static String steps(BigDecimal step) {
        return step == null || step.signum() <= 0 ? "" : " in steps of " + step.toPlainString();
    }

    private static String range(BigDecimal min, BigDecimal max) {
        if (min != null && max != null) {
            return " in [" + min.toPlainString() + ", " + max.toPlainString() + "]";
        }
        return min != null ? " of at least " + min.toPlainString() : max != null ? " of at most " + max.toPlainString() : "";
    }

    private static boolean isMillis(String s) {
        // Long.parseLong would also take '+' and non-ASCII digits, which are not "a string of digits" here.
        if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException tooLarge) {
            return false;
        }
    }

    /** "1 (on)" when the TSL gives a label for the value, else just "1". */
    private static String labelled(JsonNode specs, String key) {
        JsonNode label = specs == null ? null : specs.get(key);
        return label != null && label.isTextual() && !label.textValue().isBlank() ? key + " (" + clip(label.textValue()) + ")" : key;
    }

    private static String typeName(JsonNode dataType) {
        JsonNode type = dataType == null ? null : dataType.get("type");
        return type != null && type.isTextual() ? clip(type.textValue()) : "(undeclared)";
    }

    private static Reject mismatch(String path, String expected, JsonNode got, int tsl) {
        return new Reject(path, "expected " + expected + ", got " + show(got), tsl);
    }

    private static Reject definitionError(String path, String problem) {
        return new Reject(path, "the TSL " + problem, TSL_BAD_DEFINITION);
    }

    /** JSON text of a value cut to MAX_SHOWN characters; built by hand because toString() of a deep value can overflow the stack. */
    private static String show(JsonNode node) {
        StringBuilder out = new StringBuilder();
        render(node, out);
        return clip(out.toString());
    }

    /** Stops as soon as enough is written, which also bounds the recursion: every level adds at least one character. */
    private static void render(JsonNode node, StringBuilder out) {
        if (out.length() > MAX_SHOWN) {
            return;
        }
        if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size() && out.length() <= MAX_SHOWN; i++) {
                out.append(i == 0 ? "" : ",");
                render(node.get(i), out);
            }
            out.append(']');
        } else if (node.isObject()) {
            out.append('{');
            String separator = "";
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                if (out.length() > MAX_SHOWN) {
                    break;
                }
                out.append(separator).append(JsonNodeFactory.instance.textNode(clip(member.getKey()))).append(':');
                render(member.getValue(), out);
                separator = ",";
            }
            out.append('}');
        } else if (node.isTextual() && node.textValue().length() > 2 * MAX_SHOWN) {
            out.append(JsonNodeFactory.instance.textNode(node.textValue().substring(0, 2 * MAX_SHOWN)));
        } else {
            // asText() for numbers because toString() quotes a non-finite double ("Infinity") like a string.
            out.append(node.isNumber() ? node.asText() : node.toString());
        }
    }

    /** At most MAX_SHOWN code points (Texts.clip), then "...". */
    private static String clip(String s) {
        return Texts.clip(s, MAX_SHOWN, "...");
    }

    /** The first violation unwinds the whole walk; stackless because it is an expected outcome, not a bug. */
    private static final class Reject extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String path;
        final String detail;
        final int tsl;

        Reject(String path, String detail, int tsl) {
            super(null, null, false, false);
            this.path = path;
            this.detail = detail;
            this.tsl = tsl;
        }

        Reject withTsl(int otherTsl) {
            return new Reject(path, detail, otherTsl);
        }
    }
}
