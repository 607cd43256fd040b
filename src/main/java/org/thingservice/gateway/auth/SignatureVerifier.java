package org.thingservice.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.thingservice.gateway.text.FormEncoding;

/**
 * Verifies the signature of one Alibaba Cloud POP request, V2 ({@code Signature} parameter, HMAC-SHA1) or V3
 * ({@code Authorization: ACS3-HMAC-SHA256 ...}), and answers either success (with the AccessKeyId) or the POP error
 * Alibaba would return.
 *
 * <p>Order of checks: mandatory parameters, signature method, timestamp format and skew, AccessKeyId, (V3) body
 * hash, signature, nonce. The nonce is recorded only once the signature verified, so a forged request cannot burn
 * a legitimate nonce.
 *
 * <p>Thread-safe. Never logs; error messages never contain a secret nor the server's computed signature.
 */
public final class SignatureVerifier {

    /** Resolves an AccessKeyId to its secret. */
    public interface SecretLookup {
        /** @return the secret, or {@code null} when the AccessKeyId is unknown */
        String secretOf(String accessKeyId);
    }

    /** Outcome of {@link #verify}: success when {@code errorCode} is {@code null}. */
    public record Result(String accessKeyId, String errorCode, String errorMessage, int httpStatus) {
        public boolean ok() {
            return errorCode == null;
        }

        static Result success(String accessKeyId) {
            return new Result(accessKeyId, null, null, 200);
        }

        static Result error(String code, String message, int httpStatus) {
            return new Result(null, code, message, httpStatus);
        }
    }

    static final String V2_SIGNATURE_METHOD = "HMAC-SHA1";
    private static final List<String> V2_MANDATORY =
            List.of("AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp");
    private static final String HDR_AUTHORIZATION = "authorization";
    private static final String HDR_DATE = "x-acs-date";
    private static final String HDR_NONCE = "x-acs-signature-nonce";
    private static final String HDR_CONTENT_SHA256 = "x-acs-content-sha256";
    private static final String HDR_CONTENT_TYPE = "content-type";
    private static final String SIGNATURE_MISMATCH_MESSAGE =
            "Specified signature is not matched with our calculation. server string to sign is:";

    private final SecretLookup keys;
    private final Clock clock;
    private final Duration maxSkew;
    private final NonceStore nonces;

