package org.thingservice.gateway.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;
import org.thingservice.gateway.auth.MutableClock;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.support.MigratedDatabase;

/** Two PendingReplies on one database stand for two gateway instances (or one before and after a restart). */
class PendingRepliesTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final SQLiteDataSource database = MigratedDatabase.create();
    private final PendingReplies one = new PendingReplies(database, clock);
    private final PendingReplies other = new PendingReplies(database, clock);
    private final Device lamp = new Device("IotId1", "pk1", "lamp-1");

    private PendingReplies.Pending call(String id, Duration window) {
        return new PendingReplies.Pending("pk1/lamp-1/" + id, "rid-" + id, lamp, "SetColor", id, clock.millis() + window.toMillis());
    }

    @Test
    void aKeptCallIsFoundByAnotherInstanceWithEverythingForwardingNeeds() throws Exception {
        one.record(call("17", Duration.ofMinutes(1)));

        assertThat(other.find("pk1/lamp-1/17")).isEqualTo(call("17", Duration.ofMinutes(1)));
        assertThat(other.find("pk1/lamp-1/18")).isNull();
    }

    @Test
    void onlyTheFirstClaimForwards() throws Exception {
        one.record(call("17", Duration.ofMinutes(1)));

        assertThat(other.claim("pk1/lamp-1/17")).isTrue();
        assertThat(one.claim("pk1/lamp-1/17")).isFalse();
        assertThat(one.find("pk1/lamp-1/17")).isNull();
    }

    @Test
    void aCallWhoseWindowPassedIsNotFoundAndIsPurged() throws Exception {
        one.record(call("17", Duration.ofSeconds(10)));
        one.record(call("18", Duration.ofSeconds(30)));
        clock.advance(Duration.ofSeconds(10));

        assertThat(other.find("pk1/lamp-1/17")).as("its window has passed").isNull();
        assertThat(other.find("pk1/lamp-1/18")).isNotNull();
        assertThat(other.purgeExpired()).isEqualTo(1);
        assertThat(one.claim("pk1/lamp-1/17")).as("purged").isFalse();
        assertThat(one.claim("pk1/lamp-1/18")).as("still kept").isTrue();
    }

    @Test
    void aTimedOutCallTakesTheCallsPastTheirWindowWithIt() throws Exception {
        one.record(call("17", Duration.ofSeconds(10)));
        one.record(call("18", Duration.ofSeconds(60)));
        one.record(call("19", Duration.ofSeconds(60)));
        clock.advance(Duration.ofSeconds(20));

        one.forget("pk1/lamp-1/18");

        assertThat(other.purgeExpired()).as("17 went with 18").isZero();
        assertThat(other.claim("pk1/lamp-1/18")).isFalse();
        assertThat(other.claim("pk1/lamp-1/19")).as("still within its window").isTrue();
    }

    @Test
    void aDatabaseThatCannotAnswerLetsTheReplyBeForwarded() {
        SQLiteDataSource gone = new SQLiteDataSource();
        gone.setUrl("jdbc:sqlite:/nonexistent-" + UUID.randomUUID() + "/gateway.db");

        assertThat(new PendingReplies(gone, clock).claim("pk1/lamp-1/17")).as("better twice than never").isTrue();
    }
}
