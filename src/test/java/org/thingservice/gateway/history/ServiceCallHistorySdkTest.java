package org.thingservice.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyuncs.CommonRequest;
import com.aliyuncs.CommonResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.profile.DefaultProfile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.AlibabaSdk;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.Waits;

/**
 * QueryDeviceServiceData and InvokeThingsService through the official Alibaba Java SDK against the gateway, the
 * simulated devices answering: what a call leaves in the history (late replies included), in JSON and XML, paged.
 */
class ServiceCallHistorySdkTest extends GatewayTestSupport {

    private static final String FORWARDED = "/" + PK + "/+/thing/downlink/reply/message";
    private IAcsClient client;

    @Override
    protected Map<String, String> settings() {
        return Map.of("gateway.history.max-delay", "20", "gateway.files.settle-time", "200");
    }

    @Override
    protected String[] spiedTopics() {
        return new String[] {"/sys/#", FORWARDED};
    }

    @BeforeEach
    void connect() {
        if (client == null) {
            client = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", "testid", "testsecret"));
        }
    }

    @AfterAll
    void disconnect() {
        if (client != null) {
            client.shutdown();
        }
    }

    private JsonNode call(String action, String... nameValues) throws Exception {
        CommonResponse response = client.getCommonResponse(AlibabaSdk.action(httpPort(), action, params(nameValues)));
        return JSON.readTree(response.getData());
    }

    private JsonNode history(String deviceName, long since, String... more) throws Exception {
        List<String> params = new ArrayList<>(List.of("ProductKey", PK, "DeviceName", deviceName, "StartTime", Long.toString(since),
                "EndTime", Long.toString(System.currentTimeMillis() + 60_000)));
        params.addAll(List.of(more));
        return call("QueryDeviceServiceData", params.toArray(String[]::new));
    }

    private List<JsonNode> infos(JsonNode answer) {
        List<JsonNode> infos = new ArrayList<>();
        answer.path("Data").path("List").path("ServiceInfo").forEach(infos::add);
        return infos;
    }

    /** Waits until the device's history since then holds this many calls, and gives them (newest first). */
    private List<JsonNode> awaitCalls(String deviceName, long since, int count) throws Exception {
        AtomicReference<List<JsonNode>> found = new AtomicReference<>(List.of());
        Waits.until(Duration.ofSeconds(10), Duration.ofMillis(50), () -> {
            found.set(infos(history(deviceName, since, "PageSize", "50")));
            return found.get().size() >= count;
        });
        return found.get();
    }

    @Test
    void aSyncCallIsInTheHistoryAsAlibabaShowsIt() throws Exception {
        long since = System.currentTimeMillis();
        JsonNode answer = call("InvokeThingService", "ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink",
                "Args", "{\"param1\":4}");
        assertThat(answer.path("Success").asBoolean()).isTrue();

        JsonNode info = awaitCalls("lamp-1", since, 1).get(0);
        assertThat(Long.parseLong(info.path("Time").asText())).isBetween(since, System.currentTimeMillis());
        assertThat(info.path("Identifier").asText()).isEqualTo("Blink");
        assertThat(info.path("Name").asText()).isNotEmpty();
        assertThat(JSON.readTree(info.path("InputData").asText())).isEqualTo(JSON.readTree("{\"param1\":4}"));
        assertThat(JSON.readTree(info.path("OutputData").asText())).isEqualTo(JSON.readTree("{\"param1\":4}"));
        assertThat(info.path("MessageId").asText()).isEqualTo(answer.path("Data").path("MessageId").asText());
        assertThat(info.path("Outcome").asText()).isEqualTo("Success");
        assertThat(info.path("Source").asText()).isEqualTo("http");
        assertThat(info.path("Late").asBoolean()).isFalse();
        assertThat(info.path("ReplyCode").asText()).isEqualTo("200");
    }