    /**
     * @param keys      AccessKeyId to secret
     * @param clock     time source (fixed/mutable in tests)
     * @param maxSkew   largest accepted difference, either way, between request time and server time (15 min)
     * @param maxNonces bound on the number of remembered nonces; when full of unexpired nonces, new requests are
     *                  answered {@code ServiceUnavailable} instead of growing memory
     */
    public SignatureVerifier(SecretLookup keys, Clock clock, Duration maxSkew, int maxNonces) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
        if (maxSkew.isNegative() || maxSkew.isZero()) {
            throw new IllegalArgumentException("maxSkew must be > 0");
        }
        if (maxNonces <= 0) {
            throw new IllegalArgumentException("maxNonces must be > 0");
        }
        // A request stamped maxSkew in the future passes the time check until maxSkew after its stamp, that is up to
        // 2 x maxSkew after its first use: its nonce must be remembered that long, or it could be replayed.
        this.nonces = new NonceStore(maxSkew.multipliedBy(2).toMillis(), maxNonces);
    }

    /**
     * Verifies a request. For V3 the canonical query is built from {@code params} minus the parameters that come
     * from an {@code application/x-www-form-urlencoded} body; use {@link #verify(String, String, Map, Map, String,
     * byte[])} to pass the raw query string instead.
     *
     * @param params  all query + form-body parameters, decoded
     * @param headers request headers, names lower-case (upper-case names are tolerated)
     * @param body    raw body bytes (may be {@code null} for none)
     */
    public Result verify(String httpMethod, String path, Map<String, String> params, Map<String, String> headers,
                         byte[] body) {
        return verify(httpMethod, path, params, headers, null, body);
    }

    /**
     * Verifies a request.
     *
     * @param params   all query + form-body parameters, decoded
     * @param headers  request headers, names lower-case (upper-case names are tolerated)
     * @param rawQuery the raw (still encoded) query string, without {@code ?}; used for the V3 canonical query.
     *                 {@code null}: derive the query from {@code params} minus form-body parameters
     * @param body     raw body bytes (may be {@code null} for none)
     */
    public Result verify(String httpMethod, String path, Map<String, String> params, Map<String, String> headers,
                         String rawQuery, byte[] body) {
        Map<String, String> p = params == null ? Map.of() : params;
        Map<String, String> h = lowerCaseNames(headers);
        byte[] b = body == null ? new byte[0] : body;

        if (p.containsKey("Signature")) {
            return verifyV2(httpMethod, p);
        }
        if (isV3(p, h)) {
            return verifyV3(httpMethod, path, p, h, rawQuery, b, h.get(HDR_AUTHORIZATION).trim());
        }
        String authorization = h.get(HDR_AUTHORIZATION);
        if (authorization != null && authorization.trim().startsWith("ACS3-")) {
            return invalidSignatureMethod();
        }
        return missing("Signature");
    }

    /** Whether {@link #verify} takes this request for a V3 one (headers with lower-case names). */
    public static boolean isV3(Map<String, String> params, Map<String, String> headers) {
        String authorization = headers.get(HDR_AUTHORIZATION);
        return !params.containsKey("Signature") && authorization != null
                && authorization.trim().startsWith(AlibabaSignature.V3_ALGORITHM);
    }

    // ---------------------------------------------------------------------------------------------- V2

    private Result verifyV2(String httpMethod, Map<String, String> params) {
        String signature = params.get("Signature");
        if (isEmpty(signature)) {
            return missing("Signature");
        }
        for (String name : V2_MANDATORY) {
            if (isEmpty(params.get(name))) {
                return missing(name);
            }
        }
        if (!V2_SIGNATURE_METHOD.equals(params.get("SignatureMethod"))) {
            return invalidSignatureMethod();
        }
        Result timeError = checkTime(params.get("Timestamp"));
        if (timeError != null) {
            return timeError;
        }
        String accessKeyId = params.get("AccessKeyId");
        String secret = keys.secretOf(accessKeyId);
        if (secret == null) {
            return accessKeyNotFound();
        }

        // Core SDK signs empty-valued parameters (IotInstanceId=), Tea SDKs skip them: accept either.
        String stringToSign = AlibabaSignature.v2StringToSign(httpMethod, params);
        boolean match = constantTimeEquals(signature, AlibabaSignature.v2SignatureOfStringToSign(stringToSign, secret));
        Map<String, String> nonEmpty = withoutEmptyValues(params);
        if (nonEmpty.size() != params.size()) {
            // Evaluate both variants regardless of the first outcome, to keep timing independent of which matched.
            boolean matchWithout = constantTimeEquals(signature, AlibabaSignature.v2Signature(httpMethod, nonEmpty, secret));
            match |= matchWithout;
        }
        if (!match) {
            return Result.error("SignatureDoesNotMatch", SIGNATURE_MISMATCH_MESSAGE + stringToSign, 400);
        }
        return recordNonce(accessKeyId, params.get("SignatureNonce"));
    }

    // ---------------------------------------------------------------------------------------------- V3

    private Result verifyV3(String httpMethod, String path, Map<String, String> params, Map<String, String> headers,
                            String rawQuery, byte[] body, String authorization) {
        Map<String, String> auth = parseAuthorization(authorization);
        if (auth == null) {
            return incompleteSignature();
        }
        String accessKeyId = auth.get("Credential");
        String signedHeadersField = auth.get("SignedHeaders");
        String signature = auth.get("Signature");
        if (isEmpty(accessKeyId) || isEmpty(signedHeadersField) || isEmpty(signature)) {
            return incompleteSignature();
        }
        List<String> signedHeaders = new ArrayList<>();
        for (String name : signedHeadersField.split(";", -1)) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) {
                return incompleteSignature();
            }
            signedHeaders.add(n);
        }
        if (isEmpty(headers.get(HDR_DATE))) {
            return missing(HDR_DATE);
        }
        String nonce = headers.get(HDR_NONCE);
        if (isEmpty(nonce)) {
            return missing(HDR_NONCE);
        }
        // An unsigned date or nonce could be replaced at will, which would defeat replay protection.
        if (!signedHeaders.contains(HDR_DATE) || !signedHeaders.contains(HDR_NONCE)) {
            return incompleteSignature();
        }
        Result timeError = checkTime(headers.get(HDR_DATE));
        if (timeError != null) {
            return timeError;
        }
        String secret = keys.secretOf(accessKeyId);
        if (secret == null) {
            return accessKeyNotFound();
        }
        String bodyHash = AlibabaSignature.sha256Hex(body);
        String claimedHash = headers.get(HDR_CONTENT_SHA256);
        if (claimedHash != null && !constantTimeEquals(claimedHash.trim().toLowerCase(Locale.ROOT), bodyHash)) {
            return Result.error("SignatureDoesNotMatch",
                    "Specified signature is not matched with our calculation. "
                            + "x-acs-content-sha256 does not match the SHA-256 of the request body.", 400);
        }
        Map<String, String> query = rawQuery != null ? parseUrlEncoded(rawQuery) : queryOnly(params, headers, body);
        String canonicalRequest = AlibabaSignature.v3CanonicalRequest(
                httpMethod, path, query, headers, signedHeaders, bodyHash);
        String expected = AlibabaSignature.v3Signature(canonicalRequest, secret);
        if (!constantTimeEquals(signature.toLowerCase(Locale.ROOT), expected)) {
            return Result.error("SignatureDoesNotMatch", SIGNATURE_MISMATCH_MESSAGE
                    + AlibabaSignature.v3StringToSign(canonicalRequest)
                    + " server canonical request is:" + canonicalRequest, 400);
        }
        return recordNonce(accessKeyId, nonce);
    }

    /** Parses {@code ACS3-HMAC-SHA256 k=v,k=v,...}; {@code null} when malformed. */
    private static Map<String, String> parseAuthorization(String authorization) {
        String rest = authorization.substring(AlibabaSignature.V3_ALGORITHM.length());
        if (rest.isEmpty() || !Character.isWhitespace(rest.charAt(0))) {
            return null;
        }
        Map<String, String> fields = new HashMap<>();
        for (String part : rest.trim().split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            fields.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return fields;
    }

    /** The query part of {@code params}: everything except the names that come from a form-encoded body. */
    private static Map<String, String> queryOnly(Map<String, String> params, Map<String, String> headers,
                                                 byte[] body) {
        String contentType = headers.get(HDR_CONTENT_TYPE);
        if (body.length == 0 || contentType == null
                || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return params;
        }
        Set<String> bodyNames = parseUrlEncoded(new String(body, StandardCharsets.UTF_8)).keySet();
        Map<String, String> query = new HashMap<>(params);
        query.keySet().removeAll(bodyNames);
        return query;
    }

    /** Decodes {@code a=1&b=2}; a value that does not decode is kept as it is (it then simply fails to verify). */
    static Map<String, String> parseUrlEncoded(String s) {
        Map<String, String> out = new HashMap<>();
        FormEncoding.forEachPair(s, (name, value) -> out.put(FormEncoding.decodeOrKeep(name), FormEncoding.decodeOrKeep(value)));
        return out;
    }

    // ---------------------------------------------------------------------------------------------- common

    private Result checkTime(String value) {
        Instant when;
        try {
            when = Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            return Result.error("InvalidTimeStamp.Format",
                    "Specified time stamp or date value is not well formatted.", 400);
        }
        Duration skew = Duration.between(when, clock.instant()).abs();
        if (skew.compareTo(maxSkew) > 0) {
            return Result.error("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.", 400);
        }
        return null;
    }

    private Result recordNonce(String accessKeyId, String nonce) {
        // a digest, so that each remembered nonce costs the same few bytes however long the caller made it
        String key = Base64.getEncoder().encodeToString(
                AlibabaSignature.sha256((accessKeyId + '\n' + nonce).getBytes(StandardCharsets.UTF_8)));
        switch (nonces.checkAndRecord(key, clock.millis())) {
            case USED:
                return Result.error("SignatureNonceUsed", "Specified signature nonce was used already.", 400);
            case FULL:
                return Result.error("ServiceUnavailable",
                        "The request has failed due to a temporary failure of the server.", 503);
            default:
                return Result.success(accessKeyId);
        }
    }

    private static boolean constantTimeEquals(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> withoutEmptyValues(Map<String, String> params) {
        Map<String, String> out = new HashMap<>();
        params.forEach((k, v) -> {
            if (!isEmpty(v)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Map<String, String> lowerCaseNames(Map<String, String> headers) {
        Map<String, String> out = new HashMap<>();
        if (headers != null) {
            headers.forEach((k, v) -> {
                if (k != null) {
                    out.put(k.toLowerCase(Locale.ROOT), v);
                }
            });
        }
        return out;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static Result missing(String name) {
        return Result.error("MissingParameter",
                "The input parameter \"" + name + "\" that is mandatory for processing this request is not supplied.",
                400);
    }

    private static Result invalidSignatureMethod() {
        return Result.error("InvalidSignatureMethod", "Specified signature method is not valid.", 400);
    }

    private static Result incompleteSignature() {
        return Result.error("IncompleteSignature", "The request signature does not conform to Aliyun standards.", 400);
    }

    private static Result accessKeyNotFound() {
        return Result.error("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404);
    }

    /** Number of nonces currently remembered (for tests and metrics). */
    int rememberedNonces() {
        return nonces.size();
    }

    /**
     * Bounded memory of (AccessKeyId, nonce) pairs with their first-use time. Entries are kept in insertion order,
     * which is time order, so expired entries are evicted from the head. When full of unexpired entries the store
     * refuses new ones rather than grow.
     */
    static final class NonceStore {
        enum Outcome { RECORDED, USED, FULL }

        private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
        private final long windowMillis;
        private final int maxEntries;

        NonceStore(long windowMillis, int maxEntries) {
            this.windowMillis = windowMillis;
            this.maxEntries = maxEntries;
        }

        synchronized Outcome checkAndRecord(String key, long nowMillis) {
            evictExpired(nowMillis);
            Long firstSeen = seen.get(key);
            if (firstSeen != null) {
                if (nowMillis - firstSeen <= windowMillis) {
                    return Outcome.USED;
                }
                seen.remove(key); // expired but not at the head (clock moved back): forget and re-record at the tail
            }
            if (seen.size() >= maxEntries) {
                return Outcome.FULL;
            }
            seen.put(key, nowMillis);
            return Outcome.RECORDED;
        }

        private void evictExpired(long nowMillis) {
            Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
            while (it.hasNext()) {
                if (nowMillis - it.next().getValue() > windowMillis) {
                    it.remove();
                } else {
                    break;
                }
            }
        }

        synchronized int size() {
            return seen.size();
        }
    }

    @Override
    public String toString() {
        return "SignatureVerifier[maxSkew=" + maxSkew + ", rememberedNonces=" + rememberedNonces() + "]";
    }
}
