package org.thingservice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.api.InvokeThingServiceResponse;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;

/** InvokeThingService over HTTP against the embedded broker and the simulated devices, as a caller sees it. */
class HttpInvokeTest extends GatewayTestSupport {

    private final ListAppender<ILoggingEvent> invocationLog = new ListAppender<>();

    @Override
    protected String[] spiedTopics() {
        return new String[] {"/sys/#", "/" + PK + "/#"};
    }

    @BeforeEach // the gateway (and its broker) starts before the first test, after @BeforeAll
    void watch() throws Exception {
        if (invocationLog.isStarted()) {
            return;
        }
        invocationLog.start();
        ((Logger) LoggerFactory.getLogger("org.thingservice.gateway.Invocations")).addAppender(invocationLog);
    }

    @AfterAll
    void unwatch() throws Exception {
        ((Logger) LoggerFactory.getLogger("org.thingservice.gateway.Invocations")).detachAppender(invocationLog);
    }

    @Test
    void syncServiceAnswersWithTheDevicesReply() throws Exception {
        HttpResponse<String> response = get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = json(response);
        assertThat(body.path("Success").asBoolean()).isTrue();
        assertThat(body.path("RequestId").asText()).matches("[0-9A-F-]{36}");
        String messageId = body.path("Data").path("MessageId").asText();
        assertThat(Long.parseLong(messageId)).isBetween(0L, 4294967295L);
        JsonNode reply = JSON.readTree(body.path("Data").path("Result").asText());
        assertThat(reply.path("id").asText()).isEqualTo(messageId);
        assertThat(reply.path("code").asInt()).isEqualTo(200);
        assertThat(reply.path("data").path("param1").asInt()).isEqualTo(1);
        assertThat(body.has("Code")).isFalse();
        assertThat(body.has("ErrorMessage")).isFalse();

        MqttSpy.Message request = spy().await("/sys/" + PK + "/lamp-1/rrpc/request/" + messageId, Duration.ofSeconds(5));
        assertThat(request).isNotNull();
        JsonNode alink = JSON.readTree(request.payload());
        assertThat(alink.path("id").asText()).isEqualTo(messageId);
        assertThat(alink.path("version").asText()).isEqualTo("1.0");
        assertThat(alink.path("method").asText()).isEqualTo("thing.service.Blink");
        assertThat(alink.path("params").path("param1").asInt()).isEqualTo(1);
    }

    @Test
    void everyCallIsOneLogLineWithItsRequestId() throws Exception {
        String requestId = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}"))).path("RequestId").asText();
        String unknown = json(get(invoke("ProductKey", PK, "DeviceName", "nobody", "Identifier", "Blink", "Args", "{\"param1\":1}"))).path("RequestId").asText();

