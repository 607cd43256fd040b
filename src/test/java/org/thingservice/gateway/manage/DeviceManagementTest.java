package org.thingservice.gateway.manage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.api.ActionResponse;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.registry.DeviceRegistry;
import org.thingservice.gateway.support.MigratedDatabase;

class DeviceManagementTest {

    private final DeviceRegistry registry = new DeviceRegistry(MigratedDatabase.create());
    private final DeviceManagement management = new DeviceManagement(registry);

    private static String code(Runnable call) {
        try {
            call.run();
        } catch (ApiException e) {
            return e.code();
        }
        return null;
    }

    @Test
    void importTakesTheProductAndTheModuleFromItsParameters() {
        management.importThingModelTsl(Map.of("ProductKey", "pk1", "TslStr", "{\"services\":[{\"identifier\":\"Beep\"}]}"), "r1");
        // a functionBlockId inside TslStr does not count without FunctionBlockId: this is the default TSL again
        management.importThingModelTsl(Map.of("ProductKey", "pk1",
                "TslStr", "{\"functionBlockId\":\"x\",\"services\":[{\"identifier\":\"Beep\"}]}"), "r2");
        management.importThingModelTsl(Map.of("ProductKey", "pk1", "FunctionBlockId", "fb",
                "TslStr", "{\"services\":[{\"identifier\":\"Open\"}]}"), "r3");
        ActionResponse registered = management.registerDevice(Map.of("ProductKey", "pk1", "DeviceName", "d1", "IotId", "IotId1"), "r4");

        assertThat(registered.success()).isTrue();
        assertThat(registered.data()).containsEntry("IotId", "IotId1").containsEntry("ProductKey", "pk1").containsEntry("DeviceName", "d1");
        assertThat(code(() -> management.importThingModelTsl(Map.of("ProductKey", "pk1", "FunctionBlockId", "no-dash",
                "TslStr", "{}"), "r5"))).isEqualTo("iot.common.InvalidFormattedParameter");
        assertThat(code(() -> management.importThingModelTsl(Map.of("ProductKey", "pk1",
                "TslStr", "{\"profile\":{\"productKey\":\"pk2\"}}"), "r6"))).isEqualTo("iot.common.InvalidFormattedParameter");
        assertThat(code(() -> management.importThingModelTsl(Map.of("ProductKey", "pk1", "TslStr", "[]"), "r7")))
                .isEqualTo("iot.common.InvalidFormattedParameter");
    }

    @Test
    void disableAndEnableShowInTheDetailsStatus() {
        management.importThingModelTsl(Map.of("ProductKey", "pk1", "TslStr", "{}"), "r1");
        management.registerDevice(Map.of("ProductKey", "pk1", "DeviceName", "d1"), "r2");

        management.disableThing(Map.of("ProductKey", "pk1", "DeviceName", "d1"), "r3");
        assertThat(management.queryDeviceDetail(Map.of("ProductKey", "pk1", "DeviceName", "d1"), "r4").data()).containsEntry("Status", "DISABLE");
        management.enableThing(Map.of("ProductKey", "pk1", "DeviceName", "d1"), "r5");
        assertThat(management.queryDeviceDetail(Map.of("ProductKey", "pk1", "DeviceName", "d1"), "r6").data()).containsEntry("Status", "UNACTIVE");
    }

    @Test
    void parametersAreCheckedAsForInvokeThingService() {
        assertThatThrownBy(() -> management.registerDevice(Map.of("ProductKey", "pk1"), "r"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("MissingParameter"));
        assertThat(code(() -> management.registerDevice(Map.of("ProductKey", "pk1", "DeviceName", "a/b"), "r")))
                .isEqualTo("iot.device.InvalidFormattedDeviceName");
        assertThat(code(() -> management.deleteDevice(Map.of("IotId", "bad#id"), "r"))).isEqualTo("iot.device.InvalidIoTId");
        assertThat(code(() -> management.unknownAction("Nope"))).isEqualTo("InvalidApi.NotFound");
    }
}
