package org.thingservice.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.aliyuncs.CommonRequest;
import com.aliyuncs.CommonResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.profile.DefaultProfile;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.auth.AlibabaSignature;
import org.thingservice.gateway.support.AlibabaSdk;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.Waits;

/**
 * Caller authentication on (gateway.auth.enabled=true): Alibaba's V2 and V3 signatures against the keys file, the
 * official Alibaba SDK as a caller, Alibaba's error codes in the caller's Format, and nothing of a refused call
 * reaching MQTT.
 */
class CallerAuthenticationTest extends GatewayTestSupport {

    private static final AccessKey KEY = new AccessKey("tsg-test-caller", "s3cret-Only-The-Gateway-Knows");
    private static final AccessKey WRONG_SECRET = new AccessKey(KEY.id(), "a-guess");
    private static final Map<String, String> BLINK = Map.of("ProductKey", PK, "DeviceName", "lamp-1",
            "Identifier", "Blink", "Args", "{\"param1\":1}");

    // no initialiser: settings() needs the file while the superclass is still being constructed
    private Path keysFile;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    private Path keysFile() {
        if (keysFile == null) {
            keysFile = writeKeysFile(KEY);
        }
        return keysFile;
    }

    @Override
    protected Map<String, String> settings() {
        return Map.of("gateway.auth.enabled", "true", "gateway.auth.keys", keysFile().toString());
    }

    @Override
    protected AccessKey accessKey() {
        return KEY;
    }

    /**
     * The requests only (every call here is to the sync Blink, over RRPC): a reply to the previous test's call may
     * reach the spy after that test ended, since the broker delivers it to the gateway and the spy independently.
     */
    @Override
    protected String[] spiedTopics() {
        return new String[] {"/sys/+/+/rrpc/request/+"};
    }

    @BeforeEach
    void watch() {
        if (!log.isStarted()) {
            log.start();
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
        }
    }

