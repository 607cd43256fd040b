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
    private final SQLiteDataSource database = MigratedDatabase.create();

    @Test
    void instancesGetDifferentPrefixesAndKnowEachOther() throws Exception {
        GatewayInstances one = GatewayInstances.join(database, clock);
        GatewayInstances other = GatewayInstances.join(database, clock);

        assertThat(one.prefix()).isNotEqualTo(other.prefix());
        assertThat(other.isAnotherInstance(one.prefix())).as("there when it joined").isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(one.isAnotherInstance(other.prefix())).as("looked up when first seen").isTrue();
        assertThat(one.isAnotherInstance(one.prefix())).as("its own").isFalse();
        assertThat(one.isAnotherInstance(-1)).as("not an Alink id").isFalse();
    }

    @Test
    void aPrefixIsFreeAgainWhenItsInstanceStoppedOrWasNotSeenForAWhile() throws Exception {
        GatewayInstances one = GatewayInstances.join(database, clock);
        GatewayInstances other = GatewayInstances.join(database, clock);
        assertThat(GatewayInstances.claim(database, clock, one.prefix())).as("taken and fresh").isFalse();

        clock.advance(GatewayInstances.STALE.plusSeconds(1));
        other.beat(); // one has not beaten for that long
        assertThat(other.isAnotherInstance(one.prefix())).as("not seen for too long").isFalse();
        assertThat(GatewayInstances.claim(database, clock, one.prefix())).as("taken over").isTrue();
        assertThat(GatewayInstances.claim(database, clock, other.prefix())).as("seen just now").isFalse();

        other.stop();
        assertThat(GatewayInstances.claim(database, clock, other.prefix())).as("left on stop").isTrue();
    }
}
