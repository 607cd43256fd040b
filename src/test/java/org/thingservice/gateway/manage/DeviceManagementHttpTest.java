package org.thingservice.gateway.manage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.GatewayTestSupport;

/** The device-management actions on /, as an Alibaba client calls them, and what the next InvokeThingService sees. */
class DeviceManagementHttpTest extends GatewayTestSupport {

    private static final String TSL = """
            {"profile": {"version": "1.0"},
             "services": [{"identifier": "Beep", "callType": "sync", "method": "thing.service.Beep",
                           "inputData": [{"identifier": "Times", "name": "Times",
                                          "dataType": {"type": "int", "specs": {"min": "1", "max": "%d", "step": "1"}}}]}]}""";
    private static final String MODULE_TSL = """
            {"profile": {"version": "1.0"},
             "services": [{"identifier": "Open", "callType": "async", "method": "thing.service.door:Open", "inputData": []}]}""";

    @Override
    protected String[] spiedTopics() {
        return new String[] {"#"};
    }

    private static Map<String, String> action(String action, String... nameValues) {
        Map<String, String> params = params("Action", action);
        params.putAll(params(nameValues));
        return params;
    }

    private JsonNode blink(String... device) throws Exception {
        Map<String, String> call = invoke(device);
        call.putAll(params("Identifier", "Blink", "Args", "{\"param1\":1}"));
        return json(get(call));
    }

