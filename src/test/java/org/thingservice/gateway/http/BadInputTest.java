package org.thingservice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.support.GatewayTestSupport;

/**
 * Bad input: each call gets a clear error, nothing reaches MQTT, and the gateway keeps serving.
 * A spy subscribed to every topic proves that nothing was published.
 */
class BadInputTest extends GatewayTestSupport {

    private static final String DEVICE = "ProductKey=" + PK + "&DeviceName=lamp-1";
    private static final String BLINK = "Action=InvokeThingService&" + DEVICE + "&Identifier=Blink";

    @Override
    protected Map<String, String> settings() {
        return Map.of("gateway.invoke.max-args-size", "1000");
    }

    @Override
    protected String[] spiedTopics() {
        return new String[] {"#"};
    }

    @AfterEach
    void stillServingAndNothingPublished() throws Exception {
        // give a stray publish the time to show up before declaring that nothing was sent
        Thread.sleep(50);
        assertThat(spy().received()).as("nothing may reach MQTT").isEmpty();
    }

    @AfterAll
    void goodCallsStillWork() throws Exception {
        JsonNode body = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}")));
        assertThat(body.path("Success").asBoolean()).isTrue();
    }

    static Stream<Arguments> badQueries() {
        String nested = "[".repeat(100) + "]".repeat(100);
        return Stream.of(
                bad("empty Identifier is missing", BLINK.replace("Identifier=Blink", "Identifier=") + "&Args=%7B%7D", 400, "MissingParameter", "Identifier"),
                bad("no Args", BLINK, 400, "MissingParameter", "Args"),
                bad("Args not JSON", BLINK + "&Args=" + enc("{oops"), 200, "iot.common.InvalidFormattedParameter", "not valid JSON"),
                bad("Args an array", BLINK + "&Args=" + enc("[1,2]"), 200, "iot.common.InvalidFormattedParameter", "JSON object"),
                bad("Args with trailing text", BLINK + "&Args=" + enc("{\"param1\":1} x"), 200, "iot.common.InvalidFormattedParameter", "not valid JSON"),
                bad("Args nested too deep", BLINK + "&Args=" + enc("{\"param1\":" + nested + "}"), 200, "iot.common.InvalidFormattedParameter", "Args"),
                bad("Args too large", BLINK + "&Args=" + enc("{\"param1\":\"" + "x".repeat(1200) + "\"}"), 200, "iot.common.InvalidFormattedParameter", "limit is 1000"),
                bad("Args against the thing model", BLINK + "&Args=" + enc("{\"param1\":11}"), 200, "iot.common.InvalidFormattedParameter", "Args.param1"),
                bad("Args with an unknown key", BLINK + "&Args=" + enc("{\"param1\":1,\"evil\":1}"), 200, "iot.common.InvalidFormattedParameter", "evil"),
                bad("non-UTF-8 value", BLINK + "&Args=%7B%7D&DeviceName=%FF", 400, "InvalidParameter", "UTF-8"),
                bad("repeated parameter", BLINK + "&Args=%7B%7D&Identifier=SetColor", 400, "InvalidParameter", "more than once"),
                bad("malformed escape", BLINK + "&Args=%7B%7D%", 400, "InvalidParameter", "malformed percent-encoding"),
                bad("malformed hex escape", BLINK + "&Args=%ZZ", 400, "InvalidParameter", "malformed percent-encoding"),
                bad("ProductKey with +", "Action=InvokeThingService&ProductKey=a1%2B&DeviceName=lamp-1&Identifier=Blink&Args=%7B%7D", 200, "iot.prod.InvalidFormattedProductkey", "a1+"),
                bad("ProductKey with #", "Action=InvokeThingService&ProductKey=%23&DeviceName=lamp-1&Identifier=Blink&Args=%7B%7D", 200, "iot.prod.InvalidFormattedProductkey", "ProductKey"),
                bad("DeviceName with /", "Action=InvokeThingService&ProductKey=" + PK + "&DeviceName=lamp-1%2F..%2Flamp-2&Identifier=Blink&Args=%7B%7D", 200, "iot.device.InvalidFormattedDeviceName", "DeviceName"),
                bad("DeviceName with NUL", "Action=InvokeThingService&ProductKey=" + PK + "&DeviceName=lamp%00&Identifier=Blink&Args=%7B%7D", 200, "iot.device.InvalidFormattedDeviceName", "\\u0000"),
                bad("DeviceName with CR LF", "Action=InvokeThingService&ProductKey=" + PK + "&DeviceName=lamp%0D%0AX-Evil:1&Identifier=Blink&Args=%7B%7D", 200, "iot.device.InvalidFormattedDeviceName", "\\u000d"),
                bad("Identifier with +", "Action=InvokeThingService&" + DEVICE + "&Identifier=%2B&Args=%7B%7D", 200, "iot.common.InvalidFormattedParameter", "Identifier"),
                bad("Identifier with #", "Action=InvokeThingService&" + DEVICE + "&Identifier=Blink%23&Args=%7B%7D", 200, "iot.common.InvalidFormattedParameter", "Identifier"),
                bad("Identifier with /", "Action=InvokeThingService&" + DEVICE + "&Identifier=a%2Fb&Args=%7B%7D", 200, "iot.common.InvalidFormattedParameter", "Identifier"),
                bad("IotId with /", "Action=InvokeThingService&IotId=x%2Fy&Identifier=Blink&Args=%7B%7D", 200, "iot.device.InvalidIoTId", "IotId"),
                bad("oversized DeviceName", "Action=InvokeThingService&ProductKey=" + PK + "&DeviceName=" + "d".repeat(2000) + "&Identifier=Blink&Args=%7B%7D", 200, "iot.device.InvalidFormattedDeviceName", "…"),
                bad("Timeout zero", BLINK + "&Args=" + enc("{\"param1\":1}") + "&Timeout=0", 200, "iot.messagebroker.InvalidTimeoutValue", "from 100 to 60000"),
                bad("Timeout too large", BLINK + "&Args=" + enc("{\"param1\":1}") + "&Timeout=600001", 200, "iot.messagebroker.InvalidTimeoutValue", "600001"),
                bad("Timeout not a number", BLINK + "&Args=" + enc("{\"param1\":1}") + "&Timeout=soon", 200, "iot.messagebroker.InvalidTimeoutValue", "soon"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badQueries")
    void badInputGetsAClearErrorAndNothingIsPublished(String name, String query, int status, String code, String mentions) throws Exception {
        RawReply response = rawGet(query);

        assertThat(response.status()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("RequestId").asText()).isNotEmpty();
        assertThat(body.path("Code").asText()).isEqualTo(code);
        String message = status == 200 ? body.path("ErrorMessage").asText() : body.path("Message").asText();
        assertThat(message).contains(mentions);
        if (status == 200) {
            assertThat(body.path("Success").asBoolean()).isFalse();
        }
    }

    static Stream<Arguments> unreadableRequests() {
        return Stream.of(
                Arguments.of("request line too long", BLINK + "&Args=" + "x".repeat(10_000), 414));
    }

    /** The HTTP server itself refuses these before any route sees them: a plain 4xx, still no crash. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableRequests")
    void unreadableRequestsAreRefusedByTheHttpServer(String name, String query, int status) throws Exception {
        assertThat(rawGet(query).status()).isEqualTo(status);
    }

    @Test
    void invalidUtf8InAFormBodyIsRefused() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(BLINK + "&Args=%7B%22param1%22%3A%22%C3%28%22%7D")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("Message").asText()).contains("UTF-8");
    }

    @Test
    void anOversizedBodyIsRefusedBeforeItIsRead() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + "/"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(BLINK + "&Args=" + "x".repeat(300_000))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void markupInAnEchoedValueIsEscapedInXml() throws Exception {
        HttpResponse<String> response = getRaw("Action=InvokeThingService&Format=XML&ProductKey=" + PK
                + "&DeviceName=" + enc("<b>&\"'") + "&Identifier=Blink&Args=%7B%7D");

        assertThat(response.body()).contains("&lt;b>&amp;").doesNotContain("<b>");
    }

    @Test
    void quotesAndMarkupInAnEchoedValueStayInsideTheJsonString() throws Exception {
        String hostile = "x\"},\"Success\":true,\"Data\":{\"<b>'"; // short enough to be echoed whole
        RawReply response = rawGet("Action=InvokeThingService&ProductKey=" + PK + "&DeviceName=" + enc(hostile)
                + "&Identifier=Blink&Args=%7B%7D");

        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("Success").asBoolean()).isFalse();
        assertThat(body.has("Data")).isFalse();
        assertThat(body.path("ErrorMessage").asText()).contains(hostile);
    }

    @Test
    void crLfInAValueReachesNeitherAResponseHeaderNorTheLog() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger invocations = (Logger) LoggerFactory.getLogger("org.thingservice.gateway.Invocations");
        invocations.addAppender(log);
        try {
            String injected = enc("\r\nSet-Cookie: evil=1\r\nX-Evil: 1\r\n\r\n<html>");
            HttpResponse<String> action = getRaw("Action=Invoke" + injected + "&Identifier=Blink");
            HttpResponse<String> format = getRaw(BLINK + "&Args=%7B%7D&Format=JSON" + injected);
            HttpResponse<String> device = getRaw("Action=InvokeThingService&ProductKey=" + PK + "&DeviceName=lamp" + injected
                    + "&Identifier=Blink&Args=%7B%7D");

            assertThat(action.statusCode()).isEqualTo(404);
            assertThat(format.statusCode()).isEqualTo(400);
            assertThat(json(device).path("Code").asText()).isEqualTo("iot.device.InvalidFormattedDeviceName");
            for (HttpResponse<String> response : java.util.List.of(action, format, device)) {
                assertThat(response.headers().map()).doesNotContainKeys("set-cookie", "x-evil");
                assertThat(json(response).path("RequestId").asText()).isNotEmpty();
            }
            assertThat(log.list).hasSizeGreaterThanOrEqualTo(3)
                    .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("\r", "\n"));
        } finally {
            invocations.detachAppender(log);
        }
    }

    private static Arguments bad(String name, String query, int status, String code, String mentions) {
        return Arguments.of(name, query, status, code, mentions);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
