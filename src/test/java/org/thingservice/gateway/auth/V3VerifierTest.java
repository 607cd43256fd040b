package org.thingservice.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class V3VerifierTest {

    private static final Instant NOW = Instant.parse("2026-11-26T03:11:49Z");

    private final V3Verifier verifier = new V3Verifier(new SignatureChecks(Map.of("ak", "secret")::get,
            Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(15), new NonceStore(60_000, 10)));

    private static Map<String, String> headers(Map<String, String> query, byte[] body, String nonce) {
        Map<String, String> h = new HashMap<>(Map.of("host", "127.0.0.1", "x-acs-date", NOW.toString(),
                "x-acs-signature-nonce", nonce, "content-type", "application/x-www-form-urlencoded"));
        List<String> signed = List.of("content-type", "host", "x-acs-date", "x-acs-signature-nonce");
        String canonical = AlibabaSignature.v3CanonicalRequest("POST", "/", query, h, signed, AlibabaSignature.sha256Hex(body));
        h.put("authorization", "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=" + String.join(";", signed)
                + ",Signature=" + AlibabaSignature.v3Signature(canonical, "secret"));
        return h;
    }

    @Test
    void theCanonicalQueryComesFromTheRawQueryWhenGiven() {
        byte[] body = "Args=%7B%7D".getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = headers(Map.of("Identifier", "Set Color"), body, "n1");
        Map<String, String> all = Map.of("Identifier", "Set Color", "Args", "{}");
        assertThat(V3Verifier.isV3(all, h)).isTrue();
        assertThat(verifier.verify("POST", "/", all, h, "Identifier=Set+Color", body).accessKeyId()).isEqualTo("ak");
    }

    @Test
    void withoutARawQueryTheFormBodysParametersAreLeftOutOfIt() {
        byte[] body = "Args=%7B%7D".getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = headers(Map.of("Identifier", "Set"), body, "n2");
        assertThat(verifier.verify("POST", "/", Map.of("Identifier", "Set", "Args", "{}"), h, null, body).ok()).isTrue();
    }

    @Test
    void anUnsignedNonceIsAnIncompleteSignature() {
        Map<String, String> h = headers(Map.of(), new byte[0], "n3");
        h.put("authorization", h.get("authorization").replace("x-acs-signature-nonce", "accept"));
        assertThat(verifier.verify("POST", "/", Map.of(), h, "", new byte[0]).errorCode()).isEqualTo("IncompleteSignature");
    }

    @Test
    void aValueThatDoesNotDecodeIsKeptAsItIs() {
        assertThat(V3Verifier.parseUrlEncoded("a=%ZZ&b=%41")).containsEntry("a", "%ZZ").containsEntry("b", "A");
    }
}
