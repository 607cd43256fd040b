package org.thingservice.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ResponseFormat;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.InvokeRequest;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.model.ThingService;
import org.thingservice.gateway.support.MigratedDatabase;

/** Two registries on one database stand for two gateway instances. */
class DeviceRegistryTest {

    private static final String TSL = """
            {"profile":{"productKey":"pk1"},"services":[{"identifier":"Beep","callType":"sync",
             "inputData":[{"identifier":"Times","dataType":{"type":"int","specs":{"min":"1","max":"%d"}}}]}]}""";
    private static final String MODULE = """
            {"profile":{"productKey":"pk1"},"functionBlockId":"fb","services":[{"identifier":"Open","callType":"%s"}]}""";

    private final SQLiteDataSource database = MigratedDatabase.create();
    private final DeviceRegistry one = new DeviceRegistry(database);
    private final DeviceRegistry other = new DeviceRegistry(database);
    private final Device device = new Device("IotId1", "pk1", "dev-1");

    private static ThingService lookup(DeviceRegistry registry, String identifier) {
        Invocation invocation = new Invocation(new InvokeRequest("r", "IotId1", null, null, identifier, "{}", null, false), ResponseFormat.JSON);
        registry.lookup(invocation);
        return invocation.service();
    }

    @Test
    void aThingModelChangedByOneInstanceIsSeenByTheOthersNextLookup() {
        one.putProduct(TSL.formatted(3));
        one.putDevice(device);
        assertThat(lookup(other, "Beep").inputData().toString()).contains("\"max\":\"3\""); // cached now

        one.putProduct(TSL.formatted(9));

        assertThat(lookup(other, "Beep").inputData().toString()).contains("\"max\":\"9\"");
    }

    @Test
    void aModuleIsStoredWithItsProductAndAChangeToItIsSeenToo() {
        one.putProduct(TSL.formatted(3));
        one.putDevice(device);
        one.putProduct(MODULE.formatted("sync"));
        assertThat(lookup(other, "fb:Open").sync()).isTrue();

        one.putProduct(MODULE.formatted("async"));

        assertThat(lookup(other, "fb:Open").sync()).isFalse();
        assertThat(lookup(other, "Beep").identifier()).isEqualTo("Beep");
    }

    @Test
    void aModuleNeedsItsProduct() {
        assertThatThrownBy(() -> one.putProduct(MODULE.formatted("sync")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("iot.prod.NotExistedProduct"));
    }

    @Test
    void aDisabledDeviceIsRefusedByEveryInstanceUntilEnabled() {
        one.putProduct(TSL.formatted(3));
        one.putDevice(device);
        lookup(other, "Beep");

        one.enable(device, false);

        assertThatThrownBy(() -> lookup(other, "Beep"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("iot.device.DeviceHasBeenDisabled"));
        assertThat(other.require("IotId1", null, null).enabled()).isFalse();
        one.enable(device, true);
        assertThat(lookup(other, "Beep").identifier()).isEqualTo("Beep");
    }

    @Test
    void registerRefusesATakenNameOrIotIdAndAnUnknownProduct() {
        one.putProduct(TSL.formatted(3));
        Device registered = one.register("pk1", "dev-1", null);

        assertThat(registered.iotId()).hasSize(20);
        assertThat(other.require(null, "pk1", "dev-1").device()).isEqualTo(registered);
        assertThatThrownBy(() -> other.register("pk1", "dev-1", null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("iot.device.AlreadyExistedDeviceName"));
        assertThatThrownBy(() -> other.register("pk1", "dev-2", registered.iotId()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("iot.device.AlreadyExistedDeviceName"));
        assertThatThrownBy(() -> other.register("pk2", "dev-1", null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("iot.prod.NotExistedProduct"));
    }

    @Test
    void aDeletedDeviceDoesNotExist() {
        one.putProduct(TSL.formatted(3));
        one.putDevice(device);

        one.delete(device);

        assertThatThrownBy(() -> other.require(null, "pk1", "dev-1"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("iot.device.NotExistedDevice"));
    }
}
