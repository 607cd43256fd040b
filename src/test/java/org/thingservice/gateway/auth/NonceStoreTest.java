package org.thingservice.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NonceStoreTest {

    @Test
    void aNonceIsUsedWithinItsWindowAndForgottenAfterIt() {
        NonceStore store = new NonceStore(1_000, 10);
        assertThat(store.checkAndRecord("a", 0)).isEqualTo(NonceStore.Outcome.RECORDED);
        assertThat(store.checkAndRecord("a", 1_000)).isEqualTo(NonceStore.Outcome.USED);
        assertThat(store.checkAndRecord("a", 1_001)).isEqualTo(NonceStore.Outcome.RECORDED);
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void aFullStoreRefusesRatherThanGrowsUntilEntriesExpire() {
        NonceStore store = new NonceStore(1_000, 2);
        store.checkAndRecord("a", 0);
        store.checkAndRecord("b", 10);
        assertThat(store.checkAndRecord("c", 20)).isEqualTo(NonceStore.Outcome.FULL);
        assertThat(store.checkAndRecord("c", 1_001)).isEqualTo(NonceStore.Outcome.RECORDED);
        assertThat(store.size()).isEqualTo(2);
    }
}