        assertThat(invocationLog.list).filteredOn(e -> e.getFormattedMessage().contains("RequestId=" + requestId)).hasSize(1)
                .allSatisfy(e -> assertThat(e.getFormattedMessage()).contains("outcome=Success", "device=" + PK + "/lamp-1", "Identifier=Blink", "source=http"));
        assertThat(invocationLog.list).filteredOn(e -> e.getFormattedMessage().contains("RequestId=" + unknown)).hasSize(1)
                .allSatisfy(e -> assertThat(e.getFormattedMessage()).contains("outcome=iot.device.NotExistedDevice", "source=http"));
    }

    @Test
    void postWithAFormBodyWorksLikeAQuery() throws Exception {
        JsonNode body = json(postForm(invoke("ProductKey", PK, "DeviceName", "lamp-2", "Identifier", "Blink", "Args", "{\"param1\":2}")));

        assertThat(body.path("Success").asBoolean()).isTrue();
        assertThat(JSON.readTree(body.path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(2);
    }

    @Test
    void parametersMayBeSplitBetweenQueryAndBody() throws Exception {
        HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + httpPort() + "/?" + encode(invoke("ProductKey", PK, "DeviceName", "lamp-1"))))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(encode(params("Identifier", "Blink", "Args", "{\"param1\":4}"))))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(json(response).path("Success").asBoolean()).isTrue();
    }

    @Test
    void iotIdWinsOverProductKeyAndDeviceName() throws Exception {
        JsonNode body = json(get(invoke("IotId", "LampDemoIotId0000002", "ProductKey", PK, "DeviceName", "no-such-device",
                "Identifier", "Blink", "Args", "{\"param1\":1}")));

        assertThat(body.path("Success").asBoolean()).isTrue();
        String messageId = body.path("Data").path("MessageId").asText();
        assertThat(spy().await("/sys/" + PK + "/lamp-2/rrpc/request/" + messageId, Duration.ofSeconds(5))).isNotNull();
    }

    @Test
    void asyncServiceAnswersAtOnceAndForwardsTheDevicesReply() throws Exception {
        HttpResponse<String> response = get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "SetColor",
                "Args", "{\"color\":2,\"label\":\"blue\"}"));

        JsonNode body = json(response);
        assertThat(body.path("Success").asBoolean()).isTrue();
        assertThat(body.path("Data").has("Result")).isFalse();
        String messageId = body.path("Data").path("MessageId").asText();
        MqttSpy.Message request = spy().awaitExactly("/sys/" + PK + "/lamp-1/thing/service/SetColor", Duration.ofSeconds(5));
        assertThat(request).isNotNull();
        assertThat(JSON.readTree(request.payload()).path("method").asText()).isEqualTo("thing.service.SetColor");

        MqttSpy.Message forwarded = spy().await("/" + PK + "/lamp-1/thing/downlink/reply/message", Duration.ofSeconds(5));
        assertThat(forwarded).as("the device's reply is forwarded").isNotNull();
        JsonNode reply = JSON.readTree(forwarded.payload());
        assertThat(reply.path("messageId").asText()).isEqualTo(messageId);
        assertThat(reply.path("requestId").asText()).isEqualTo(messageId);
        assertThat(reply.path("code").asInt()).isEqualTo(200);
        assertThat(reply.path("iotId").asText()).isEqualTo("LampDemoIotId0000001");
        assertThat(reply.path("topic").asText()).isEqualTo("/sys/" + PK + "/lamp-1/thing/service/SetColor_reply");
        assertThat(reply.path("data").path("label").asText()).isEqualTo("blue");
    }

    @Test
    void xmlFormatAnswersWithTheSameElementNames() throws Exception {
        HttpResponse<String> response = get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}", "Format", "xml"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/xml"));
        assertThat(response.body()).startsWith("<InvokeThingServiceResponse><RequestId>")
                .contains("<Success>true</Success><Data><Result>{\"id\":\"").contains("<MessageId>")
                .endsWith("</Data></InvokeThingServiceResponse>");
    }

    @Test
    void unknownDeviceYieldsNotExistedDevice() throws Exception {
        HttpResponse<String> response = get(invoke("ProductKey", PK, "DeviceName", "lamp-99", "Identifier", "Blink", "Args", "{\"param1\":1}"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("Success").asBoolean()).isFalse();
        assertThat(body.path("Code").asText()).isEqualTo("iot.device.NotExistedDevice");
        assertThat(body.path("ErrorMessage").asText()).contains("lamp-99");
        assertThat(body.has("Data")).isFalse();
        assertThat(json(get(invoke("IotId", "NoSuchIotId", "Identifier", "Blink", "Args", "{\"param1\":1}"))).path("Code").asText())
                .isEqualTo("iot.device.NotExistedDevice");
    }

    @Test
    void unknownIdentifierIsNamedInTheError() throws Exception {
        JsonNode body = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Explode", "Args", "{}")));

        assertThat(body.path("Success").asBoolean()).isFalse();
        assertThat(body.path("Code").asText()).isEqualTo("iot.device.InvokeThingServiceFailed");
        assertThat(body.path("ErrorMessage").asText()).contains("\"Explode\"", PK);
    }

    @Test
    void productKeyWithoutDeviceNameIsAMissingParameterAndSoIsTheReverse() throws Exception {
        HttpResponse<String> noName = get(invoke("ProductKey", PK, "Identifier", "Blink", "Args", "{\"param1\":1}"));
        HttpResponse<String> noKey = get(invoke("DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}"));
        HttpResponse<String> neither = get(invoke("Identifier", "Blink", "Args", "{\"param1\":1}"));

        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(json(noName).path("Code").asText()).isEqualTo("MissingParameter");
        assertThat(json(noName).path("Message").asText()).contains("DeviceName");
        assertThat(json(noName).path("RequestId").asText()).isNotEmpty();
        assertThat(noKey.statusCode()).isEqualTo(400);
        assertThat(json(noKey).path("Message").asText()).contains("ProductKey");
        assertThat(json(neither).path("Message").asText()).contains("IotId");
    }

    @Test
    void silentDeviceYieldsTimeoutAfterTheRequestedTimeout() throws Exception {
        long start = System.nanoTime();
        JsonNode body = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-silent", "Identifier", "Blink", "Args", "{\"param1\":1}", "Timeout", "500")));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(body.path("Success").asBoolean()).isFalse();
        assertThat(body.path("Code").asText()).isEqualTo("iot.messagebroker.TIMEOUT");
        assertThat(millis).isBetween(450L, 5000L);
    }

    @Test
    void unknownActionIsA404AndMissingActionA400() throws Exception {
        HttpResponse<String> unknown = get(params("Action", "DeleteEverything", "Format", "XML"));
        HttpResponse<String> missing = get(params("Identifier", "Blink"));

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).startsWith("<Error><RequestId>").contains("<Code>InvalidApi.NotFound</Code>").contains("<Message>");
        assertThat(missing.statusCode()).isEqualTo(400);
        JsonNode body = json(missing);
        assertThat(body.path("Code").asText()).isEqualTo("MissingParameter");
        assertThat(body.path("Message").asText()).contains("Action");
    }

    @Test
    void formatIsCaseInsensitiveAndDefaultsToJson() throws Exception {
        assertThat(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}", "Format", "Xml")).body())
                .startsWith("<InvokeThingServiceResponse>");
        assertThat(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}", "Format", "json")).body())
                .startsWith("{\"RequestId\"");
        assertThat(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}", "Format", "yaml")).statusCode())
                .isEqualTo(400);
    }

    @Test
    void iotInstanceIdAndSignatureParametersAreAccepted() throws Exception {
        JsonNode body = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}",
                "IotInstanceId", "iot-cn-demo", "AccessKeyId", "testid", "Signature", "abc", "SignatureMethod", "HMAC-SHA1",
                "SignatureVersion", "1.0", "SignatureNonce", "n-1", "Timestamp", "2026-11-26T03:11:49Z", "Version", "2018-01-20",
                "RegionId", "cn-shanghai")));

        assertThat(body.path("Success").asBoolean()).isTrue();
    }
}
