package org.thingservice.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, a dependency (the database, the MQTT broker) may not be up yet: started together, as compose and
 * Kubernetes start them, the gateway is often first. What needs it is tried again every PAUSE until it works or
 * gateway.dependencies.start-timeout has passed; then the last failure stops the start. A failure that waiting
 * cannot cure (a wrong password, a broken migration) stops it at once.
 */
final class StartRetry {

    private static final Logger LOG = LoggerFactory.getLogger(StartRetry.class);
    static final Duration PAUSE = Duration.ofSeconds(2);

    @FunctionalInterface
    interface Attempt<T> {
        T run() throws Exception;
    }

    /** The clock and the pause, replaceable in tests. */
    interface Time {
        long nanoTime();

        void sleep(Duration pause) throws InterruptedException;

        Time SYSTEM = new Time() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration pause) throws InterruptedException {
                Thread.sleep(pause.toMillis());
            }
        };
    }

    private StartRetry() {
    }

    static <T> T until(String what, Duration bound, Predicate<Throwable> worthWaiting, Attempt<T> attempt) throws Exception {
        return until(what, bound, worthWaiting, attempt, Time.SYSTEM);
    }

    static <T> T until(String what, Duration bound, Predicate<Throwable> worthWaiting, Attempt<T> attempt, Time time) throws Exception {
        long end = time.nanoTime() + bound.toNanos();
        for (int tries = 1; ; tries++) {
            try {
                T result = attempt.run();
                if (tries > 1) {
                    LOG.info("{} is reachable (try {})", what, tries);
                }
                return result;
            } catch (Exception e) {
                if (!worthWaiting.test(e) || time.nanoTime() - end >= 0) {
                    throw e;
                }
                LOG.warn("{} is not reachable yet (try {}): {}; trying again every {} s for up to {} s in all "
                        + "(gateway.dependencies.start-timeout)", what, tries, rootMessage(e), PAUSE.toSeconds(), bound.toSeconds());
                time.sleep(PAUSE);
            }
        }
    }

    /**
     * A failure to reach a database that may be starting: an SQL state of class 08 (connection exception) or 57P03
     * (the server is starting up), or a refused connection or unknown host, anywhere in the causes.
     */
    static boolean databaseNotUpYet(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().equals("57P03"))) {
                return true;
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** Waits until the broker of an external MQTT URL (tcp://, ssl://, ws://, wss://) accepts a TCP connection. */
    static void awaitBroker(String brokerUrl, Duration bound) throws Exception {
        URI uri = URI.create(brokerUrl);
        if (uri.getHost() == null) {
            return; // not a URL this can check; Paho reports it
        }
        int port = uri.getPort() != -1 ? uri.getPort() : switch (uri.getScheme()) {
            case "ssl", "wss" -> 8883;
            case "ws" -> 80;
            default -> 1883;
        };
        until("The MQTT broker " + uri.getHost() + ":" + port, bound, e -> e instanceof IOException, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), port), (int) PAUSE.toMillis());
            }
            return null;
        });
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e) : e.getClass().getSimpleName() + " (" + root + ")";
    }
}