    @Test
    void aRegisteredDeviceCanBeCalledAtOnce() throws Exception {
        HttpResponse<String> response = postForm(action("RegisterDevice", "ProductKey", PK, "DeviceName", "lamp-new"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
        assertThat(body.path("RequestId").asText()).isNotEmpty();
        String iotId = body.path("Data").path("IotId").asText();
        assertThat(iotId).matches("[A-Za-z0-9]{20}");
        assertThat(body.path("Data").path("ProductKey").asText()).isEqualTo(PK);
        assertThat(body.path("Data").path("DeviceName").asText()).isEqualTo("lamp-new");

        assertThat(blink("ProductKey", PK, "DeviceName", "lamp-new").path("Success").asBoolean()).isTrue();
        assertThat(blink("IotId", iotId).path("Success").asBoolean()).isTrue();
    }

    @Test
    void aNameOrIotIdThatIsTakenIsAlreadyExistedDeviceName() throws Exception {
        JsonNode first = json(get(action("RegisterDevice", "ProductKey", PK, "DeviceName", "lamp-twice", "IotId", "TwiceIotId0000000001")));
        JsonNode sameName = json(get(action("RegisterDevice", "ProductKey", PK, "DeviceName", "lamp-twice")));
        JsonNode sameIotId = json(get(action("RegisterDevice", "ProductKey", PK, "DeviceName", "lamp-thrice", "IotId", "TwiceIotId0000000001")));

        assertThat(first.path("Data").path("IotId").asText()).isEqualTo("TwiceIotId0000000001");
        for (JsonNode body : new JsonNode[] {sameName, sameIotId}) {
            assertThat(body.path("Success").asBoolean()).isFalse();
            assertThat(body.path("Code").asText()).isEqualTo("iot.device.AlreadyExistedDeviceName");
        }
    }

    @Test
    void registeringInAnUnknownProductIsNotExistedProductAndInXmlUnderTheActionsRoot() throws Exception {
        HttpResponse<String> response = get(action("RegisterDevice", "ProductKey", "a1NoSuchProd", "DeviceName", "x", "Format", "XML"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("<RegisterDeviceResponse><RequestId>")
                .contains("<Success>false</Success><Code>iot.prod.NotExistedProduct</Code><ErrorMessage>")
                .endsWith("</RegisterDeviceResponse>");
    }

    @Test
    void queryDeviceDetailFindsADeviceByIotIdOrByName() throws Exception {
        JsonNode byId = json(get(action("QueryDeviceDetail", "IotId", "LampDemoIotId0000002")));
        HttpResponse<String> byName = get(action("QueryDeviceDetail", "ProductKey", PK, "DeviceName", "lamp-2", "Format", "XML"));
        JsonNode unknown = json(get(action("QueryDeviceDetail", "ProductKey", PK, "DeviceName", "lamp-404")));

        assertThat(byId.path("Success").asBoolean()).isTrue();
        assertThat(byId.path("Data").path("DeviceName").asText()).isEqualTo("lamp-2");
        assertThat(byId.path("Data").path("ProductKey").asText()).isEqualTo(PK);
        assertThat(byId.path("Data").path("Status").asText()).isEqualTo("UNACTIVE");
        assertThat(byName.body()).startsWith("<QueryDeviceDetailResponse><RequestId>")
                .contains("<Success>true</Success><Data><IotId>LampDemoIotId0000002</IotId><ProductKey>" + PK + "</ProductKey>");
        assertThat(unknown.path("Code").asText()).isEqualTo("iot.device.NotExistedDevice");
    }

    @Test
    void aDeletedDeviceIsGoneForTheNextCall() throws Exception {
        json(get(action("RegisterDevice", "ProductKey", PK, "DeviceName", "lamp-gone")));
        assertThat(blink("ProductKey", PK, "DeviceName", "lamp-gone").path("Success").asBoolean()).isTrue();

        JsonNode deleted = json(get(action("DeleteDevice", "ProductKey", PK, "DeviceName", "lamp-gone")));

        assertThat(deleted.path("Success").asBoolean()).isTrue();
        assertThat(deleted.has("Data")).isFalse();
        assertThat(blink("ProductKey", PK, "DeviceName", "lamp-gone").path("Code").asText()).isEqualTo("iot.device.NotExistedDevice");
        assertThat(json(get(action("DeleteDevice", "ProductKey", PK, "DeviceName", "lamp-gone"))).path("Code").asText())
                .isEqualTo("iot.device.NotExistedDevice");
    }

    @Test
    void aDisabledDeviceAnswersDeviceHasBeenDisabledAndNothingIsPublishedUntilItIsEnabled() throws Exception {
        json(get(action("RegisterDevice", "ProductKey", PK, "DeviceName", "lamp-off", "IotId", "LampOffIotId00000001")));

        JsonNode disabled = json(get(action("DisableThing", "IotId", "LampOffIotId00000001")));
        JsonNode call = blink("ProductKey", PK, "DeviceName", "lamp-off");
        JsonNode asyncCall = json(get(invoke("IotId", "LampOffIotId00000001", "Identifier", "SetColor", "Args", "{\"color\":1,\"label\":\"x\"}")));
        JsonNode detail = json(get(action("QueryDeviceDetail", "IotId", "LampOffIotId00000001")));
        Thread.sleep(100);

        assertThat(disabled.path("Success").asBoolean()).isTrue();
        for (JsonNode body : new JsonNode[] {call, asyncCall}) {
            assertThat(body.path("Success").asBoolean()).isFalse();
            assertThat(body.path("Code").asText()).isEqualTo("iot.device.DeviceHasBeenDisabled");
            assertThat(body.path("ErrorMessage").asText()).contains("lamp-off", "EnableThing");
        }
        assertThat(detail.path("Data").path("Status").asText()).isEqualTo("DISABLE");
        // the device's own topics: a reply to an earlier test's call may reach the spy (on #) after that test ended
        assertThat(spy().received()).as("nothing reaches MQTT for a disabled device").noneMatch(m -> m.topic().contains("/lamp-off/"));

        assertThat(json(get(action("EnableThing", "ProductKey", PK, "DeviceName", "lamp-off"))).path("Success").asBoolean()).isTrue();
        JsonNode enabled = blink("ProductKey", PK, "DeviceName", "lamp-off");
        assertThat(enabled.path("Success").asBoolean()).isTrue();
        assertThat(spy().await("/sys/" + PK + "/lamp-off/rrpc/request/", Duration.ofSeconds(5))).isNotNull();
    }

    @Test
    void anImportedThingModelIsUsedByTheNextCallAndAReimportReplacesIt() throws Exception {
        JsonNode imported = json(postForm(action("ImportThingModelTsl", "ProductKey", "a1Buzzer0001", "TslStr", TSL.formatted(3))));
        json(get(action("RegisterDevice", "ProductKey", "a1Buzzer0001", "DeviceName", "buzzer-1")));
        Map<String, String> beepFive = invoke("ProductKey", "a1Buzzer0001", "DeviceName", "buzzer-1", "Identifier", "Beep", "Args", "{\"Times\":5}");

        assertThat(imported.path("Success").asBoolean()).as(imported.toString()).isTrue();
        assertThat(json(get(beepFive)).path("ErrorMessage").asText()).startsWith("Args.Times: expected an int in [1, 3]");

        json(postForm(action("ImportThingModelTsl", "ProductKey", "a1Buzzer0001", "TslStr", TSL.formatted(9))));

        JsonNode body = json(get(beepFive));
        assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
        assertThat(JSON.readTree(body.path("Data").path("Result").asText()).path("data").path("Times").asInt()).isEqualTo(5);
    }

    @Test
    void anImportedModuleAnswersToModuleColonService() throws Exception {
        json(postForm(action("ImportThingModelTsl", "ProductKey", "a1Door000001", "TslStr", TSL.formatted(3))));
        json(get(action("RegisterDevice", "ProductKey", "a1Door000001", "DeviceName", "door-1")));

        JsonNode module = json(postForm(action("ImportThingModelTsl", "ProductKey", "a1Door000001", "FunctionBlockId", "door",
                "TslStr", MODULE_TSL)));
        JsonNode body = json(get(invoke("ProductKey", "a1Door000001", "DeviceName", "door-1", "Identifier", "door:Open", "Args", "{}")));

        assertThat(module.path("Success").asBoolean()).as(module.toString()).isTrue();
        assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
        assertThat(spy().awaitExactly("/sys/a1Door000001/door-1/thing/service/door:Open", Duration.ofSeconds(5))).isNotNull();
    }

    @Test
    void importRefusesAModuleOfAnUnknownProductAndATslThatIsNotOne() throws Exception {
        JsonNode noProduct = json(postForm(action("ImportThingModelTsl", "ProductKey", "a1NoSuchProd", "FunctionBlockId", "door",
                "TslStr", MODULE_TSL)));
        JsonNode notJson = json(postForm(action("ImportThingModelTsl", "ProductKey", "a1Bad0000001", "TslStr", "{nope")));
        JsonNode otherProduct = json(postForm(action("ImportThingModelTsl", "ProductKey", "a1Bad0000001",
                "TslStr", "{\"profile\":{\"productKey\":\"" + PK + "\"}}")));

        assertThat(noProduct.path("Code").asText()).isEqualTo("iot.prod.NotExistedProduct");
        assertThat(notJson.path("Code").asText()).isEqualTo("iot.common.InvalidFormattedParameter");
        assertThat(otherProduct.path("Code").asText()).isEqualTo("iot.common.InvalidFormattedParameter");
        assertThat(otherProduct.path("ErrorMessage").asText()).contains(PK);
    }

    @Test
    void aMissingParameterIsA400AndAnUnknownActionA404() throws Exception {
        HttpResponse<String> missing = get(action("RegisterDevice", "ProductKey", PK));
        HttpResponse<String> unknown = get(action("CreateEverything"));

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing).path("Code").asText()).isEqualTo("MissingParameter");
        assertThat(json(missing).path("Message").asText()).contains("DeviceName");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("Code").asText()).isEqualTo("InvalidApi.NotFound");
    }
}
