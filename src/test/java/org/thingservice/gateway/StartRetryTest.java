package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How the start waits for a dependency that is not up yet: bounded, and only for failures that waiting can cure. */
class StartRetryTest {

    /** A clock that moves only when the retry sleeps. */
    private static final class FakeTime implements StartRetry.Time {
        long now;
        final List<Duration> pauses = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(Duration pause) {
            pauses.add(pause);
            now += pause.toNanos();
        }
    }

    private final FakeTime time = new FakeTime();

    @Test
    void triesAgainUntilTheDependencyIsUp() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        String result = StartRetry.until("db", Duration.ofSeconds(60), StartRetry::databaseNotUpYet, () -> {
            if (tries.incrementAndGet() < 4) {
                throw new RuntimeException("pool", new SQLException("Connection refused", "08001"));
            }
            return "up";
        }, time);
        assertThat(result).isEqualTo("up");
        assertThat(tries).hasValue(4);
        assertThat(time.pauses).hasSize(3).allSatisfy(p -> assertThat(p).isEqualTo(StartRetry.PAUSE));
    }

    @Test
    void givesUpWithTheLastFailureOnceTheBoundHasPassed() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> StartRetry.until("db", Duration.ofSeconds(10), StartRetry::databaseNotUpYet, () -> {
            throw new SQLException("refused " + tries.incrementAndGet(), "08001");
        }, time)).hasMessage("refused 6");
        assertThat(Duration.ofNanos(time.now)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aFailureWaitingCannotCureStopsTheStartAtOnce() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> StartRetry.until("db", Duration.ofSeconds(60), StartRetry::databaseNotUpYet, () -> {
            tries.incrementAndGet();
            throw new RuntimeException("migration", new SQLException("password authentication failed", "28P01"));
        }, time)).hasMessage("migration");
        assertThat(tries).hasValue(1);
        assertThat(time.pauses).isEmpty();
    }

    @Test
    void whichDatabaseFailuresAreWorthWaitingFor() {
        assertThat(StartRetry.databaseNotUpYet(new SQLException("starting up", "57P03"))).isTrue();
        assertThat(StartRetry.databaseNotUpYet(new SQLTransientConnectionException("timeout", "08S01"))).isTrue();
        assertThat(StartRetry.databaseNotUpYet(new RuntimeException(new ConnectException("refused")))).isTrue();
        assertThat(StartRetry.databaseNotUpYet(new SQLException("syntax error", "42601"))).isFalse();
        assertThat(StartRetry.databaseNotUpYet(new SQLException("no state"))).isFalse();
        assertThat(StartRetry.databaseNotUpYet(new IllegalStateException("other"))).isFalse();
    }

    @Test
    void theBrokerIsAwaitedUntilItsPortAcceptsConnections() throws Exception {
        try (ServerSocket broker = new ServerSocket(0)) {
            StartRetry.awaitBroker("tcp://127.0.0.1:" + broker.getLocalPort(), Duration.ofSeconds(5));
        }
        int closed;
        try (ServerSocket gone = new ServerSocket(0)) {
            closed = gone.getLocalPort();
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> StartRetry.awaitBroker("tcp://127.0.0.1:" + closed, Duration.ZERO)).isInstanceOf(ConnectException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
