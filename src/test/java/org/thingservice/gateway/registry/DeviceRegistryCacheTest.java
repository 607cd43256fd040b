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
import org.thingservice.gateway.support.MigratedDatabase;

/** A registry that remembers found devices (cached) next to another instance on the same database (other). */
class DeviceRegistryCacheTest {

    private static final String TSL = """
            {"profile":{"productKey":"pk1"},"services":[{"identifier":"Beep","callType":"sync"},
             {"identifier":"Ring","callType":"%s"}]}""";

    private final SQLiteDataSource database = MigratedDatabase.create();
    private final DeviceRegistry cached = new DeviceRegistry(database, 60_000);
    private final DeviceRegistry other = new DeviceRegistry(database);
    private final Device device = new Device("IotId1", "pk1", "dev-1");

    private static Invocation lookup(DeviceRegistry registry, String identifier) {
        Invocation invocation = new Invocation(new InvokeRequest("r", null, "pk1", "dev-1", identifier, "{}", null, false), ResponseFormat.JSON);
        registry.lookup(invocation);
        return invocation;
    }

    private static String code(Runnable call) {
        try {
            call.run();
            return "none";
        } catch (ApiException e) {
            return e.code();
        }
    }

    @Test
    void ownChangesAreSeenByTheNextCall() {
        cached.putProduct(TSL.formatted("sync"));
        cached.putDevice(device);
        assertThat(lookup(cached, "Ring").service().sync()).isTrue(); // remembered now

        cached.putProduct(TSL.formatted("async"));
        assertThat(lookup(cached, "Ring").service().sync()).isFalse();

        cached.enable(device, false);
        assertThat(code(() -> lookup(cached, "Beep"))).isEqualTo("iot.device.DeviceHasBeenDisabled");
        cached.enable(device, true);
        assertThat(lookup(cached, "Beep").device()).isEqualTo(device);

        cached.delete(device);
        assertThat(code(() -> lookup(cached, "Beep"))).isEqualTo("iot.device.NotExistedDevice");
    }

    @Test
    void anotherInstancesChangeIsSeenOnceTheDeviceIsNoLongerRemembered() throws InterruptedException {
        DeviceRegistry briefly = new DeviceRegistry(database, 100);
        other.putProduct(TSL.formatted("sync"));
        other.putDevice(device);
        assertThat(lookup(briefly, "Beep").device()).isEqualTo(device);
        assertThat(lookup(cached, "Beep").device()).isEqualTo(device);

        other.enable(device, false);

        assertThat(code(() -> lookup(cached, "Beep"))).as("within the TTL").isEqualTo("none");
        Thread.sleep(200);
        assertThat(code(() -> lookup(briefly, "Beep"))).as("after the TTL").isEqualTo("iot.device.DeviceHasBeenDisabled");
    }

    @Test
    void anUnknownDeviceIsNotRemembered() {
        other.putProduct(TSL.formatted("sync"));
        assertThat(code(() -> lookup(cached, "Beep"))).isEqualTo("iot.device.NotExistedDevice");

        other.putDevice(device);

        assertThat(lookup(cached, "Beep").device()).isEqualTo(device);
    }

    @Test
    void deviceManagementAlwaysReadsTheDatabase() {
        other.putProduct(TSL.formatted("sync"));
        other.putDevice(device);
        lookup(cached, "Beep");

        other.enable(device, false);

        assertThat(cached.require(null, "pk1", "dev-1").enabled()).isFalse();
    }

    @Test
    void aTtlOfZeroRemembersNothing() {
        DeviceRegistry uncached = new DeviceRegistry(database, 0);
        other.putProduct(TSL.formatted("sync"));
        other.putDevice(device);
        lookup(uncached, "Beep");

        other.delete(device);

        assertThatThrownBy(() -> lookup(uncached, "Beep")).isInstanceOf(ApiException.class);
    }
}
