package org.thingservice.gateway.registry;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.invoke.Exchanges;

/**
 * A persistent idempotent repository for requests that arrive on a redeliverable source (Kafka, batch files): a
 * request is claimed before it is sent to the device and marked done, with its answer, once its result is written,
 * so after a crash or a restart nothing is sent to a device twice. Shared through the database by every gateway
 * instance. {@link #claim} only finds out where a request stands; {@link #refuse} answers those that must not go
 * to a device, so that a source can first check whether such a request's answer was already delivered.
 */
public final class ProcessedRequests {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessedRequests.class);

    /** Where a request stands. */
    public enum Claim {
        /** claimed now: it goes to its device */
        NEW,
        /** a redelivery whose answer was decided before (Exchanges.REQUEST_RESULT); it does not go to its device again */
        ANSWERED,
        /** a redelivery that was sent to its device before a crash, with no answer kept: its outcome is unknown */
        OUTCOME_UNKNOWN,
        /** another request (from another source) with the same RequestId was sent before */
        DUPLICATE
    }

    /** a claim: nothing changes (0 rows) when the key is there already, which must not fail the shared transaction */
    private static final String CLAIM = "INSERT INTO processed_request (request_key, source, state, updated_at) VALUES (?, ?, 'SENT', ?) "
            + "ON CONFLICT (request_key) DO NOTHING";
    private static final String DONE = "UPDATE processed_request SET state = 'DONE', updated_at = ?, result = ? WHERE request_key = ?";

    private final Jdbc jdbc;
    private final ConcurrentLinkedQueue<Write> waiting = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writer = new ReentrantLock();

    public ProcessedRequests(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /** Claims the request before it goes to the device, or finds out why it must not go (see {@link Claim}). */
    public void claim(Exchange exchange) throws SQLException {
        String key = exchange.getProperty(Exchanges.REQUEST_KEY, String.class);
        String source = exchange.getProperty(Exchanges.REQUEST_SOURCE, String.class);
        exchange.setProperty(Exchanges.ALREADY_DONE, false);
        Write insert = new Write(true, key, source, new Timestamp(System.currentTimeMillis()));
        if (write(insert) == 1) {
            exchange.setProperty(Exchanges.CLAIM, Claim.NEW);
            return;
        }
        jdbc.queryOne("SELECT source, state, result, updated_at FROM processed_request WHERE request_key = ?", rs -> {
            exchange.setProperty(Exchanges.CLAIMED_AT, rs.getTimestamp(4).getTime());
            if (!source.equals(rs.getString(1))) {
                exchange.setProperty(Exchanges.CLAIM, Claim.DUPLICATE);
                exchange.setProperty(Exchanges.FIRST_SOURCE, rs.getString(1));
            } else if ("DONE".equals(rs.getString(2))) {
                exchange.setProperty(Exchanges.CLAIM, Claim.ANSWERED);
                exchange.setProperty(Exchanges.ALREADY_DONE, true);
                exchange.setProperty(Exchanges.REQUEST_RESULT, rs.getString(3));
            } else {
                exchange.setProperty(Exchanges.CLAIM, Claim.OUTCOME_UNKNOWN);
            }
            return rs;
        }, key).orElseThrow(() -> new SQLException("The claim of request " + key + " is gone"));
    }

    /** Answers a request that must not go to its device with an error saying why; lets any other pass. */
    public void refuse(Exchange exchange) {
        Claim claim = exchange.getProperty(Exchanges.CLAIM, Claim.class);
        String key = exchange.getProperty(Exchanges.REQUEST_KEY, String.class);
        String source = exchange.getProperty(Exchanges.REQUEST_SOURCE, String.class);
        if (claim == Claim.ANSWERED) {
            LOG.info("Request {} from {} was already answered; its kept answer is used", key, source);
        } else if (claim == Claim.OUTCOME_UNKNOWN) {
            LOG.warn("Request {} from {} is not sent to the device again (sent before a restart, outcome unknown)", key, source);
            throw ApiException.business(ErrorCodes.INVOKE_FAILED,
                    "This request was sent to the device before the gateway restarted; its outcome is unknown and it is not sent again.");
        } else if (claim == Claim.DUPLICATE) {
            String first = exchange.getProperty(Exchanges.FIRST_SOURCE, String.class);
            LOG.warn("Request {} from {} is not sent to the device (duplicate of the request from {})", key, source, first);
            throw ApiException.business(ErrorCodes.INVOKE_FAILED,
                    "A request with this RequestId was already sent to the device (from " + first + "); it is not sent again.");
        }
    }

    /**
     * The request's result is written: its answer (Exchanges.REQUEST_RESULT) is kept, and a redelivery of it is answered with that
     * from now on. Also for an "outcome unknown" answer, so that it is given once.
     */
    public void done(Exchange exchange) throws SQLException {
        String key = exchange.getProperty(Exchanges.REQUEST_KEY, String.class);
        Claim claim = exchange.getProperty(Exchanges.CLAIM, Claim.class);
        if (key == null || (claim != Claim.NEW && claim != Claim.OUTCOME_UNKNOWN)) {
            return; // never claimed (it failed before reaching a device), answered before, or not this source's key
        }
        write(new Write(false, new Timestamp(System.currentTimeMillis()), exchange.getProperty(Exchanges.REQUEST_RESULT, String.class), key));
    }

    /**
     * Runs a claim's INSERT or a done's UPDATE, together with every other one waiting by then, in one transaction
     * (group commit): the commit is what costs (SQLite's WAL write, PostgreSQL's WAL flush), and with hundreds of
     * requests in flight many share each one. Whoever holds the writer takes all that wait; the others find theirs
     * written when they get it. Returns the rows the statement changed (a claim: 0 when its key was there already);
     * a failed transaction fails every request in it.
     */
    private int write(Write write) throws SQLException {
        waiting.add(write);
        writer.lock();
        try {
            if (!write.written) {
                List<Write> batch = new ArrayList<>();
                for (Write next; (next = waiting.poll()) != null; ) {
                    batch.add(next);
                }
                try {
                    jdbc.inTransaction(on -> {
                        run(on, CLAIM, batch.stream().filter(w -> w.claim).toList());
                        run(on, DONE, batch.stream().filter(w -> !w.claim).toList());
                        return null;
                    });
                } catch (SQLException e) {
                    batch.forEach(w -> w.failure = e);
                }
                batch.forEach(w -> w.written = true);
            }
        } finally {
            writer.unlock();
        }
        if (write.failure != null) {
            throw new SQLException(write.failure.getMessage(), write.failure.getSQLState(), write.failure);
        }
        return write.changed;
    }

    private static void run(Jdbc.On on, String sql, List<Write> writes) throws SQLException {
        if (writes.isEmpty()) {
            return;
        }
        int[] changed = on.batch(sql, writes.stream().map(w -> w.params).toList());
        for (int i = 0; i < changed.length; i++) {
            writes.get(i).changed = changed[i];
        }
    }

    /** One claim or done waiting for its transaction; its outcome is set by whoever writes it, under the writer lock. */
    private static final class Write {
        final boolean claim;
        final Object[] params;
        boolean written;
        int changed;
        SQLException failure;

        Write(boolean claim, Object... params) {
            this.claim = claim;
            this.params = params;
        }
    }
}