    @Test
    void aCallFromABatchFileIsRecordedWithItsSource() throws Exception {
        long since = System.currentTimeMillis();
        Path staging = Files.createDirectories(dataDir().resolve("staging")).resolve("history.jsonl");
        Files.writeString(staging, "{\"RequestId\":\"history-1\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-2\","
                + "\"Identifier\":\"Blink\",\"Args\":{\"param1\":9}}\n");
        Files.move(staging, Files.createDirectories(dataDir().resolve("inbox")).resolve("history.jsonl"), StandardCopyOption.ATOMIC_MOVE);

        JsonNode info = awaitCalls("lamp-2", since, 1).get(0);
        assertThat(info.path("Source").asText()).isEqualTo("file");
        assertThat(info.path("Outcome").asText()).isEqualTo("Success");
        assertThat(info.path("InputData").asText()).isEqualTo("{\"param1\":9}");
        assertThat(info.path("OutputData").asText()).isEqualTo("{\"param1\":9}");
    }

    @Test
    void theHistoryInXmlIsWhatTheSdkReturns() throws Exception {
        long since = System.currentTimeMillis();
        for (int i = 0; i < 2; i++) {
            call("InvokeThingService", "ProductKey", PK, "DeviceName", "lamp-2", "Identifier", "Blink", "Args", "{\"param1\":" + i + "}");
        }
        awaitCalls("lamp-2", since, 2);
        CommonRequest request = AlibabaSdk.action(httpPort(), "QueryDeviceServiceData", params("ProductKey", PK, "DeviceName", "lamp-2",
                "StartTime", Long.toString(since), "EndTime", Long.toString(System.currentTimeMillis()), "Asc", "1"));
        request.setSysAccept(FormatType.XML);

        CommonResponse response = client.getCommonResponse(request);

        assertThat(response.getHttpStatus()).isEqualTo(200);
        assertThat(response.getData()).startsWith("<QueryDeviceServiceDataResponse>")
                .contains("<List><ServiceInfo><Time>").contains("</ServiceInfo><ServiceInfo>");
        JsonNode body = new XmlMapper().readTree(response.getData());
        assertThat(body.path("Success").asText()).isEqualTo("true");
        assertThat(body.path("Data").path("NextValid").asText()).isEqualTo("false");
        JsonNode infos = body.path("Data").path("List").path("ServiceInfo");
        assertThat(infos.size()).isEqualTo(2);
        assertThat(infos.get(0).path("InputData").asText()).isEqualTo("{\"param1\":0}"); // Asc=1: oldest first
        assertThat(infos.get(1).path("InputData").asText()).isEqualTo("{\"param1\":1}");
    }

