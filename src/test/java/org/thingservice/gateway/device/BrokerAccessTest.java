package org.thingservice.gateway.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.device.BrokerAccess.GatewayLogin;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.registry.DeviceRegistry;
import org.thingservice.gateway.support.MigratedDatabase;

class BrokerAccessTest {

    private static final GatewayLogin GATEWAY = new GatewayLogin("thing-service-gateway", "gw-pass");
    private final DeviceRegistry registry = new DeviceRegistry(MigratedDatabase.create());
    private final AtomicReference<DeviceRegistry> ready = new AtomicReference<>(registry);
    private final BrokerAccess access = new BrokerAccess(GATEWAY, ready::get, true);

    BrokerAccessTest() {
        registry.putProduct("{\"profile\":{\"productKey\":\"pk\"},\"services\":[]}");
        registry.putDevice(new Device("IotId1", "pk", "dn"), "the-secret");
        registry.putDevice(new Device("IotId2", "pk", "other"), "other-secret");
    }

    private BrokerAccess.Decision connect(BrokerAccess access, DeviceLogin.Credentials c) {
        return access.decide(c.clientId(), c.userName(), c.password().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theGatewayLogsInWithItsPasswordOnly() {
        assertThat(access.decide("any", "thing-service-gateway", "gw-pass".getBytes())).isInstanceOf(BrokerAccess.Gateway.class);
        assertThat(access.decide("any", "thing-service-gateway", "nope".getBytes())).isInstanceOf(BrokerAccess.Refused.class);
        assertThat(access.decide("any", "thing-service-gateway", null)).isInstanceOf(BrokerAccess.Refused.class);
    }

    @Test
    void aDeviceLogsInWithItsOwnSecretOnly() {
        for (String signMethod : new String[] {"hmacsha1", "hmacsha256", "hmacmd5"}) {
            assertThat(connect(access, DeviceLogin.credentials("pk", "dn", "the-secret", signMethod, ""))).as(signMethod)
                    .isInstanceOfSatisfying(BrokerAccess.Device.class, d -> assertThat(d.login().deviceName()).isEqualTo("dn"));
        }
        assertThat(connect(access, DeviceLogin.credentials("pk", "dn", "wrong", "hmacsha1", ""))).isInstanceOf(BrokerAccess.Refused.class);
        // another device's secret does not open this one (impersonation)
        assertThat(connect(access, DeviceLogin.credentials("pk", "dn", "other-secret", "hmacsha1", ""))).isInstanceOf(BrokerAccess.Refused.class);
        assertThat(connect(access, DeviceLogin.credentials("pk", "nobody", "the-secret", "hmacsha1", ""))).isInstanceOf(BrokerAccess.Refused.class);
    }

    @Test
    void bothSecureModesAndALoginWithoutTimestampAreAccepted() {
        String tls = "dev-tls|securemode=2,signmethod=hmacsha256,timestamp=1|";
        String password = DeviceLogin.sign("hmacsha256", "the-secret", "dev-tls", "dn", "pk", "1").orElseThrow();
        assertThat(access.decide(tls, "dn&pk", password.getBytes(StandardCharsets.UTF_8))).isInstanceOf(BrokerAccess.Device.class);
        // no timestamp, no signmethod: Alibaba's default hmacmd5 over clientId, deviceName and productKey only
        String bare = DeviceLogin.sign("hmacmd5", "the-secret", "bare", "dn", "pk", null).orElseThrow();
        assertThat(access.decide("bare|securemode=3|", "dn&pk", bare.getBytes(StandardCharsets.UTF_8))).isInstanceOf(BrokerAccess.Device.class);
        // a timestamp years old is still accepted, as on Alibaba: it is signed, not compared with the clock
        String old = DeviceLogin.sign("hmacsha1", "the-secret", "old", "dn", "pk", "1000000000000").orElseThrow();
        assertThat(access.decide("old|securemode=3,signmethod=hmacsha1,timestamp=1000000000000|", "dn&pk",
                old.getBytes(StandardCharsets.UTF_8))).isInstanceOf(BrokerAccess.Device.class);
    }

    @Test
    void aDisabledDeviceIsRefusedAndAnEnabledOneLetInAgain() {
        registry.enable(new Device("IotId1", "pk", "dn"), false);
        assertThat(connect(access, DeviceLogin.credentials("pk", "dn", "the-secret", "hmacmd5", ""))).isInstanceOf(BrokerAccess.Refused.class);
        registry.enable(new Device("IotId1", "pk", "dn"), true);
        assertThat(connect(access, DeviceLogin.credentials("pk", "dn", "the-secret", "hmacmd5", ""))).isInstanceOf(BrokerAccess.Device.class);
    }

    @Test
    void withoutALoginOnlyTheOpenBrokerLetsAClientIn() {
        assertThat(access.decide("spy", null, null)).isInstanceOf(BrokerAccess.Refused.class);
        BrokerAccess open = new BrokerAccess(GATEWAY, ready::get, false);
        assertThat(open.decide("spy", null, null)).isEqualTo(new BrokerAccess.Anyone(java.util.Optional.empty()));
        // an unsigned client naming a device still counts as it, for presence
        assertThat(((BrokerAccess.Anyone) open.decide("x", "dn&pk", null)).device()).isPresent();
    }

    @Test
    void devicesWaitForTheRegistry() {
        ready.set(null);
        BrokerAccess.Decision decision = connect(access, DeviceLogin.credentials("pk", "dn", "the-secret", "hmacsha1", ""));
        assertThat(decision).isInstanceOfSatisfying(BrokerAccess.Refused.class, r -> assertThat(r.retry()).isTrue());
    }

    @Test
    void namesWithTopicWildcardsAreRefused() {
        assertThat(access.decide("x|signmethod=hmacsha1|", "+&pk", "x".getBytes())).isInstanceOf(BrokerAccess.Refused.class);
    }
}
