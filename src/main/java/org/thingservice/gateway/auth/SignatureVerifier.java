package org.thingservice.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies the signature of one Alibaba Cloud POP request, V2 ({@code Signature} parameter, HMAC-SHA1:
 * {@link V2Verifier}) or V3 ({@code Authorization: ACS3-HMAC-SHA256 ...}: {@link V3Verifier}), and answers either
 * success (with the AccessKeyId) or the POP error Alibaba would return. Both share the time, key and nonce checks
 * ({@link SignatureChecks}, {@link NonceStore}).
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

    private final Duration maxSkew;
    private final NonceStore nonces;
    private final V2Verifier v2;
    private final V3Verifier v3;

    /**
     * @param keys      AccessKeyId to secret
     * @param clock     time source (fixed/mutable in tests)
     * @param maxSkew   largest accepted difference, either way, between request time and server time (15 min)
     * @param maxNonces bound on the number of remembered nonces; when full of unexpired nonces, new requests are
     *                  answered {@code ServiceUnavailable} instead of growing memory
     */
    public SignatureVerifier(SecretLookup keys, Clock clock, Duration maxSkew, int maxNonces) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(clock, "clock");
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
        SignatureChecks checks = new SignatureChecks(keys, clock, maxSkew, nonces);
        this.v2 = new V2Verifier(checks);
        this.v3 = new V3Verifier(checks);
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
            return v2.verify(httpMethod, p);
        }
        if (isV3(p, h)) {
            return v3.verify(httpMethod, path, p, h, rawQuery, b);
        }
        String authorization = h.get(V3Verifier.HDR_AUTHORIZATION);
        if (authorization != null && authorization.trim().startsWith("ACS3-")) {
            return SignatureChecks.invalidSignatureMethod();
        }
        return SignatureChecks.missing("Signature");
    }

    /** Whether {@link #verify} takes this request for a V3 one (headers with lower-case names). */
    public static boolean isV3(Map<String, String> params, Map<String, String> headers) {
        return V3Verifier.isV3(params, headers);
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

    /** Number of nonces currently remembered (for tests and metrics). */
    int rememberedNonces() {
        return nonces.size();
    }

    @Override
    public String toString() {
        return "SignatureVerifier[maxSkew=" + maxSkew + ", rememberedNonces=" + rememberedNonces() + "]";
    }
}
