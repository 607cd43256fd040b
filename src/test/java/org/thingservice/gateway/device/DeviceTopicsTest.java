package org.thingservice.gateway.device;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeviceTopicsTest {

    @Test
    void aDeviceHasItsOwnTopicsButNotTheForwardedReplies() {
        assertThat(DeviceTopics.permissions("pk", "dn")).containsExactly(
                new DeviceTopics.Rule("/sys/pk/dn/#", true),
                new DeviceTopics.Rule("/ext/rrpc/+/sys/pk/dn/#", true),
                new DeviceTopics.Rule("/shadow/+/pk/dn", true),
                new DeviceTopics.Rule("/pk/dn/thing/downlink/#", false),
                new DeviceTopics.Rule("/pk/dn/#", true));
    }

    @Test
    void ssSubscribesTheServiceTopicsAndTheExtFormWhenAskedFor() {
        assertThat(DeviceTopics.serviceSubscriptions("pk", "dn", false))
                .containsExactly("/sys/pk/dn/thing/service/+", "/sys/pk/dn/rrpc/request/+");
        assertThat(DeviceTopics.serviceSubscriptions("pk", "dn", true)).contains("/ext/rrpc/+/sys/pk/dn/thing/service/+");
    }

    @Test
    void namesWithTopicSyntaxAreNotSafe() {
        assertThat(DeviceTopics.isTopicSafe("lamp-1")).isTrue();
        assertThat(DeviceTopics.isTopicSafe("a/b")).isFalse();
        assertThat(DeviceTopics.isTopicSafe("+")).isFalse();
        assertThat(DeviceTopics.isTopicSafe("#")).isFalse();
        assertThat(DeviceTopics.isTopicSafe("")).isFalse();
    }
}
