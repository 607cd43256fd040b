package org.thingservice.gateway.manage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.GatewayTestSupport;

/** QueryProductList, QueryDevice and GetThingModelTsl on /, in Alibaba's shapes, on the seeded registry. */
class RegistryQueriesHttpTest extends GatewayTestSupport {

    private JsonNode call(String action, String... nameValues) throws Exception {
        Map<String, String> params = params("Action", action);
        params.putAll(params(nameValues));
        return json(postForm(params));
    }

    @Test
    void productsArePagedWithTheirDeviceCounts() throws Exception {
        JsonNode body = call("QueryProductList", "CurrentPage", "1", "PageSize", "10");

        assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
        JsonNode data = body.path("Data");
        assertThat(data.path("Total").asInt()).isEqualTo(1);
        assertThat(data.path("PageCount").asInt()).isEqualTo(1);
        JsonNode product = data.path("List").path("ProductInfo").path(0);
        assertThat(product.path("ProductKey").asText()).isEqualTo(PK);
        assertThat(product.path("DeviceCount").asInt()).isEqualTo(4);
        assertThat(call("QueryProductList", "CurrentPage", "2", "PageSize", "10").path("Data").path("List").path("ProductInfo").size()).isZero();
        assertThat(call("QueryProductList", "PageSize", "201").path("Code").asText()).isEqualTo("iot.common.InvalidFormattedParameter");
    }

    @Test
    void aProductsDevicesComePageByPageInNameOrder() throws Exception {
        List<String> names = new ArrayList<>();
        JsonNode first = call("QueryDevice", "ProductKey", PK, "PageSize", "3");
        first.path("Data").path("DeviceInfo").forEach(device -> names.add(device.path("DeviceName").asText()));
        JsonNode second = call("QueryDevice", "ProductKey", PK, "PageSize", "3", "CurrentPage", "2");
        second.path("Data").path("DeviceInfo").forEach(device -> names.add(device.path("DeviceName").asText()));

        assertThat(first.path("Success").asBoolean()).as(first.toString()).isTrue();
        assertThat(first.path("Total").asInt()).isEqualTo(4);
        assertThat(first.path("PageCount").asInt()).isEqualTo(2);
        assertThat(second.path("Page").asInt()).isEqualTo(2);
        assertThat(names).containsExactly("lamp-1", "lamp-2", "lamp-silent", "lamp-slow");
        JsonNode lamp1 = first.path("Data").path("DeviceInfo").path(0);
        assertThat(lamp1.path("IotId").asText()).isEqualTo("LampDemoIotId0000001");
        assertThat(lamp1.path("DeviceStatus").asText()).isIn("ONLINE", "OFFLINE", "UNACTIVE");
    }

    @Test
    void devicesOfAnUnknownProductOrTooLargeAPageAreRefused() throws Exception {
        assertThat(call("QueryDevice", "ProductKey", "a1NoSuchProd").path("Code").asText()).isEqualTo("iot.prod.NotExistedProduct");
        assertThat(call("QueryDevice", "ProductKey", PK, "PageSize", "51").path("Code").asText()).isEqualTo("iot.common.InvalidFormattedParameter");
        assertThat(call("QueryDevice", "ProductKey", PK, "CurrentPage", "0").path("Code").asText()).isEqualTo("iot.common.InvalidFormattedParameter");
        assertThat(call("QueryDevice").path("Code").asText()).isEqualTo("MissingParameter");
    }

    @Test
    void theThingModelIsTheImportedTsl() throws Exception {
        JsonNode body = call("GetThingModelTsl", "ProductKey", PK);

        assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
        JsonNode tsl = JSON.readTree(body.path("Data").path("TslStr").asText());
        assertThat(tsl.path("profile").path("productKey").asText()).isEqualTo(PK);
        assertThat(tsl.path("services").findValuesAsText("identifier")).contains("Blink", "SetColor");
        assertThat(call("GetThingModelTsl", "ProductKey", "a1NoSuchProd").path("Code").asText()).isEqualTo("iot.prod.NotExistedProduct");
        assertThat(call("GetThingModelTsl", "ProductKey", PK, "FunctionBlockId", "nothing").path("Code").asText())
                .isEqualTo("iot.common.InvalidFormattedParameter");
    }
}
