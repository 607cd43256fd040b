package org.thingservice.gateway.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waiting for a condition, with Awaitility, where the test's own assertion that follows gives the verdict: when the
 * time is up this returns instead of throwing, so that the failure names what the test checks (the count seen, the
 * file missing, the last answer) rather than "condition not met".
 */
public final class Waits {

    private Waits() {
    }

    /** Polls {@code condition} every {@code poll}, first at once, until it holds or {@code timeout} passed. */
    public static void until(Duration timeout, Duration poll, Callable<Boolean> condition) {
        try {
            Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(poll).until(condition);
        } catch (ConditionTimeoutException e) {
            // the caller's assertion reports it
        }
    }
}
