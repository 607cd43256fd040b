package org.thingservice.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import org.thingservice.gateway.auth.SignatureVerifier.Result;

/**
 * What V2 and V3 verification share: the caller's time against the clock, the AccessKeyId's secret, the nonce
 * (recorded only once the signature verified, so a forged request cannot burn a legitimate nonce), and the errors
 * Alibaba answers. Thread-safe.
 */
final class SignatureChecks {

    static final String SIGNATURE_MISMATCH_MESSAGE =
            "Specified signature is not matched with our calculation. server string to sign is:";

    private final SignatureVerifier.SecretLookup keys;
    private final Clock clock;
    private final Duration maxSkew;
    private final NonceStore nonces;

    SignatureChecks(SignatureVerifier.SecretLookup keys, Clock clock, Duration maxSkew, NonceStore nonces) {
        this.keys = keys;
        this.clock = clock;
        this.maxSkew = maxSkew;
        this.nonces = nonces;
    }

    /** {@code null} when the time is well formed and within the skew, else the error. */
    Result checkTime(String value) {
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

    /** @return the secret, or {@code null} when the AccessKeyId is unknown */
    String secretOf(String accessKeyId) {
        return keys.secretOf(accessKeyId);
    }

    /** After the signature verified: success, unless the nonce was used already or the store is full. */
    Result recordNonce(String accessKeyId, String nonce) {
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

    static boolean constantTimeEquals(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    static Result missing(String name) {
        return Result.error("MissingParameter",
                "The input parameter \"" + name + "\" that is mandatory for processing this request is not supplied.",
                400);
    }

    static Result invalidSignatureMethod() {
        return Result.error("InvalidSignatureMethod", "Specified signature method is not valid.", 400);
    }

    static Result incompleteSignature() {
        return Result.error("IncompleteSignature", "The request signature does not conform to Aliyun standards.", 400);
    }

    static Result accessKeyNotFound() {
        return Result.error("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404);
    }
}