    @AfterAll
    void secretsWereNeverLogged() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        assertThat(log.list).as("log lines").isNotEmpty()
                .noneMatch(e -> e.getFormattedMessage().contains(KEY.secret()));
    }

    // ------------------------------------------------------------------ the official Alibaba Java SDK as a caller

    @Test
    void theAlibabaSdkWithTheKeyIsServedByGet() throws Exception {
        CommonResponse response = sdk(KEY).getCommonResponse(sdkRequest(MethodType.GET));

        assertThat(response.getHttpStatus()).isEqualTo(200);
        assertThat(JSON.readTree(response.getData()).path("Success").asBoolean()).as(response.getData()).isTrue();
    }

    @Test
    void theAlibabaSdkWithTheKeyIsServedByPostWithAFormBody() throws Exception {
        CommonResponse response = sdk(KEY).getCommonResponse(sdkRequest(MethodType.POST));

        assertThat(response.getHttpStatus()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.getData());
        assertThat(body.path("Success").asBoolean()).as(response.getData()).isTrue();
        assertThat(JSON.readTree(body.path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(1);
    }

    @Test
    void theAlibabaSdkWithAWrongSecretIsRefusedByGetAndByPost() throws Exception {
        for (MethodType method : List.of(MethodType.GET, MethodType.POST)) {
            assertThatThrownBy(() -> sdk(WRONG_SECRET).getCommonResponse(sdkRequest(method))).as(method.name())
                    .isInstanceOfSatisfying(ClientException.class, e -> {
                        assertThat(e.getErrCode()).isEqualTo("SignatureDoesNotMatch");
                        assertThat(e.getErrMsg()).doesNotContain(KEY.secret());
                    });
        }
        assertThat(spy().received()).as("nothing of a refused call reaches MQTT").isEmpty();
    }

    @Test
    void theAlibabaSdkWithAnUnknownAccessKeyIsRefused() {
        assertThatThrownBy(() -> sdk(new AccessKey("nobody", KEY.secret())).getCommonResponse(sdkRequest(MethodType.GET)))
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.getErrCode()).isEqualTo("InvalidAccessKeyId.NotFound"));
    }

    @Test
    void everyCallIsLoggedWithTheAccessKeyIdThatSignedIt() throws Exception {
        String requestId = json(get(invoke(BLINK))).path("RequestId").asText();

        assertThat(log.list).filteredOn(e -> e.getFormattedMessage().contains("RequestId=" + requestId)).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("outcome=Success", "caller=" + KEY.id()));
    }

    // ------------------------------------------------------------------ Alibaba's errors, in the caller's Format

    @Test
    void anUnsignedCallIsMissingParameterSignatureAndNothingIsPublished() throws Exception {
        HttpResponse<String> json = getAsIs(encode(invoke(BLINK)));
        HttpResponse<String> xml = getAsIs(encode(invoke(BLINK, "Format", "XML")));

        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(json(json).path("Code").asText()).isEqualTo("MissingParameter");
        assertThat(json(json).path("Message").asText()).contains("\"Signature\"");
        assertThat(json(json).path("RequestId").asText()).isNotEmpty();
        assertThat(xml.statusCode()).isEqualTo(400);
        assertThat(xml.body()).startsWith("<Error><RequestId>").contains("<Code>MissingParameter</Code>", "<Message>");
        Thread.sleep(50);
        assertThat(spy().received()).isEmpty();
    }

    @Test
    void aWrongSecretIsSignatureDoesNotMatchInJsonAndXml() throws Exception {
        HttpResponse<String> json = getAsIs(encode(signV2("GET", invoke(BLINK), WRONG_SECRET, Instant.now())));
        HttpResponse<String> xml = getAsIs(encode(signV2("GET", invoke(BLINK, "Format", "XML"), WRONG_SECRET, Instant.now())));

        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(json(json).path("Code").asText()).isEqualTo("SignatureDoesNotMatch");
        // like Alibaba, the answer shows the server's string to sign, so the caller can find its mistake
        assertThat(json(json).path("Message").asText()).contains("GET&%2F&AccessKeyId%3D" + KEY.id());
        assertThat(xml.statusCode()).isEqualTo(400);
        assertThat(xml.body()).startsWith("<Error>").contains("<Code>SignatureDoesNotMatch</Code>");
        assertThat(json.body() + xml.body()).doesNotContain(KEY.secret());
        Thread.sleep(50);
        assertThat(spy().received()).isEmpty();
    }

    @Test
    void aTamperedParameterIsSignatureDoesNotMatch() throws Exception {
        Map<String, String> signed = signV2("GET", invoke(BLINK), KEY, Instant.now());
        signed.put("DeviceName", "lamp-2");

        assertThat(json(getAsIs(encode(signed))).path("Code").asText()).isEqualTo("SignatureDoesNotMatch");
    }

    @Test
    void anUnknownAccessKeyIdIsNotFound404() throws Exception {
        HttpResponse<String> response = getAsIs(encode(signV2("GET", invoke(BLINK), new AccessKey("nobody", "x"), Instant.now())));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).path("Code").asText()).isEqualTo("InvalidAccessKeyId.NotFound");
    }

    @Test
    void aTimestampMoreThan15MinutesOffIsExpired() throws Exception {
        for (Duration offset : List.of(Duration.ofMinutes(-16), Duration.ofMinutes(16))) {
            HttpResponse<String> response = getAsIs(encode(signV2("GET", invoke(BLINK), KEY, Instant.now().plus(offset))));

            assertThat(response.statusCode()).as(offset.toString()).isEqualTo(400);
            assertThat(json(response).path("Code").asText()).as(offset.toString()).isEqualTo("InvalidTimeStamp.Expired");
        }
        assertThat(json(getAsIs(encode(signV2("GET", invoke(BLINK), KEY, Instant.now().minus(Duration.ofMinutes(14))))))
                .path("Success").asBoolean()).as("14 minutes off is within the skew").isTrue();
    }

    @Test
    void aReplayedCallIsSignatureNonceUsedAndReachesTheDeviceOnce() throws Exception {
        String signed = encode(signV2("GET", invoke(BLINK), KEY, Instant.now()));

        assertThat(json(getAsIs(signed)).path("Success").asBoolean()).isTrue();
        HttpResponse<String> replay = getAsIs(signed);

        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(json(replay).path("Code").asText()).isEqualTo("SignatureNonceUsed");
        Thread.sleep(50);
        assertThat(spy().received()).filteredOn(m -> m.topic().contains("/rrpc/request/")).hasSize(1);
    }

    @Test
    void incompleteV2SignatureParametersAreMissingParameter() throws Exception {
        Map<String, String> signed = signV2("GET", invoke(BLINK), KEY, Instant.now());
        signed.remove("SignatureNonce");

        HttpResponse<String> response = getAsIs(encode(signed));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("Code").asText()).isEqualTo("MissingParameter");
        assertThat(json(response).path("Message").asText()).contains("SignatureNonce");
    }

    // ------------------------------------------------------------------ V3 (ACS3-HMAC-SHA256), as the Tea SDKs sign

    @Test
    void aV3SignedCallIsServed() throws Exception {
        HttpResponse<String> response = http.send(v3Request(KEY, UUID.randomUUID().toString()), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).path("Success").asBoolean()).isTrue();
    }

    @Test
    void aV3CallWithAWrongSecretOrAReplayedNonceIsRefused() throws Exception {
        HttpResponse<String> wrong = http.send(v3Request(WRONG_SECRET, UUID.randomUUID().toString()), HttpResponse.BodyHandlers.ofString());
        String nonce = UUID.randomUUID().toString();
        http.send(v3Request(KEY, nonce), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> replay = http.send(v3Request(KEY, nonce), HttpResponse.BodyHandlers.ofString());

        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(json(wrong).path("Code").asText()).isEqualTo("SignatureDoesNotMatch");
        assertThat(json(replay).path("Code").asText()).isEqualTo("SignatureNonceUsed");
    }

    @Test
    void aV3CallWithAFormBodyIsServedAndItsSignatureCoversTheBody() throws Exception {
        byte[] form = "Timeout=5000".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> served = http.send(v3Builder(KEY, UUID.randomUUID().toString(), "POST", form)
                .header("Content-Type", "application/x-www-form-urlencoded").build(), HttpResponse.BodyHandlers.ofString());
        // the same signature and x-acs-content-sha256 with another body: the body was changed on its way
        HttpResponse<String> tampered = http.send(v3Builder(KEY, UUID.randomUUID().toString(), "POST", form)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("Timeout=6000")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> multipart = http.send(v3Builder(KEY, UUID.randomUUID().toString(), "POST", form)
                .header("Content-Type", "multipart/form-data; boundary=x").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(json(served).path("Success").asBoolean()).as(served.body()).isTrue();
        assertThat(tampered.statusCode()).isEqualTo(400);
        assertThat(json(tampered).path("Code").asText()).isEqualTo("SignatureDoesNotMatch");
        assertThat(multipart.statusCode()).isEqualTo(400);
        assertThat(json(multipart).path("Code").asText()).isEqualTo("IncompleteSignature");
        assertThat(json(multipart).path("Message").asText()).contains("multipart");
    }

    @Test
    void aV2FormPostIsServedWhateverOtherAuthorizationHeaderAProxyAdds() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic cHJveHk6cHJveHk=")
                .POST(HttpRequest.BodyPublishers.ofString(encode(signV2("POST", invoke(BLINK), KEY, Instant.now())))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(json(response).path("Success").asBoolean()).as(response.body()).isTrue();
    }

    // ------------------------------------------------------------------ the keys file

    @Test
    void theKeysFileIsReadAgainWhenItChanges() throws Exception {
        AccessKey added = new AccessKey("tsg-added-caller", "another-s3cret-value");
        try {
            rewriteKeysFile(keysFile(), KEY, added);
            JsonNode withAdded = awaitAnswer(added, body -> body.path("Success").asBoolean());
            assertThat(withAdded.path("Success").asBoolean()).as(withAdded.toString()).isTrue();

            rewriteKeysFile(keysFile(), KEY);
            JsonNode withRemoved = awaitAnswer(added, body -> body.path("Code").asText().equals("InvalidAccessKeyId.NotFound"));
            assertThat(withRemoved.path("Code").asText()).isEqualTo("InvalidAccessKeyId.NotFound");
        } finally {
            rewriteKeysFile(keysFile(), KEY);
        }
    }

    /** Calls with {@code key} until the answer is as expected (the file is checked at most once a second) or 10 s passed. */
    private JsonNode awaitAnswer(AccessKey key, java.util.function.Predicate<JsonNode> expected) throws Exception {
        AtomicReference<JsonNode> body = new AtomicReference<>();
        Waits.until(Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
            body.set(json(getAsIs(encode(signV2("GET", invoke(BLINK), key, Instant.now())))));
            return expected.test(body.get());
        });
        return body.get();
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, String> invoke(Map<String, String> params, String... more) {
        Map<String, String> call = GatewayTestSupport.invoke(more);
        call.putAll(params);
        return call;
    }

    private static DefaultAcsClient sdk(AccessKey key) {
        return new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", key.id(), key.secret()));
    }

    /** InvokeThingService as reference §6 calls it: GET with every parameter in the query, POST with them in a form body. */
    private CommonRequest sdkRequest(MethodType method) {
        return AlibabaSdk.invokeThingService(httpPort(), method, method == MethodType.POST, BLINK);
    }

    private HttpRequest v3Request(AccessKey key, String nonce) {
        return v3Builder(key, nonce, "GET", new byte[0]).build();
    }

    /** A V3 request with the call's parameters in the query and the x-acs-* headers, signed as tea-openapi signs. */
    private HttpRequest.Builder v3Builder(AccessKey key, String nonce, String method, byte[] body) {
        Map<String, String> query = new TreeMap<>(BLINK);
        Map<String, String> headers = new TreeMap<>();
        headers.put("host", "127.0.0.1:" + httpPort());
        headers.put("x-acs-action", "InvokeThingService");
        headers.put("x-acs-version", "2018-01-20");
        headers.put("x-acs-date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        headers.put("x-acs-signature-nonce", nonce);
        headers.put("x-acs-content-sha256", AlibabaSignature.sha256Hex(body));
        List<String> signed = new ArrayList<>(headers.keySet());
        String canonical = AlibabaSignature.v3CanonicalRequest(method, "/", query, headers, signed, AlibabaSignature.sha256Hex(body));
        String queryString = query.entrySet().stream()
                .map(e -> AlibabaSignature.percentEncode(e.getKey()) + "=" + AlibabaSignature.percentEncode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/?" + queryString))
                .timeout(Duration.ofSeconds(30))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", AlibabaSignature.V3_ALGORITHM + " Credential=" + key.id() + ",SignedHeaders="
                        + String.join(";", signed) + ",Signature=" + AlibabaSignature.v3Signature(canonical, key.secret()));
        headers.forEach((name, value) -> {
            if (!name.equals("host")) {
                request.header(name, value);
            }
        });
        return request;
    }
}
