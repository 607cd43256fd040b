package org.thingservice.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.thingservice.gateway.GatewayConfiguration;
import org.thingservice.gateway.auth.AlibabaSignature;
import org.thingservice.gateway.text.FormEncoding;

/**
 * Runs the whole gateway, as configured by application.properties, once per test class: real HTTP server, real
 * MQTT broker (the embedded HiveMQ unless a subclass names another), an in-memory H2 registry seeded from registry/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GatewayTestSupport extends CamelMainTestSupport {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String PK = "a1LampDemo1";
    private MqttSpy spy;

    protected static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    // no initialisers: CamelTestSupport asks for the settings while it is being constructed, before they would run
    private int httpPort;
    private int embeddedMqttPort;
    private java.nio.file.Path dataDir;

    /** Where this gateway keeps its files (inbox, outbox, ...): a fresh temporary folder. */
    protected java.nio.file.Path dataDir() {
        if (dataDir == null) {
            try {
                dataDir = java.nio.file.Files.createTempDirectory("tsg-data");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return dataDir;
    }

    protected int httpPort() {
        if (httpPort == 0) {
            httpPort = FreePorts.next();
        }
        return httpPort;
    }

    protected int embeddedMqttPort() {
        if (embeddedMqttPort == 0) {
            embeddedMqttPort = FreePorts.next();
        }
        return embeddedMqttPort;
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(GatewayConfiguration.class);
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.setProperty("camel.server.port", Integer.toString(httpPort()));
        p.setProperty("gateway.mqtt.embedded.port", Integer.toString(embeddedMqttPort()));
        p.setProperty("gateway.data.dir", dataDir().toString());
        // the tests' plain MQTT clients (spies, hand-made devices) connect without a login; a class that tests device
        // access turns it back on in settings()
        p.setProperty("gateway.mqtt.embedded.device-auth", "false");
        p.putAll(settings());
        return p;
    }

    /** Settings this test class changes. */
    protected Map<String, String> settings() {
        return Map.of();
    }

    /** The MQTT broker the gateway uses. */
    protected String brokerUrl() {
        return "tcp://127.0.0.1:" + embeddedMqttPort();
    }

    /** The topic filters a test class watches with spy() (none by default: no spy). */
    protected String[] spiedTopics() {
        return new String[0];
    }

    /** A real MQTT client on spiedTopics(), connected before the first test and emptied before each: what reached MQTT. */
    protected MqttSpy spy() {
        return spy;
    }

    @BeforeEach
    void emptySpy() throws MqttException {
        if (spy == null && spiedTopics().length > 0) {
            spy = new MqttSpy(brokerUrl(), spiedTopics());
        }
        if (spy != null) {
            spy.received().clear();
        }
    }

    @AfterAll
    void closeSpy() throws MqttException {
        if (spy != null) {
            spy.close();
        }
    }

    protected static Map<String, String> params(String... nameValues) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            params.put(nameValues[i], nameValues[i + 1]);
        }
        return params;
    }

    /** The usual call: Action=InvokeThingService plus the given parameters. */
    protected static Map<String, String> invoke(String... nameValues) {
        Map<String, String> params = params("Action", "InvokeThingService");
        params.putAll(params(nameValues));
        return params;
    }

    /** An access key the gateway knows (AccessKeyId, AccessKeySecret). */
    public record AccessKey(String id, String secret) {
    }

    /** The key this class signs its calls with; none by default (the embedded demo does not check signatures). */
    protected AccessKey accessKey() {
        return null;
    }

    /**
     * The parameters plus the V2 signature parameters (AccessKeyId, SignatureMethod, SignatureVersion, SignatureNonce,
     * Timestamp, Signature) of a call signed with {@code key} at {@code timestamp}, as the Alibaba SDKs sign.
     */
    protected static Map<String, String> signV2(String method, Map<String, String> params, AccessKey key, Instant timestamp) {
        Map<String, String> signed = new LinkedHashMap<>(params);
        signed.put("AccessKeyId", key.id());
        signed.put("SignatureMethod", "HMAC-SHA1");
        signed.put("SignatureVersion", "1.0");
        signed.put("SignatureNonce", UUID.randomUUID().toString());
        signed.put("Timestamp", timestamp.truncatedTo(ChronoUnit.SECONDS).toString());
        signed.put("Signature", AlibabaSignature.v2Signature(method, signed, key.secret()));
        return signed;
    }

    /**
     * A raw query string signed with this class's key: its parameters decoded as far as they decode (a malformed
     * one is signed as it is, and fails on its own), the signature parameters appended. Unchanged without a key.
     */
    protected String signRaw(String method, String rawQuery) {
        if (accessKey() == null) {
            return rawQuery;
        }
        Map<String, String> params = new LinkedHashMap<>();
        FormEncoding.forEachPair(rawQuery, (name, value) -> params.putIfAbsent(FormEncoding.decodeOrKeep(name), FormEncoding.decodeOrKeep(value)));
        Map<String, String> signature = signV2(method, params, accessKey(), Instant.now());
        signature.keySet().removeAll(params.keySet());
        return rawQuery + "&" + encode(signature);
    }

    /** A keys file for gateway.auth.keys, in a new temporary folder, with these keys. */
    protected static Path writeKeysFile(AccessKey... keys) {
        try {
            Path file = Files.createTempDirectory("tsg-keys").resolve("access-keys.csv");
            rewriteKeysFile(file, keys);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the keys of a keys file, as an operator would edit it. */
    protected static void rewriteKeysFile(Path file, AccessKey... keys) throws IOException {
        StringBuilder csv = new StringBuilder("AccessKeyId,AccessKeySecret\n");
        for (AccessKey key : keys) {
            csv.append(key.id()).append(',').append(key.secret()).append('\n');
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    /** A GET, signed with this class's key if it has one. */
    protected HttpResponse<String> get(Map<String, String> params) throws Exception {
        return getRaw(encode(params));
    }

    /** A GET with the query string as given (then signed with this class's key if it has one), for odd encodings. */
    protected HttpResponse<String> getRaw(String rawQuery) throws Exception {
        return getAsIs(signRaw("GET", rawQuery));
    }

    /** A GET with exactly this query string, never signed. */
    protected HttpResponse<String> getAsIs(String rawQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/?" + rawQuery))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What a raw HTTP exchange answered. */
    public record RawReply(int status, String body) {
    }

    /**
     * A GET written byte for byte on a socket: java.net.http refuses to send malformed escapes, and hostile
     * callers do not use it.
     */
    protected RawReply rawGet(String rawQuery) throws Exception {
        return rawGetAsIs(signRaw("GET", rawQuery));
    }

    /** rawGet, never signed. */
    protected RawReply rawGetAsIs(String rawQuery) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", httpPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET /?" + rawQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] response = socket.getInputStream().readAllBytes();
            String head = new String(response, StandardCharsets.ISO_8859_1); // byte offsets = char offsets
            int headersEnd = head.indexOf("\r\n\r\n");
            String headers = head.substring(0, headersEnd);
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            if (headers.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                int at = headersEnd + 4;
                while (true) {
                    int lineEnd = head.indexOf("\r\n", at);
                    int size = Integer.parseInt(head.substring(at, lineEnd).trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    body.write(response, lineEnd + 2, size);
                    at = lineEnd + 2 + size + 2;
                }
            } else {
                body.write(response, headersEnd + 4, response.length - headersEnd - 4);
            }
            return new RawReply(Integer.parseInt(headers.substring(9, 12)), body.toString(StandardCharsets.UTF_8));
        }
    }

    /** A GET of the management server's path (/observe/health, /observe/metrics), on the HTTP API's port. */
    protected HttpResponse<String> observe(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls /observe/health until its overall status is {@code status}; returns the last answer. */
    protected JsonNode awaitHealth(String status, Duration budget) throws Exception {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Waits.until(budget, Duration.ofMillis(200), () -> {
            last.set(JSON.readTree(observe("/observe/health").body()));
            return status.equals(last.get().path("status").asText());
        });
        return last.get();
    }

    /** Polls /observe/metrics until the sample reaches at least {@code atLeast}; returns the whole text. */
    protected String awaitMetric(String sample, double atLeast) throws Exception {
        AtomicReference<String> last = new AtomicReference<>();
        Waits.until(Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
            last.set(observe("/observe/metrics").body());
            return value(last.get(), sample) >= atLeast;
        });
        String text = last.get();
        assertThat(value(text, sample)).as(sample + " in\n" + text).isGreaterThanOrEqualTo(atLeast);
        return text;
    }

    /** The value of one sample (name with its labels, as Prometheus writes them), or -1 when it is absent. */
    protected static double value(String metrics, String sample) {
        Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** A POST with every parameter in a form body, signed with this class's key if it has one. */
    protected HttpResponse<String> postForm(Map<String, String> params) throws Exception {
        Map<String, String> body = accessKey() == null ? params : signV2("POST", params, accessKey(), Instant.now());
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    protected static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    protected static String encode(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
