package org.thingservice.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.thingservice.gateway.auth.SignatureVerifier.Result;

class SignatureVerifierTest {

    private static final Instant NOW = Instant.parse("2026-11-26T03:11:49Z");
    private static final Duration SKEW = Duration.ofMinutes(15);
    private static final String AK = "testid";
    private static final String SECRET = "testsecret";
    private static final String OTHER_AK = "otherid";
    private static final String OTHER_SECRET = "othersecret";

    private final MutableClock clock = new MutableClock(NOW);
    private final Map<String, String> secrets = Map.of(AK, SECRET, OTHER_AK, OTHER_SECRET);

    private SignatureVerifier verifier(Duration maxSkew, int maxNonces) {
        return new SignatureVerifier(secrets::get, clock, maxSkew, maxNonces);
    }

    private SignatureVerifier verifier() {
        return verifier(SKEW, 100_000);
    }

    // =========================================================================================== V2 helpers

    private static Map<String, String> v2Params(String accessKeyId, String nonce, Instant timestamp) {
        Map<String, String> p = AlibabaSignatureTest.vectorC(nonce, timestamp.toString());
        p.put("AccessKeyId", accessKeyId);
        return p;
    }

    private static Map<String, String> v2Params(String nonce) {
        return v2Params(AK, nonce, NOW);
    }

    private static Map<String, String> signV2(String method, Map<String, String> unsigned, String secret) {
        Map<String, String> p = new HashMap<>(unsigned);
        p.put("Signature", AlibabaSignature.v2Signature(method, unsigned, secret));
        return p;
    }

    private Result verifyV2(SignatureVerifier v, String method, Map<String, String> signed) {
        return v.verify(method, "/", signed, Map.of(), new byte[0]);
    }

    private static void assertError(Result r, String code, int status) {
        assertFalse(r.ok(), "expected " + code + " but verification succeeded");
        assertEquals(code, r.errorCode(), r.errorMessage());
        assertEquals(status, r.httpStatus());
        assertNull(r.accessKeyId());
    }

    private static void assertOk(Result r, String accessKeyId) {
        assertTrue(r.ok(), () -> r.errorCode() + ": " + r.errorMessage());
        assertEquals(accessKeyId, r.accessKeyId());
    }

    // =========================================================================================== V2 success

    @Test
    void v2SignedGetSucceedsWithAccessKeyId() {
        assertOk(verifyV2(verifier(), "GET", signV2("GET", v2Params("n1"), SECRET)), AK);
    }

    @Test
    void v2SignedPostSucceeds() {
        assertOk(verifyV2(verifier(), "POST", signV2("POST", v2Params("n1"), SECRET)), AK);
    }

    @Test
    void v2ReferenceVectorVerifiesAtItsOwnTime() {
        Map<String, String> p = v2Params(AK, "e0a4e8d1-e3cd-4bd6-a814-6a9f27e3131317956627094251", NOW);
        p.put("Signature", "nqA8YxxUzREAHI1Edocz4lEZRnM=");
        assertOk(verifyV2(verifier(), "GET", p), AK);
    }

    @Test
    void v2SignatureIncludingEmptyValuedParameterIsAccepted() {
        Map<String, String> p = v2Params("n1");
        p.put("IotInstanceId", "");
        // core SDK style: IotInstanceId= is part of the string to sign
        assertOk(verifyV2(verifier(), "GET", signV2("GET", p, SECRET)), AK);
    }

    @Test
    void v2SignatureSkippingEmptyValuedParameterIsAccepted() {
        Map<String, String> withoutEmpty = v2Params("n1");
        Map<String, String> sent = signV2("GET", withoutEmpty, SECRET); // Tea style: empty values not signed
        sent.put("IotInstanceId", "");                                  // ... but still sent
        assertOk(verifyV2(verifier(), "GET", sent), AK);
    }

    // =========================================================================================== V2 errors

    @Test
    void v2WrongSecretYieldsSignatureDoesNotMatchWithoutLeakingSecretOrServerSignature() {
        Map<String, String> unsigned = v2Params("n1");
        Result r = verifyV2(verifier(), "GET", signV2("GET", unsigned, "not-the-secret"));
        assertError(r, "SignatureDoesNotMatch", 400);
        String serverSignature = AlibabaSignature.v2Signature("GET", unsigned, SECRET);
        assertFalse(r.errorMessage().contains(SECRET), "message leaks the secret");
        assertFalse(r.errorMessage().contains(serverSignature), "message leaks the server's signature");
        assertTrue(r.errorMessage().endsWith(AlibabaSignature.v2StringToSign("GET", unsigned)),
                "message should carry the server's StringToSign like Alibaba does");
    }

