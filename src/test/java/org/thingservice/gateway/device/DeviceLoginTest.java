package org.thingservice.gateway.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeviceLoginTest {

    /**
     * Alibaba's documented example (clientId 12345, device "device", product "pk", timestamp 789, secret "secret"); the
     * expected values were computed by the Node.js device SDK's own hmacSign (sha1) and Node's crypto (the others).
     */
    @ParameterizedTest
    @CsvSource({
            "hmacsha1, fafd82a3d602b37fb0fa8b7892f24a477f851a14",
            "hmacsha256, 6074a46a91b1ebb2cc4ea42790ad0e80202c9843859fc292e57c4eb19fad9e57",
            "hmacmd5, 14b198324fe55e1d3c88f2e705e201ee"})
    void signsTheSortedParametersWithEachSignMethod(String signMethod, String expected) {
        assertThat(DeviceLogin.sign(signMethod, "secret", "12345", "device", "pk", "789")).contains(expected);
        DeviceLogin login = DeviceLogin.parse("12345|securemode=3,signmethod=" + signMethod + ",timestamp=789|", "device&pk").orElseThrow();
        assertThat(login.signedWith("secret", expected.getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(login.signedWith("secret", expected.toUpperCase().getBytes(StandardCharsets.UTF_8))).as("hex in upper case").isTrue();
        assertThat(login.signedWith("wrong", expected.getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void theTimestampIsSignedOnlyWhenTheClientIdHasOne() {
        DeviceLogin login = DeviceLogin.parse("12345|securemode=2,signmethod=hmacsha256|", "device&pk").orElseThrow();
        assertThat(login.signedWith("secret",
                "c8cb3dcb7159682438e5fd9a9c34f398e41bb8edb6f222795e307bafee151090".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void readsLinkSdkClientIdsWithTheirOptionsInAnyOrder() {
        DeviceLogin login = DeviceLogin.parse("a1B.dev-1|timestamp=1700000000000,_ss=1,_v=sdk-c-4.1.0,securemode=2,signmethod=hmacsha256,ext=3,|",
                "dev-1&a1B").orElseThrow();
        assertThat(login.id()).isEqualTo("a1B.dev-1");
        assertThat(login.productKey()).isEqualTo("a1B");
        assertThat(login.deviceName()).isEqualTo("dev-1");
        assertThat(login.signMethod()).isEqualTo("hmacsha256");
        assertThat(login.wantsSubscriptions()).isTrue();
        assertThat(login.extRrpc()).isTrue();
        assertThat(DeviceLogin.parse("x|ext=2|", "d&p").orElseThrow().extRrpc()).as("ext=2: notify only").isFalse();
        assertThat(DeviceLogin.parse("x", "d&p").orElseThrow().signMethod()).as("Alibaba's default").isEqualTo("hmacmd5");
    }

    @Test
    void aUserNameWithoutDeviceAndProductIsNoDeviceLogin() {
        assertThat(DeviceLogin.parse("x", "thing-service-gateway")).isEmpty();
        assertThat(DeviceLogin.parse("x", "&pk")).isEmpty();
        assertThat(DeviceLogin.parse("x", "dn&")).isEmpty();
        assertThat(DeviceLogin.parse("x", null)).isEmpty();
    }

    @Test
    void anUnknownSignMethodSignsNothing() {
        assertThat(DeviceLogin.sign("sha256", "secret", "1", "d", "p", null)).isEmpty();
        assertThat(DeviceLogin.parse("1|signmethod=sha256|", "d&p").orElseThrow().signedWith("secret", "x".getBytes())).isFalse();
    }

    @Test
    void credentialsAreWhatTheBrokerAccepts() {
        DeviceLogin.Credentials credentials = DeviceLogin.credentials("pk", "dn", "s3cret", "hmacsha256", "_ss=1,ext=1");
        DeviceLogin login = DeviceLogin.parse(credentials.clientId(), credentials.userName()).orElseThrow();
        assertThat(login.signedWith("s3cret", credentials.password().getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(login.wantsSubscriptions()).isTrue();
        assertThat(login.extRrpc()).isTrue();
    }
}
