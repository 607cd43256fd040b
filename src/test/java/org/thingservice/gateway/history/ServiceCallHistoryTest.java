package org.thingservice.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.api.ResponseFormat;
import org.thingservice.gateway.auth.MutableClock;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.InvokeRequest;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.model.ThingService;
import org.thingservice.gateway.support.MigratedDatabase;
import org.thingservice.gateway.support.Waits;

/** The recorder and its store on a real SQLite database, without Camel's routes. */
class ServiceCallHistoryTest {

    private static final Device LAMP = new Device("IotId1", "pk1", "lamp-1");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final SQLiteDataSource database = MigratedDatabase.create();
    private final ServiceCallStore store = new ServiceCallStore(database);

    private ServiceCallHistory history(int queueSize) {
        return new ServiceCallHistory(store, new ServiceCallHistory.Settings(true, TimeUnit.DAYS.toMillis(30), 3_600_000, queueSize,
                100, 20, 600_000), clock);
    }

    private static Invocation invocation(String messageId, boolean sync) {
        Invocation invocation = new Invocation(new InvokeRequest("rid-" + messageId, null, "pk1", "lamp-1", "Blink", "{\"param1\":1}",
                null, false), ResponseFormat.JSON);
        invocation.device(LAMP);
        invocation.service(new ThingService("Blink", sync, null, false));
        invocation.messageId(messageId);
        return invocation;
    }

    private List<ServiceCall> all(boolean asc) throws Exception {
        return store.page(new ServiceCallStore.Page("IotId1", null, 0, Long.MAX_VALUE, asc, 49));
    }

    private static String key(String messageId) {
        return "pk1/lamp-1/" + messageId;
    }

