package org.thingservice.gateway.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ResponseFormat;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.InvokeRequest;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.registry.DeviceRegistry;
import org.thingservice.gateway.support.MigratedDatabase;

class DevicePresenceTest {

    private final DeviceRegistry registry = new DeviceRegistry(MigratedDatabase.create());
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);

    DevicePresenceTest() {
        registry.putProduct("{\"profile\":{\"productKey\":\"pk\"},\"services\":[{\"identifier\":\"Blink\",\"callType\":\"sync\"}]}");
        registry.putDevice(new Device("IotId1", "pk", "dn"));
    }

    @Test
    void aDeviceIsOnlineWhileItHasAConnection() {
        DevicePresence presence = new DevicePresence(clock, true, true);
        presence.open(registry);
        assertThat(registry.identity("IotId1", null, null).alibabaStatus()).isEqualTo("UNACTIVE");

        presence.connected("pk", "dn", "c1", false);
        presence.connected("pk", "dn", "c1", false); // reconnected before the old connection was noticed gone
        presence.disconnected("pk", "dn", "c1");
        assertThat(presence.isOnline("pk", "dn")).isTrue();
        assertThat(registry.identity("IotId1", null, null).alibabaStatus()).isEqualTo("ONLINE");
        assertThat(registry.identity("IotId1", null, null).onlineAt()).isEqualTo(1_700_000_000_000L);

        presence.disconnected("pk", "dn", "c1");
        assertThat(presence.isOnline("pk", "dn")).isFalse();
        assertThat(registry.identity("IotId1", null, null).alibabaStatus()).isEqualTo("OFFLINE");
    }

    @Test
    void aStartingBrokerHasNoDeviceOnline() {
        registry.presence("pk", "dn", true, 1);
        new DevicePresence(clock, true, true).open(registry);
        assertThat(registry.identity("IotId1", null, null).alibabaStatus()).isEqualTo("OFFLINE");
    }

    @Test
    void anExternalBrokerChangesNothing() {
        registry.presence("pk", "dn", true, 1);
        DevicePresence presence = new DevicePresence(clock, false, true);
        presence.open(registry);
        assertThat(presence.tracked()).isFalse();
        assertThat(registry.identity("IotId1", null, null).alibabaStatus()).isEqualTo("ONLINE");
        presence.requireOnline(syncCall()); // unknown: never refused
    }

    @Test
    void aSyncCallToAnOfflineDeviceFailsAtOnce() {
        DevicePresence presence = new DevicePresence(clock, true, true);
        presence.open(registry);
        assertThatThrownBy(() -> presence.requireOnline(syncCall()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("iot.messagebroker.OFFLINE"));
        presence.connected("pk", "dn", "c1", false);
        presence.requireOnline(syncCall());
        // with simulated devices (refuseOffline false) nothing is refused
        DevicePresence simulated = new DevicePresence(clock, true, false);
        simulated.open(registry);
        simulated.requireOnline(syncCall());
    }

    @Test
    void disablingClosesEachOfTheDevicesConnections() {
        DevicePresence presence = new DevicePresence(clock, true, true);
        presence.open(registry);
        java.util.List<String> closed = new java.util.ArrayList<>();
        presence.closer(closed::add);
        presence.connected("pk", "dn", "c1", false);
        presence.connected("pk", "dn", "c2", false);
        presence.disconnect(new Device("IotId1", "pk", "dn"));
        assertThat(closed).containsExactlyInAnyOrder("c1", "c2");
    }

    private Invocation syncCall() {
        Invocation invocation = new Invocation(new InvokeRequest("r1", null, "pk", "dn", "Blink", "{}", null, false),
                ResponseFormat.JSON);
        registry.lookup(invocation);
        return invocation;
    }
}