    @Test
    void pagesFollowNextTimeInBothOrdersWithNoCallTwiceOrMissed() throws Exception {
        long since = System.currentTimeMillis();
        int calls = 7;
        for (int i = 0; i < calls; i++) {
            call("InvokeThingService", "IotId", "LampDemoIotId0000002", "Identifier", "Operation_Service",
                    "Args", "{\"a\":" + i + ",\"b\":1}");
        }
        awaitCalls("lamp-2", since, calls);
        long end = System.currentTimeMillis();
        for (int asc = 0; asc <= 1; asc++) {
            List<String> seen = new ArrayList<>();
            long start = since;
            long until = end;
            for (int page = 0; page < calls + 1; page++) {
                JsonNode data = call("QueryDeviceServiceData", "IotId", "LampDemoIotId0000002", "Identifier", "Operation_Service",
                        "StartTime", Long.toString(start), "EndTime", Long.toString(until), "Asc", Integer.toString(asc),
                        "PageSize", "3").path("Data");
                List<JsonNode> infos = new ArrayList<>();
                data.path("List").path("ServiceInfo").forEach(infos::add);
                assertThat(infos.size()).isLessThanOrEqualTo(3);
                infos.forEach(info -> seen.add(info.path("InputData").asText()));
                if (!data.path("NextValid").asBoolean()) {
                    break;
                }
                if (asc == 1) {
                    start = data.path("NextTime").asLong();
                } else {
                    until = data.path("NextTime").asLong();
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                expected.add("{\"a\":" + i + ",\"b\":1}");
            }
            if (asc == 0) {
                java.util.Collections.reverse(expected);
            }
            assertThat(seen).as("Asc=" + asc).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aTimeRangeAndAnIdentifierNarrowTheHistory() throws Exception {
        call("InvokeThingService", "ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}");
        long between = System.currentTimeMillis() + 1;
        Waits.until(Duration.ofSeconds(2), Duration.ofMillis(5), () -> System.currentTimeMillis() > between);
        call("InvokeThingService", "ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Operation_Service",
                "Args", "{\"a\":1,\"b\":2}");
        awaitCalls("lamp-1", between, 1);

        assertThat(infos(history("lamp-1", between))).extracting(i -> i.path("Identifier").asText()).containsExactly("Operation_Service");
        assertThat(infos(history("lamp-1", 0, "Identifier", "Operation_Service"))).allMatch(i -> i.path("Identifier").asText().equals("Operation_Service"));
        JsonNode refused = call("QueryDeviceServiceData", "ProductKey", PK, "DeviceName", "lamp-1", "StartTime", "10", "EndTime", "5");
        assertThat(refused.path("Code").asText()).isEqualTo("iot.common.InvalidFormattedParameter");
        assertThat(call("QueryDeviceServiceData", "ProductKey", PK, "DeviceName", "lamp-1", "StartTime", "0", "EndTime", "5",
                "PageSize", "51").path("Code").asText()).isEqualTo("iot.common.InvalidFormattedParameter");
        assertThat(call("QueryDeviceServiceData", "ProductKey", PK, "DeviceName", "lamp-9", "StartTime", "0", "EndTime", "5")
                .path("Code").asText()).isEqualTo("iot.device.NotExistedDevice");
    }

    @Test
    void aReplyAfterTheTimeoutShowsUpLateOnItsCall() throws Exception {
        long since = System.currentTimeMillis();
        JsonNode answer = call("InvokeThingService", "ProductKey", PK, "DeviceName", "lamp-slow", "Identifier", "Blink",
                "Args", "{\"param1\":2}", "Timeout", "1000");
        assertThat(answer.path("Code").asText()).isEqualTo("iot.messagebroker.TIMEOUT");
        JsonNode timedOut = awaitCalls("lamp-slow", since, 1).get(0);
        assertThat(timedOut.path("Outcome").asText()).isEqualTo("iot.messagebroker.TIMEOUT");

        // lamp-slow answers after 3 s
        AtomicReference<JsonNode> late = new AtomicReference<>();
        Waits.until(Duration.ofSeconds(10), Duration.ofMillis(100), () -> {
            late.set(infos(history("lamp-slow", since)).get(0));
            return late.get().path("Late").asBoolean();
        });
        assertThat(late.get().path("Outcome").asText()).isEqualTo("iot.messagebroker.TIMEOUT");
        assertThat(JSON.readTree(late.get().path("OutputData").asText())).isEqualTo(JSON.readTree("{\"param1\":2}"));
        assertThat(Long.parseLong(late.get().path("ReplyTime").asText()) - Long.parseLong(late.get().path("Time").asText()))
                .isGreaterThanOrEqualTo(2_900);
    }

    @Test
    void invokeThingsServiceSendsEachDeviceItsRequestAndRecordsEachReply() throws Exception {
        long since = System.currentTimeMillis();
        JsonNode answer = call("InvokeThingsService", "ProductKey", PK, "DeviceName.1", "lamp-1", "DeviceName.2", "lamp-2",
                "DeviceName.3", "lamp-slow", "Identifier", "SetColor", "Args", "{\"color\":2,\"label\":\"all\"}");

        assertThat(answer.path("Success").asBoolean()).isTrue();
        assertThat(answer.has("Data")).isFalse();
        Set<String> messageIds = new HashSet<>();
        for (String device : List.of("lamp-1", "lamp-2", "lamp-slow")) {
            MqttSpy.Message request = spy().awaitExactly("/sys/" + PK + "/" + device + "/thing/service/SetColor", Duration.ofSeconds(5));
            assertThat(request).as(device).isNotNull();
            assertThat(JSON.readTree(request.payload()).path("params")).isEqualTo(JSON.readTree("{\"color\":2,\"label\":\"all\"}"));
            messageIds.add(JSON.readTree(request.payload()).path("id").asText());
            assertThat(spy().awaitExactly("/" + PK + "/" + device + "/thing/downlink/reply/message", Duration.ofSeconds(10)))
                    .as("the reply of " + device + " is forwarded").isNotNull();
        }
        assertThat(messageIds).hasSize(3);
        for (String device : List.of("lamp-1", "lamp-2", "lamp-slow")) {
            AtomicReference<JsonNode> info = new AtomicReference<>();
            Waits.until(Duration.ofSeconds(10), Duration.ofMillis(50), () -> {
                List<JsonNode> calls = infos(history(device, since, "Identifier", "SetColor"));
                info.set(calls.isEmpty() ? null : calls.get(0));
                return info.get() != null && info.get().has("ReplyCode");
            });
            assertThat(info.get()).as(device + "'s call").isNotNull();
            assertThat(info.get().path("ReplyCode").asText()).as("the reply of " + device + " is on its call").isEqualTo("200");
            assertThat(info.get().path("Outcome").asText()).isEqualTo("Success");
            assertThat(info.get().path("Late").asBoolean()).as("an async reply is expected after the call").isFalse();
            assertThat(messageIds).contains(info.get().path("MessageId").asText());
        }
    }

    @Test
    void invokeThingsServiceSendsNothingWhenAnyDeviceIsUnknownDisabledOrInvalid() throws Exception {
        assertThat(call("DisableThing", "ProductKey", PK, "DeviceName", "lamp-silent").path("Success").asBoolean()).isTrue();
        try {
            spy().received().clear();
            JsonNode answer = call("InvokeThingsService", "ProductKey", PK, "DeviceName.1", "lamp-1", "DeviceName.2", "lamp-9",
                    "DeviceName.3", "lamp-silent", "DeviceName.4", "bad/name", "Identifier", "SetColor", "Args", "{\"color\":1,\"label\":\"x\"}");

            assertThat(answer.path("Success").asBoolean()).isFalse();
            assertThat(answer.path("Code").asText()).isEqualTo("iot.device.NotExistedDevice");
            assertThat(answer.path("ErrorMessage").asText()).contains("3 of 4", "iot.device.NotExistedDevice for lamp-9",
                    "iot.device.DeviceHasBeenDisabled for lamp-silent", "iot.device.InvalidFormattedDeviceName for bad/name")
                    .doesNotContain("for lamp-1");
            Thread.sleep(300); // time for a request that should not have been sent to show up
            assertThat(spy().received()).as("nothing was sent").noneMatch(m -> m.topic().endsWith("/thing/service/SetColor"));
        } finally {
            call("EnableThing", "ProductKey", PK, "DeviceName", "lamp-silent");
        }
        assertThat(call("InvokeThingsService", "ProductKey", PK, "DeviceName.1", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}")
                .path("ErrorMessage").asText()).as("a sync service").contains("async services only");
        Map<String, String> tooMany = params("ProductKey", PK, "Identifier", "SetColor", "Args", "{\"color\":1,\"label\":\"x\"}");
        for (int i = 1; i <= 101; i++) {
            tooMany.put("DeviceName." + i, "lamp-" + i);
        }
        JsonNode refused = JSON.readTree(client.getCommonResponse(AlibabaSdk.action(httpPort(), "InvokeThingsService", tooMany)).getData());
        assertThat(refused.path("ErrorMessage").asText()).contains("At most 100 devices");
    }
}
