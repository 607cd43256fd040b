package org.thingservice.gateway.alink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

    @Test
    void idsAreNumericStringsWithinTheAlinkRangeAndWrapAround() {
        MessageIds ids = new MessageIds(4294967294L);

        assertThat(ids.next()).isEqualTo("4294967294");
        assertThat(ids.next()).isEqualTo("4294967295");
        assertThat(ids.next()).isEqualTo("0");
    }

    @Test
    void idsInFlightAreUnique() {
        MessageIds ids = new MessageIds();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String id = ids.next();
            assertThat(Long.parseLong(id)).isBetween(0L, 4294967295L);
            seen.add(id);
        }
        assertThat(seen).hasSize(100_000);
    }
}
