package org.thingservice.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A request expires when its caller stops waiting, in whole seconds rounded up (MessageExpiryTest: on a real broker). */
class RequestExpiryTest {

    @Test
    void theCallersWaitRoundedUpToWholeSeconds() {
        assertThat(RequestPublisher.expiry(8000L).getMessageExpiryInterval()).isEqualTo(8L);
        assertThat(RequestPublisher.expiry(1001L).getMessageExpiryInterval()).isEqualTo(2L);
        assertThat(RequestPublisher.expiry(1L).getMessageExpiryInterval()).isEqualTo(1L);
        assertThat(RequestPublisher.expiry(null).getMessageExpiryInterval()).isNull();
    }
}
