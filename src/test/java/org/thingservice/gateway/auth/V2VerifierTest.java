package org.thingservice.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.auth.SignatureVerifier.Result;

class V2VerifierTest {

    private static final Instant NOW = Instant.parse("2026-11-26T03:11:49Z");

    private final V2Verifier verifier = new V2Verifier(new SignatureChecks(Map.of("ak", "secret")::get,
            Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(15), new NonceStore(60_000, 10)));

    private static Map<String, String> signed(String secret) {
        Map<String, String> p = new HashMap<>(Map.of("Action", "InvokeThingService", "AccessKeyId", "ak",
                "SignatureMethod", "HMAC-SHA1", "SignatureVersion", "1.0", "SignatureNonce", "n1", "Timestamp", NOW.toString()));
        p.put("Signature", AlibabaSignature.v2Signature("GET", p, secret));
        return p;
    }

    @Test
    void aSignedRequestVerifiesOnceAndItsNonceThenCountsAsUsed() {
        assertThat(verifier.verify("GET", signed("secret")).accessKeyId()).isEqualTo("ak");
        assertThat(verifier.verify("GET", signed("secret")).errorCode()).isEqualTo("SignatureNonceUsed");
    }

    @Test
    void aWrongSignatureDoesNotBurnTheNonce() {
        Result forged = verifier.verify("GET", signed("other"));
        assertThat(forged.errorCode()).isEqualTo("SignatureDoesNotMatch");
        assertThat(forged.httpStatus()).isEqualTo(400);
        assertThat(verifier.verify("GET", signed("secret")).ok()).isTrue();
    }

    @Test
    void theSignatureMethodMustBeHmacSha1() {
        Map<String, String> p = signed("secret");
        p.put("SignatureMethod", "HMAC-SHA256");
        assertThat(verifier.verify("GET", p).errorCode()).isEqualTo("InvalidSignatureMethod");
    }
}
