package org.thingservice.gateway.auth;

import static org.thingservice.gateway.auth.SignatureChecks.SIGNATURE_MISMATCH_MESSAGE;
import static org.thingservice.gateway.auth.SignatureChecks.accessKeyNotFound;
import static org.thingservice.gateway.auth.SignatureChecks.constantTimeEquals;
import static org.thingservice.gateway.auth.SignatureChecks.invalidSignatureMethod;
import static org.thingservice.gateway.auth.SignatureChecks.isEmpty;
import static org.thingservice.gateway.auth.SignatureChecks.missing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.thingservice.gateway.auth.SignatureVerifier.Result;

/**
 * V2 ({@code Signature} parameter, HMAC-SHA1). Order of checks: mandatory parameters, signature method, timestamp
 * format and skew, AccessKeyId, signature, nonce.
 */
final class V2Verifier {

    static final String SIGNATURE_METHOD = "HMAC-SHA1";
    private static final List<String> MANDATORY =
            List.of("AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp");

    private final SignatureChecks checks;

    V2Verifier(SignatureChecks checks) {
        this.checks = checks;
    }

    /** @param params all query + form-body parameters, decoded, {@code Signature} among them */
    Result verify(String httpMethod, Map<String, String> params) {
        String signature = params.get("Signature");
        if (isEmpty(signature)) {
            return missing("Signature");
        }
        for (String name : MANDATORY) {
            if (isEmpty(params.get(name))) {
                return missing(name);
            }
        }
        if (!SIGNATURE_METHOD.equals(params.get("SignatureMethod"))) {
            return invalidSignatureMethod();
        }
        Result timeError = checks.checkTime(params.get("Timestamp"));
        if (timeError != null) {
            return timeError;
        }
        String accessKeyId = params.get("AccessKeyId");
        String secret = checks.secretOf(accessKeyId);
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
        return checks.recordNonce(accessKeyId, params.get("SignatureNonce"));
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
}
