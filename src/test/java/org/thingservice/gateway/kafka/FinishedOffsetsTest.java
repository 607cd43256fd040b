package org.thingservice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What may be committed for a partition: never past a record that is not finished. */
class FinishedOffsetsTest {

    private final FinishedOffsets partition = new FinishedOffsets();

    @Test
    void nothingDispatchedNothingToCommit() {
        assertThat(partition.committable()).isEqualTo(-1);
    }

    @Test
    void recordsFinishedAfterASlowOneAreCommittedOnlyWithIt() {
        for (long offset = 10; offset < 15; offset++) {
            partition.dispatched(offset);
        }
        partition.finished(11);
        partition.finished(13);
        partition.finished(14);
        assertThat(partition.committable()).as("10 is not finished: nothing after it either").isEqualTo(10);

        partition.finished(10);
        assertThat(partition.committable()).as("10 and 11 finished, 12 not").isEqualTo(12);

        partition.finished(12);
        assertThat(partition.committable()).as("all finished: the next record to read").isEqualTo(15);
    }

    @Test
    void aRevokedPartitionSaysSo() {
        partition.dispatched(0);
        partition.revoke();
        assertThat(partition.revoked()).isTrue();
    }
}