    @Test
    void v2TamperedParameterYieldsSignatureDoesNotMatch() {
        Map<String, String> signed = signV2("GET", v2Params("n1"), SECRET);
        signed.put("DeviceName", "another-device");
        assertError(verifyV2(verifier(), "GET", signed), "SignatureDoesNotMatch", 400);
    }

    @Test
    void v2SignatureForGetSentAsPostYieldsSignatureDoesNotMatch() {
        assertError(verifyV2(verifier(), "POST", signV2("GET", v2Params("n1"), SECRET)), "SignatureDoesNotMatch", 400);
    }

    @Test
    void v2UnknownAccessKeyIdYieldsInvalidAccessKeyIdNotFound() {
        Map<String, String> p = v2Params("nobody", "n1", NOW);
        assertError(verifyV2(verifier(), "GET", signV2("GET", p, SECRET)), "InvalidAccessKeyId.NotFound", 404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AccessKeyId", "SignatureNonce", "Timestamp", "SignatureMethod", "SignatureVersion"})
    void v2MissingMandatoryParameterYieldsMissingParameterNamingIt(String name) {
        Map<String, String> p = v2Params("n1");
        p.remove(name);
        Result r = verifyV2(verifier(), "GET", signV2("GET", p, SECRET));
        assertError(r, "MissingParameter", 400);
        assertTrue(r.errorMessage().contains("\"" + name + "\""), r.errorMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"AccessKeyId", "SignatureNonce", "Timestamp"})
    void v2EmptyMandatoryParameterYieldsMissingParameter(String name) {
        Map<String, String> p = v2Params("n1");
        p.put(name, "");
        Result r = verifyV2(verifier(), "GET", signV2("GET", p, SECRET));
        assertError(r, "MissingParameter", 400);
        assertTrue(r.errorMessage().contains("\"" + name + "\""), r.errorMessage());
    }

    @Test
    void requestWithoutAnySignatureYieldsMissingParameterSignature() {
        Result r = verifier().verify("GET", "/", v2Params("n1"), Map.of("authorization", "Bearer abc"), null);
        assertError(r, "MissingParameter", 400);
        assertTrue(r.errorMessage().contains("\"Signature\""), r.errorMessage());
    }

    @Test
    void v2SignatureMethodOtherThanHmacSha1YieldsInvalidSignatureMethod() {
        Map<String, String> p = v2Params("n1");
        p.put("SignatureMethod", "HMAC-SHA256");
        assertError(verifyV2(verifier(), "GET", signV2("GET", p, SECRET)), "InvalidSignatureMethod", 400);
    }

    @Test
    void v3AlgorithmOtherThanHmacSha256YieldsInvalidSignatureMethod() {
        Result r = verifier().verify("GET", "/", Map.of(),
                Map.of("authorization", "ACS3-HMAC-SM3 Credential=testid,SignedHeaders=host,Signature=00"), null);
        assertError(r, "InvalidSignatureMethod", 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-26 03:11:49", "2026-11-26T03:11:49", "yesterday", "1795662709",
            "2026-13-26T03:11:49Z"})
    void v2MalformedTimestampYieldsInvalidTimeStampFormat(String timestamp) {
        Map<String, String> p = v2Params("n1");
        p.put("Timestamp", timestamp);
        assertError(verifyV2(verifier(), "GET", signV2("GET", p, SECRET)), "InvalidTimeStamp.Format", 400);
    }

    @ParameterizedTest
    @ValueSource(longs = {-(15 * 60 + 1), 15 * 60 + 1, -86_400, 86_400})
    void v2TimestampSkewBeyondLimitEitherWayYieldsInvalidTimeStampExpired(long offsetSeconds) {
        Map<String, String> p = v2Params(AK, "n1", NOW.plusSeconds(offsetSeconds));
        assertError(verifyV2(verifier(), "GET", signV2("GET", p, SECRET)), "InvalidTimeStamp.Expired", 400);
    }

    @ParameterizedTest
    @ValueSource(longs = {-15 * 60, 15 * 60, -60, 60})
    void v2TimestampSkewWithinLimitEitherWayIsAccepted(long offsetSeconds) {
        Map<String, String> p = v2Params(AK, "n1", NOW.plusSeconds(offsetSeconds));
        assertOk(verifyV2(verifier(), "GET", signV2("GET", p, SECRET)), AK);
    }

    @Test
    void serverClockMovingPastTheSkewExpiresAnOtherwiseValidRequest() {
        SignatureVerifier v = verifier();
        Map<String, String> signed = signV2("GET", v2Params("n1"), SECRET);
        clock.advance(SKEW.plusSeconds(1));
        assertError(verifyV2(v, "GET", signed), "InvalidTimeStamp.Expired", 400);
    }

    // =========================================================================================== nonces

    @Test
    void replayedNonceYieldsSignatureNonceUsed() {
        SignatureVerifier v = verifier();
        Map<String, String> signed = signV2("GET", v2Params("n1"), SECRET);
        assertOk(verifyV2(v, "GET", signed), AK);
        assertError(verifyV2(v, "GET", signed), "SignatureNonceUsed", 400);
    }

    @Test
    void reusedNonceInADifferentRequestYieldsSignatureNonceUsed() {
        SignatureVerifier v = verifier();
        assertOk(verifyV2(v, "GET", signV2("GET", v2Params("n1"), SECRET)), AK);
        Map<String, String> other = v2Params("n1");
        other.put("Identifier", "Other");
        assertError(verifyV2(v, "GET", signV2("GET", other, SECRET)), "SignatureNonceUsed", 400);
    }

    @Test
    void sameNonceUnderAnotherAccessKeyIsAccepted() {
        SignatureVerifier v = verifier();
        assertOk(verifyV2(v, "GET", signV2("GET", v2Params(AK, "n1", NOW), SECRET)), AK);
        assertOk(verifyV2(v, "GET", signV2("GET", v2Params(OTHER_AK, "n1", NOW), OTHER_SECRET)), OTHER_AK);
    }

    @Test
    void aFutureStampedRequestCannotBeReplayedForAsLongAsItsTimestampIsAccepted() {
        // stamped at the limit of the skew in the future, first used now: its timestamp passes until NOW + 2 x skew
        SignatureVerifier v = verifier();
        Map<String, String> signed = signV2("GET", v2Params(AK, "n1", NOW.plus(SKEW)), SECRET);
        assertOk(verifyV2(v, "GET", signed), AK);
        clock.advance(SKEW.plusMillis(1)); // a window of one skew would have forgotten the nonce here
        assertError(verifyV2(v, "GET", signed), "SignatureNonceUsed", 400);
        clock.set(NOW.plus(SKEW.multipliedBy(2))); // the last instant at which the timestamp is accepted
        assertError(verifyV2(v, "GET", signed), "SignatureNonceUsed", 400);
        clock.advance(Duration.ofMillis(1));
        assertError(verifyV2(v, "GET", signed), "InvalidTimeStamp.Expired", 400);
    }

    @Test
    void aNonceIsRememberedForTwiceTheMaxSkewAfterItsFirstUse() {
        SignatureVerifier v = verifier();
        assertOk(verifyV2(v, "GET", signV2("GET", v2Params("n1"), SECRET)), AK);
        clock.set(NOW.plus(SKEW.multipliedBy(2)));
        assertOk(verifyV2(v, "GET", signV2("GET", v2Params(AK, "n2", clock.instant()), SECRET)), AK);
        assertEquals(2, v.rememberedNonces());
        clock.advance(Duration.ofMillis(1));
        assertOk(verifyV2(v, "GET", signV2("GET", v2Params(AK, "n3", clock.instant()), SECRET)), AK);
        assertEquals(2, v.rememberedNonces(), "n1 is forgotten, n2 and n3 are remembered");
    }

    @Test
    void aHugeNonceCostsNoMoreMemoryThanAShortOne() {
        SignatureVerifier v = verifier();
        String huge = "n".repeat(200_000);
        assertOk(verifyV2(v, "GET", signV2("GET", v2Params(huge), SECRET)), AK);
        assertError(verifyV2(v, "GET", signV2("GET", v2Params(huge), SECRET)), "SignatureNonceUsed", 400);
        assertTrue(v.toString().contains("rememberedNonces=1"), v.toString());
    }

    @Test
    void forgedRequestDoesNotBurnTheNonce() {
        SignatureVerifier v = verifier();
        assertError(verifyV2(v, "GET", signV2("GET", v2Params("n1"), "attacker-guess")), "SignatureDoesNotMatch", 400);
        assertOk(verifyV2(v, "GET", signV2("GET", v2Params("n1"), SECRET)), AK);
    }

    @Test
    void nonceMemoryFullOfLiveNoncesYieldsServiceUnavailable() {
        SignatureVerifier v = verifier(SKEW, 3);
        for (int i = 0; i < 3; i++) {
            assertOk(verifyV2(v, "GET", signV2("GET", v2Params("n" + i), SECRET)), AK);
        }
        assertError(verifyV2(v, "GET", signV2("GET", v2Params("n3"), SECRET)), "ServiceUnavailable", 503);
        assertEquals(3, v.rememberedNonces());
        // a replay is still recognised as such while full
        assertError(verifyV2(v, "GET", signV2("GET", v2Params("n0"), SECRET)), "SignatureNonceUsed", 400);
    }

    @Test
    void expiredNoncesAreEvictedToMakeRoom() {
        SignatureVerifier v = verifier(Duration.ofMinutes(5), 3); // nonces remembered for 10 min
        for (int i = 0; i < 3; i++) {
            assertOk(verifyV2(v, "GET", signV2("GET", v2Params("n" + i), SECRET)), AK);
        }
        clock.advance(Duration.ofMinutes(10).plusMillis(1));
        Map<String, String> fresh = v2Params(AK, "n3", clock.instant());
        assertOk(verifyV2(v, "GET", signV2("GET", fresh, SECRET)), AK);
        assertEquals(1, v.rememberedNonces());
    }

    @Test
    void onlyNoncesOlderThanTheWindowAreEvicted() {
        SignatureVerifier v = verifier(Duration.ofMinutes(5), 2); // nonces remembered for 10 min
        assertOk(verifyV2(v, "GET", signV2("GET", v2Params("old"), SECRET)), AK);
        clock.advance(Duration.ofMinutes(6));
        assertOk(verifyV2(v, "GET", signV2("GET", v2Params(AK, "young", clock.instant()), SECRET)), AK);
        clock.advance(Duration.ofMinutes(4).plusMillis(1)); // "old" is just over 10 min old, "young" 4 min
        assertOk(verifyV2(v, "GET", signV2("GET", v2Params(AK, "new", clock.instant()), SECRET)), AK);
        assertEquals(2, v.rememberedNonces());
        assertError(verifyV2(v, "GET", signV2("GET", v2Params(AK, "newer", clock.instant()), SECRET)),
                "ServiceUnavailable", 503);
    }

    @Test
    void concurrentReplaysOfOneNonceSucceedExactlyOnce() throws Exception {
        SignatureVerifier v = verifier();
        Map<String, String> signed = signV2("GET", v2Params("n1"), SECRET);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Result>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<Result> call = () -> {
                    start.await();
                    return verifyV2(v, "GET", signed);
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            int ok = 0;
            for (Future<Result> f : futures) {
                Result r = f.get(10, TimeUnit.SECONDS);
                if (r.ok()) {
                    ok++;
                } else {
                    assertEquals("SignatureNonceUsed", r.errorCode());
                }
            }
            assertEquals(1, ok);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void nonceStoreRecordsEachNonceExactlyOnceUnderContention() throws Exception {
        NonceStore store = new NonceStore(60_000, 1_000_000);
        int threads = 8;
        int nonces = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    int recorded = 0;
                    for (int i = 0; i < nonces; i++) {
                        if (store.checkAndRecord("k\n" + i, 1_000L) == NonceStore.Outcome.RECORDED) {
                            recorded++;
                        }
                    }
                    return recorded;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : futures) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertEquals(nonces, total);
            assertEquals(nonces, store.size());
        } finally {
            pool.shutdownNow();
        }
    }

    // =========================================================================================== V3 helpers

    /** Builds a V3 request the way the Tea SDK does, with knobs to produce broken variants. */
    private final class V3 {
        String method = "POST";
        String accessKeyId = AK;
        String secret = SECRET;
        String nonce = UUID.randomUUID().toString();
        String date = clock.instant().toString();
        byte[] body = new byte[0];
        String claimedBodyHash;        // null: sha256(body)
        String contentType;            // null: none
        final Map<String, String> query = new TreeMap<>(Map.of(
                "ProductKey", "a1BwAGV****", "DeviceName", "light", "Identifier", "Set", "Args", "{\"param1\":1}"));
        List<String> unsignedHeaders = List.of();

        Map<String, String> headers;

        V3 build() {
            headers = new HashMap<>();
            headers.put("host", "127.0.0.1:8080");
            headers.put("accept", "application/json");
            headers.put("x-acs-action", "InvokeThingService");
            headers.put("x-acs-version", "2018-01-20");
            headers.put("x-acs-date", date);
            headers.put("x-acs-signature-nonce", nonce);
            headers.put("x-acs-content-sha256",
                    claimedBodyHash != null ? claimedBodyHash : AlibabaSignature.sha256Hex(body));
            if (contentType != null) {
                headers.put("content-type", contentType);
            }
            List<String> signed = new ArrayList<>();
            for (String h : new TreeMap<>(headers).keySet()) {
                if ((h.equals("host") || h.equals("content-type") || h.startsWith("x-acs-"))
                        && !unsignedHeaders.contains(h)) {
                    signed.add(h);
                }
            }
            String canonical = AlibabaSignature.v3CanonicalRequest(method, "/", query, headers, signed,
                    AlibabaSignature.sha256Hex(body));
            headers.put("authorization", "ACS3-HMAC-SHA256 Credential=" + accessKeyId + ",SignedHeaders="
                    + String.join(";", signed) + ",Signature=" + AlibabaSignature.v3Signature(canonical, secret));
            return this;
        }

        Result verifyWith(SignatureVerifier v) {
            return v.verify(method, "/", query, headers, body);
        }
    }

    // =========================================================================================== V3

    @Test
    void v3SignedRequestSucceedsWithAccessKeyId() {
        assertOk(new V3().build().verifyWith(verifier()), AK);
    }

    @Test
    void v3SignedRequestWithBodySucceeds() {
        V3 r = new V3();
        r.body = "{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8);
        r.contentType = "application/json";
        assertOk(r.build().verifyWith(verifier()), AK);
    }

    @Test
    void v3WrongSecretYieldsSignatureDoesNotMatchWithoutLeakingSecret() {
        V3 r = new V3();
        r.secret = "not-the-secret";
        Result res = r.build().verifyWith(verifier());
        assertError(res, "SignatureDoesNotMatch", 400);
        assertFalse(res.errorMessage().contains(SECRET), "message leaks the secret");
        V3 honest = new V3();
        honest.nonce = r.nonce;
        honest.build();
        String serverSignature = honest.headers.get("authorization").replaceAll(".*Signature=", "");
        assertFalse(res.errorMessage().contains(serverSignature), "message leaks the server's signature");
    }

    @Test
    void v3TamperedQueryParameterYieldsSignatureDoesNotMatch() {
        V3 r = new V3().build();
        r.query.put("DeviceName", "another-device");
        assertError(r.verifyWith(verifier()), "SignatureDoesNotMatch", 400);
    }

    @Test
    void v3TamperedBodyYieldsSignatureDoesNotMatch() {
        V3 r = new V3();
        r.body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        r.build();
        r.body = "{\"a\":2}".getBytes(StandardCharsets.UTF_8);
        assertError(r.verifyWith(verifier()), "SignatureDoesNotMatch", 400);
    }

    @Test
    void v3ContentSha256HeaderNotMatchingBodyYieldsSignatureDoesNotMatch() {
        // The signature itself is consistent (payload hash of the real body), only the declared header lies.
        V3 r = new V3();
        r.body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        r.claimedBodyHash = AlibabaSignature.sha256Hex("{\"a\":2}".getBytes(StandardCharsets.UTF_8));
        Result res = r.build().verifyWith(verifier());
        assertError(res, "SignatureDoesNotMatch", 400);
        assertTrue(res.errorMessage().contains("x-acs-content-sha256"), res.errorMessage());
    }

    @Test
    void v3UnknownCredentialYieldsInvalidAccessKeyIdNotFound() {
        V3 r = new V3();
        r.accessKeyId = "nobody";
        assertError(r.build().verifyWith(verifier()), "InvalidAccessKeyId.NotFound", 404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-acs-date", "x-acs-signature-nonce"})
    void v3MissingMandatoryHeaderYieldsMissingParameterNamingIt(String header) {
        V3 r = new V3().build();
        r.headers.remove(header);
        Result res = r.verifyWith(verifier());
        assertError(res, "MissingParameter", 400);
        assertTrue(res.errorMessage().contains("\"" + header + "\""), res.errorMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Credential", "SignedHeaders", "Signature"})
    void v3AuthorizationWithoutPartYieldsIncompleteSignature(String part) {
        V3 r = new V3().build();
        String auth = r.headers.get("authorization").replaceFirst(part + "=[^,]*,?", "");
        r.headers.put("authorization", auth);
        assertError(r.verifyWith(verifier()), "IncompleteSignature", 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ACS3-HMAC-SHA256", "ACS3-HMAC-SHA256 ", "ACS3-HMAC-SHA256Credential=testid",
            "ACS3-HMAC-SHA256 garbage", "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=,Signature=00",
            "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;;x-acs-date,Signature=00"})
    void v3MalformedAuthorizationYieldsIncompleteSignature(String authorization) {
        V3 r = new V3().build();
        r.headers.put("authorization", authorization);
        assertError(r.verifyWith(verifier()), "IncompleteSignature", 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-acs-date", "x-acs-signature-nonce"})
    void v3UnsignedReplayProtectionHeaderYieldsIncompleteSignature(String header) {
        V3 r = new V3();
        r.unsignedHeaders = List.of(header);
        assertError(r.build().verifyWith(verifier()), "IncompleteSignature", 400);
    }

    @ParameterizedTest
    @ValueSource(longs = {-(15 * 60 + 1), 15 * 60 + 1})
    void v3DateSkewBeyondLimitEitherWayYieldsInvalidTimeStampExpired(long offsetSeconds) {
        V3 r = new V3();
        r.date = NOW.plusSeconds(offsetSeconds).toString();
        assertError(r.build().verifyWith(verifier()), "InvalidTimeStamp.Expired", 400);
    }

    @ParameterizedTest
    @ValueSource(longs = {-15 * 60, 15 * 60})
    void v3DateSkewAtLimitIsAccepted(long offsetSeconds) {
        V3 r = new V3();
        r.date = NOW.plusSeconds(offsetSeconds).toString();
        assertOk(r.build().verifyWith(verifier()), AK);
    }

    @Test
    void v3MalformedDateYieldsInvalidTimeStampFormat() {
        V3 r = new V3();
        r.date = "Thu, 26 Nov 2026 03:11:49 GMT";
        assertError(r.build().verifyWith(verifier()), "InvalidTimeStamp.Format", 400);
    }

    @Test
    void v3ReplayedNonceYieldsSignatureNonceUsed() {
        SignatureVerifier v = verifier();
        V3 r = new V3().build();
        assertOk(r.verifyWith(v), AK);
        assertError(r.verifyWith(v), "SignatureNonceUsed", 400);
    }

    @Test
    void v3FormBodyParametersAreNotPartOfTheCanonicalQuery() {
        V3 r = new V3();
        r.contentType = "application/x-www-form-urlencoded; charset=UTF-8";
        r.body = "Extra=%7B%22a%22%3A1%7D".getBytes(StandardCharsets.UTF_8);
        r.build();
        Map<String, String> params = new HashMap<>(r.query);
        params.put("Extra", "{\"a\":1}"); // the gateway merges form-body params into params
        assertOk(verifier().verify("POST", "/", params, r.headers, r.body), AK);
    }

    @Test
    void v3RawQueryIsUsedForTheCanonicalQueryWhenGiven() {
        V3 r = new V3().build();
        Map<String, String> params = new HashMap<>(r.query);
        params.put("FromElsewhere", "x"); // not in the query string: would break the canonical query
        StringBuilder raw = new StringBuilder();
        r.query.forEach((k, val) -> raw.append(raw.length() == 0 ? "" : "&")
                .append(AlibabaSignature.percentEncode(k)).append('=').append(AlibabaSignature.percentEncode(val)));
        assertError(verifier().verify("POST", "/", params, r.headers, r.body), "SignatureDoesNotMatch", 400);
        assertOk(verifier().verify("POST", "/", params, r.headers, raw.toString(), r.body), AK);
    }

    @Test
    void v3ForgedRequestDoesNotBurnTheNonce() {
        SignatureVerifier v = verifier();
        V3 forged = new V3();
        forged.secret = "attacker-guess";
        forged.build();
        assertError(forged.verifyWith(v), "SignatureDoesNotMatch", 400);
        V3 honest = new V3();
        honest.nonce = forged.nonce;
        assertOk(honest.build().verifyWith(v), AK);
    }
}
