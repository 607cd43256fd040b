package org.thingservice.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;
import org.thingservice.gateway.auth.MutableClock;
import org.thingservice.gateway.support.MigratedDatabase;

/** Instances joining one database, as several gateways sharing PostgreSQL would. */
class GatewayInstancesTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private static final String GROUP = "thing-service-gateway";

    private final SQLiteDataSource database = MigratedDatabase.create();

    @Test
    void instancesGetDifferentPrefixesAndKnowEachOther() throws Exception {
        GatewayInstances one = GatewayInstances.join(database, clock, GROUP);
        GatewayInstances other = GatewayInstances.join(database, clock, GROUP);

        assertThat(one.prefix()).isNotEqualTo(other.prefix());
        assertThat(other.isAnotherInstance(one.prefix())).as("there when it joined").isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(one.isAnotherInstance(other.prefix())).as("looked up when first seen").isTrue();
        assertThat(one.isAnotherInstance(one.prefix())).as("its own").isFalse();
        assertThat(one.isAnotherInstance(-1)).as("not an Alink id").isFalse();
    }

    @Test
    void aPrefixIsFreeAgainWhenItsInstanceStoppedOrWasNotSeenForAWhile() throws Exception {
        GatewayInstances one = GatewayInstances.join(database, clock, GROUP);
        GatewayInstances other = GatewayInstances.join(database, clock, GROUP);
        assertThat(GatewayInstances.claim(database, clock, one.prefix(), GROUP)).as("taken and fresh").isFalse();

        clock.advance(GatewayInstances.STALE.plusSeconds(1));
        other.beat(); // one has not beaten for that long
        assertThat(other.isAnotherInstance(one.prefix())).as("not seen for too long").isFalse();
        assertThat(GatewayInstances.claim(database, clock, one.prefix(), GROUP)).as("taken over").isTrue();
        assertThat(GatewayInstances.claim(database, clock, other.prefix(), GROUP)).as("seen just now").isFalse();

        other.stop();
        assertThat(GatewayInstances.claim(database, clock, other.prefix(), GROUP)).as("left on stop").isTrue();
    }

    @Test
    void aReplyIsHandedOnlyToInstancesOfTheSameReplyGroup() throws Exception {
        GatewayInstances here = GatewayInstances.join(database, clock, GROUP);
        GatewayInstances sameGroup = GatewayInstances.join(database, clock, GROUP);
        GatewayInstances otherGroup = GatewayInstances.join(database, clock, "another-group");
        GatewayInstances withoutGroup = GatewayInstances.join(database, clock, null);
        // an instance of a version before groups, as it registers (no reply_group)
        int old = java.util.stream.IntStream.range(0, 4096).filter(p -> p != here.prefix() && p != sameGroup.prefix()
                && p != otherGroup.prefix() && p != withoutGroup.prefix()).findFirst().orElseThrow();
        new Jdbc(database).update("INSERT INTO gateway_instance (id_prefix, started_at, seen_at) VALUES (?, ?, ?)",
                old, clock.millis(), clock.millis());
        clock.advance(Duration.ofSeconds(1));

        assertThat(here.isInMyReplyGroup(sameGroup.prefix())).isTrue();
        for (int outside : new int[] {otherGroup.prefix(), withoutGroup.prefix(), old}) {
            assertThat(here.isAnotherInstance(outside)).as("another instance").isTrue();
            assertThat(here.isInMyReplyGroup(outside)).as("but not of the group").isFalse();
        }
        assertThat(withoutGroup.isInMyReplyGroup(here.prefix())).as("no group, nothing handed over").isFalse();
        assertThat(here.isInMyReplyGroup(here.prefix())).as("itself").isFalse();
    }
}