    @Test
    void aCallIsRecordedWithEverythingAndItsReply() throws Exception {
        ServiceCallHistory history = history(10);
        history.ended(invocation("17", true), "http", null, "{\"id\":\"17\",\"code\":200,\"data\":{\"x\":1}}");
        history.ended(invocation("18", true), "kafka", ApiException.business(ErrorCodes.TIMEOUT, "no answer"), null);
        assertThat(all(true)).isEmpty();

        history.start();
        Waits.until(Duration.ofSeconds(5), Duration.ofMillis(20), () -> all(true).size() == 2);
        history.stop();

        List<ServiceCall> calls = all(true);
        assertThat(calls).extracting(ServiceCall::messageId, ServiceCall::source, ServiceCall::outcome, ServiceCall::late)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("17", "http", "Success", false),
                        org.assertj.core.groups.Tuple.tuple("18", "kafka", ErrorCodes.TIMEOUT, false));
        ServiceCall ok = calls.stream().filter(c -> c.messageId().equals("17")).findFirst().orElseThrow();
        assertThat(ok.iotId()).isEqualTo("IotId1");
        assertThat(ok.identifier()).isEqualTo("Blink");
        assertThat(ok.args()).isEqualTo("{\"param1\":1}");
        assertThat(ok.requestId()).isEqualTo("rid-17");
        assertThat(ok.reply()).contains("\"code\":200");
        assertThat(ok.calledAt()).isEqualTo(clock.millis());
        assertThat(history.recorded()).isEqualTo(2);
    }

    @Test
    void aReplyAfterTheCallEndedLandsOnItsRecordMarkedLate() throws Exception {
        ServiceCallHistory history = history(10);
        history.ended(invocation("17", true), "http", ApiException.business(ErrorCodes.TIMEOUT, "no answer"), null);
        clock.advance(Duration.ofSeconds(2));
        history.replied(key("17"), "{\"id\":\"17\",\"code\":200}", true);
        history.replied(key("17"), "{\"id\":\"17\",\"code\":200,\"dup\":1}", true); // a duplicate changes nothing
        history.start();
        Waits.until(Duration.ofSeconds(5), Duration.ofMillis(20), () -> history.repliesAttached() == 1);
        history.stop();

        ServiceCall call = all(true).get(0);
        assertThat(call.outcome()).isEqualTo(ErrorCodes.TIMEOUT);
        assertThat(call.late()).isTrue();
        assertThat(call.reply()).isEqualTo("{\"id\":\"17\",\"code\":200}");
        assertThat(call.repliedAt()).isEqualTo(clock.millis());
    }

    @Test
    void aReplyThatOvertakesItsCallsRecordIsTriedAgainUntilTheCallIsWritten() throws Exception {
        ServiceCallHistory history = history(10);
        // an async call's reply, forwarded before its call's end was written
        history.replied(key("17"), "{\"id\":\"17\",\"code\":200}", false);
        history.writeQueued();
        assertThat(history.repliesAttached()).isZero();

        history.ended(invocation("17", false), "http", null, null);
        history.writeQueued();

        ServiceCall call = all(true).get(0);
        assertThat(call.reply()).isEqualTo("{\"id\":\"17\",\"code\":200}");
        assertThat(call.late()).as("an async call's reply is expected after the call ended").isFalse();
        assertThat(history.repliesAttached()).isEqualTo(1);
    }

    @Test
    void aReplyIsNotAttachedToAnOldCallThatHadTheSameMessageId() throws Exception {
        ServiceCallHistory history = history(10);
        history.ended(invocation("17", true), "http", ApiException.business(ErrorCodes.TIMEOUT, "no answer"), null);
        history.writeQueued();
        clock.advance(Duration.ofMinutes(11)); // past late-reply-window
        history.replied(key("17"), "{\"code\":200}", true);
        history.writeQueued();
        assertThat(all(true).get(0).reply()).isNull();
    }

    @Test
    void aFullQueueDropsAndCountsWithoutWaiting() {
        ServiceCallHistory history = history(2);
        long started = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            history.ended(invocation(Integer.toString(i), true), "http", null, "{}");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        assertThat(history.queued()).isEqualTo(2);
        assertThat(history.dropped()).isEqualTo(3);
    }

    @Test
    void aGracefulStopWritesWhatIsQueued() throws Exception {
        ServiceCallHistory history = history(1000);
        history.start();
        for (int i = 0; i < 300; i++) {
            history.ended(invocation(Integer.toString(i), true), "http", null, "{}");
        }
        history.stop();
        assertThat(store.page(new ServiceCallStore.Page("IotId1", null, 0, Long.MAX_VALUE, true, 500))).hasSize(300);
    }

    @Test
    void callsOlderThanTheRetentionArePurged() throws Exception {
        long day = TimeUnit.DAYS.toMillis(1);
        long now = clock.millis();
        store.write(List.of(call("old", now - 31 * day), call("recent", now - 29 * day)), List.of());
        ServiceCallHistory history = history(10);
        history.start(); // the first purge runs at start
        Waits.until(Duration.ofSeconds(5), Duration.ofMillis(20), () -> history.purged() == 1);
        history.stop();
        assertThat(all(true)).extracting(ServiceCall::id).containsExactly("recent");
    }

    @Test
    void pagesByTimeInBothOrdersWithinTheRangeAndIdentifier() throws Exception {
        store.write(List.of(call("a", 1000), call("b", 2000), call("c", 3000), call("d", 4000)), List.of());
        assertThat(store.page(new ServiceCallStore.Page("IotId1", null, 2000, 3000, true, 10))).extracting(ServiceCall::id)
                .containsExactly("b", "c");
        assertThat(store.page(new ServiceCallStore.Page("IotId1", null, 0, 5000, false, 2))).extracting(ServiceCall::id)
                .as("one past the page").containsExactly("d", "c", "b");
        assertThat(store.page(new ServiceCallStore.Page("IotId1", "Other", 0, 5000, false, 2))).isEmpty();
        assertThat(store.page(new ServiceCallStore.Page("IotId2", null, 0, 5000, false, 2))).isEmpty();
    }

    private static ServiceCall call(String id, long at) {
        return new ServiceCall(id, at, at, "IotId1", "pk1", "lamp-1", "Blink", "{}", id, "rid", "http", "Success", "{}", at, false);
    }
}
