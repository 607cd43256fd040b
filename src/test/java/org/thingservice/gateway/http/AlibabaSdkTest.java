package org.thingservice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.aliyuncs.CommonRequest;
import com.aliyuncs.CommonResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.exceptions.ServerException;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.profile.DefaultProfile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.api.InvokeThingServiceResponse;
import org.thingservice.gateway.support.AlibabaSdk;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;

/**
 * The official Alibaba Cloud Java SDK (aliyun-java-sdk-core, generic CommonRequest) pointed at the gateway instead of
 * iot.cn-shanghai.aliyuncs.com: what existing client code sees, including which errors it gets back and which it throws.
 */
class AlibabaSdkTest extends GatewayTestSupport {

    private IAcsClient client;
    private final ListAppender<ILoggingEvent> invocationLog = new ListAppender<>();

    @Override
    protected String[] spiedTopics() {
        return new String[] {"/sys/#"};
    }

    @BeforeEach // the gateway (and its broker) starts before the first test, after @BeforeAll
    void connect() throws Exception {
        if (client != null) {
            return;
        }
        // the embedded demo on loopback takes unsigned calls: any key pair signs a request it accepts
        // (CallerAuthenticationTest drives the SDK against real keys)
        client = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", "testid", "testsecret"));
        invocationLog.start();
        ((Logger) LoggerFactory.getLogger("org.thingservice.gateway.Invocations")).addAppender(invocationLog);
    }

    @AfterAll
    void disconnect() throws Exception {
        ((Logger) LoggerFactory.getLogger("org.thingservice.gateway.Invocations")).detachAppender(invocationLog);
        if (client != null) {
            client.shutdown();
        }
    }

    @Test
    void getWithQueryParametersReturnsTheDevicesReplyToASyncService() throws Exception {
        CommonResponse response = client.getCommonResponse(request(MethodType.GET, false,
                "ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}"));

        // the SDK's query reached the device as the Alink request, not just some answer
        JsonNode body = assertDeviceEchoed(response, "lamp-1", "{\"param1\":1}");
        assertThat(body.path("RequestId").asText()).matches("[0-9A-F-]{36}");
        assertThat(Long.parseLong(body.path("Data").path("MessageId").asText())).isBetween(0L, 4294967295L);
        assertThat(JSON.readTree(body.path("Data").path("Result").asText()).path("code").asInt()).isEqualTo(200);
    }

    @Test
    void postWithAFormBodyReturnsTheDevicesReplyToASyncService() throws Exception {
        CommonResponse response = client.getCommonResponse(request(MethodType.POST, true,
                "ProductKey", PK, "DeviceName", "lamp-2", "Identifier", "Blink", "Args", "{\"param1\":7}"));

        assertDeviceEchoed(response, "lamp-2", "{\"param1\":7}");
    }

    /**
     * A successful sync call as the SDK read it: its Result is the device's echo of these Args under the call's
     * MessageId, and the request was seen on the device's RRPC topic. Returns the parsed answer.
     */
    private JsonNode assertDeviceEchoed(CommonResponse response, String device, String args) throws Exception {
        assertThat(response.getHttpStatus()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.getData());
        assertThat(body.path("Success").asBoolean()).isTrue();
        String messageId = body.path("Data").path("MessageId").asText();
        assertThat(messageId).matches("[0-9]+");
        JsonNode reply = JSON.readTree(body.path("Data").path("Result").asText());
        assertThat(reply.path("id").asText()).isEqualTo(messageId);
        assertThat(reply.path("data")).isEqualTo(JSON.readTree(args));
        assertThat(spy().await("/sys/" + PK + "/" + device + "/rrpc/request/" + messageId, Duration.ofSeconds(5))).isNotNull();
        return body;
    }

