package org.thingservice.gateway.auth;

import static org.thingservice.gateway.auth.SignatureChecks.SIGNATURE_MISMATCH_MESSAGE;
import static org.thingservice.gateway.auth.SignatureChecks.accessKeyNotFound;
import static org.thingservice.gateway.auth.SignatureChecks.constantTimeEquals;
import static org.thingservice.gateway.auth.SignatureChecks.incompleteSignature;
import static org.thingservice.gateway.auth.SignatureChecks.isEmpty;
import static org.thingservice.gateway.auth.SignatureChecks.missing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.thingservice.gateway.auth.SignatureVerifier.Result;
import org.thingservice.gateway.text.FormEncoding;

/**
 * V3 ({@code Authorization: ACS3-HMAC-SHA256 ...}). Order of checks: the Authorization fields, date and nonce
 * headers (both signed), timestamp format and skew, AccessKeyId, body hash, signature, nonce.
 */
final class V3Verifier {

    static final String HDR_AUTHORIZATION = "authorization";
    private static final String HDR_DATE = "x-acs-date";
    private static final String HDR_NONCE = "x-acs-signature-nonce";
    private static final String HDR_CONTENT_SHA256 = "x-acs-content-sha256";
    private static final String HDR_CONTENT_TYPE = "content-type";

    private final SignatureChecks checks;

    V3Verifier(SignatureChecks checks) {
        this.checks = checks;
    }

    /** Whether this is a V3 request (headers with lower-case names). */
    static boolean isV3(Map<String, String> params, Map<String, String> headers) {
        String authorization = headers.get(HDR_AUTHORIZATION);
        return !params.containsKey("Signature") && authorization != null
                && authorization.trim().startsWith(AlibabaSignature.V3_ALGORITHM);
    }

    /**
     * @param headers  request headers, names lower-case
     * @param rawQuery the raw query string for the canonical query; {@code null}: {@code params} minus form-body ones
     */
    Result verify(String httpMethod, String path, Map<String, String> params, Map<String, String> headers,
                  String rawQuery, byte[] body) {
        Map<String, String> auth = parseAuthorization(headers.get(HDR_AUTHORIZATION).trim());
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
        Result timeError = checks.checkTime(headers.get(HDR_DATE));
        if (timeError != null) {
            return timeError;
        }
        String secret = checks.secretOf(accessKeyId);
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
        return checks.recordNonce(accessKeyId, nonce);
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
}
