package org.thingservice.gateway.alink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

    @Test
    void idsAreNumericStringsWithinTheAlinkRangeAndWrapAroundWithinTheirPrefix() {
        MessageIds ids = new MessageIds(4095, (1 << 20) - 2);

        assertThat(ids.next()).isEqualTo("4294967294");
        assertThat(ids.next()).isEqualTo("4294967295");
        assertThat(ids.next()).isEqualTo("4293918720"); // 4095 << 20: the counter wrapped, the prefix stayed
    }

    @Test
    void idsInFlightAreUniqueAndCarryTheirInstancesPrefix() {
        MessageIds ids = new MessageIds(17);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String id = ids.next();
            assertThat(Long.parseLong(id)).isBetween(0L, 4294967295L);
            assertThat(MessageIds.prefixOf(id)).isEqualTo(17);
            seen.add(id);
        }
        assertThat(seen).hasSize(100_000);
    }

    @Test
    void anythingButAnAlinkIdHasNoPrefix() {
        assertThat(MessageIds.prefixOf("0")).isZero();
        assertThat(MessageIds.prefixOf("4294967296")).isEqualTo(-1);
        assertThat(MessageIds.prefixOf("-1")).isEqualTo(-1);
        assertThat(MessageIds.prefixOf("abc")).isEqualTo(-1);
        assertThatThrownBy(() -> new MessageIds(4096)).isInstanceOf(IllegalArgumentException.class);
    }
}