    @Test
    void asyncServiceAnswersWithAMessageIdAndNoResult() throws Exception {
        CommonResponse response = client.getCommonResponse(request(MethodType.POST, true,
                "ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "SetColor", "Args", "{\"color\":1,\"label\":\"red\"}"));

        assertThat(response.getHttpStatus()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.getData());
        assertThat(body.path("Success").asBoolean()).isTrue();
        assertThat(body.path("Data").path("MessageId").asText()).matches("[0-9]+");
        assertThat(body.path("Data").has("Result")).isFalse();
        MqttSpy.Message request = spy().awaitExactly("/sys/" + PK + "/lamp-1/thing/service/SetColor", Duration.ofSeconds(5));
        assertThat(request).isNotNull();
        assertThat(JSON.readTree(request.payload()).path("id").asText()).isEqualTo(body.path("Data").path("MessageId").asText());
    }

    @Test
    void acceptFormatXmlGetsAnXmlAnswerTheSdkReturns() throws Exception {
        CommonRequest request = request(MethodType.GET, false,
                "ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":3}");
        request.setSysAccept(FormatType.XML); // sends Format=XML, as the SDK's typed requests do

        CommonResponse response = client.getCommonResponse(request);

        assertThat(response.getHttpStatus()).isEqualTo(200);
        assertThat(response.getHttpResponse().getHttpContentType()).isEqualTo(FormatType.XML);
        assertThat(response.getData()).startsWith("<InvokeThingServiceResponse>");
        JsonNode body = new XmlMapper().readTree(response.getData());
        assertThat(body.path("Success").asText()).isEqualTo("true");
        String messageId = body.path("Data").path("MessageId").asText();
        assertThat(messageId).matches("[0-9]+");
        JsonNode reply = JSON.readTree(body.path("Data").path("Result").asText());
        assertThat(reply.path("id").asText()).isEqualTo(messageId);
        assertThat(reply.path("data")).isEqualTo(JSON.readTree("{\"param1\":3}"));
    }

    @Test
    void unknownDeviceIsReturnedAsABusinessErrorNotThrown() throws Exception {
        CommonResponse response = client.getCommonResponse(request(MethodType.GET, false,
                "ProductKey", PK, "DeviceName", "lamp-99", "Identifier", "Blink", "Args", "{}"));

        assertThat(response.getHttpStatus()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.getData());
        assertThat(body.path("Success").asBoolean()).isFalse();
        assertThat(body.path("Code").asText()).isEqualTo("iot.device.NotExistedDevice");
        assertThat(body.path("ErrorMessage").asText()).contains("lamp-99");
        assertThat(body.path("RequestId").asText()).matches("[0-9A-F-]{36}");
    }

    @Test
    void missingIdentifierIsThrownWithItsCodeAndRequestId() throws Exception {
        ClientException error = catchThrowableOfType(ClientException.class, () -> client.getCommonResponse(request(MethodType.GET, false,
                "ProductKey", PK, "DeviceName", "lamp-1", "Args", "{}")));

        assertThat(error).as("a 4xx answer is thrown by the SDK").isNotNull().isNotInstanceOf(ServerException.class);
        assertThat(error.getErrCode()).isEqualTo("MissingParameter");
        assertThat(error.getErrMsg()).contains("Identifier");
        String requestId = error.getRequestId();
        assertThat(requestId).matches("[0-9A-F-]{36}");
        // the SDK read the gateway's RequestId, the one in the gateway's log, not one of its own
        assertThat(invocationLog.list).filteredOn(e -> e.getFormattedMessage().contains("RequestId=" + requestId)).hasSize(1)
                .allSatisfy(e -> assertThat(e.getFormattedMessage()).contains("outcome=MissingParameter"));
    }

    /** An InvokeThingService call to the gateway as the SDK sends it: signed, with the common parameters. */
    private CommonRequest request(MethodType method, boolean formBody, String... nameValues) {
        return AlibabaSdk.invokeThingService(httpPort(), method, formBody, params(nameValues));
    }
}
