package org.thingservice.gateway.correlate;

import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.registry.Jdbc;

/**
 * The async calls whose reply is still awaited for forwarding, kept in the database (table pending_reply): the part
 * of the correlation state that outlives the call itself. The HTTP caller of an async service has its answer at
 * once; what remains is to forward the device's reply, and that must survive a restart and may fall to another
 * gateway instance that shares the database. Sync calls are not kept: their caller's connection does not survive.
 */
public final class PendingReplies {

    private static final Logger LOG = LoggerFactory.getLogger(PendingReplies.class);

    /** An async call awaiting its reply, as kept. */
    public record Pending(String key, String requestId, Device device, String identifier, String messageId, long expiresAt) {
    }

    private final Jdbc jdbc;
    private final Clock clock;

    public PendingReplies(DataSource dataSource, Clock clock) {
        this.jdbc = new Jdbc(dataSource);
        this.clock = clock;
    }

    /**
     * Keeps an async call before its request is published, so its reply can never arrive first. Sync calls pass
     * through: nothing of theirs outlives the caller's connection.
     */
    public void record(Exchange exchange) throws SQLException {
        Invocation invocation = exchange.getProperty(Exchanges.INVOCATION, Invocation.class);
        if (invocation.service().sync()) {
            return;
        }
        long window = exchange.getMessage().getHeader(Exchanges.REPLY_TIMEOUT, Long.class);
        Device device = invocation.device();
        record(new Pending(exchange.getMessage().getHeader(Exchanges.CORRELATION_KEY, String.class), invocation.requestId(),
                device, invocation.service().identifier(), invocation.messageId(), clock.millis() + window));
    }

    void record(Pending pending) throws SQLException {
        jdbc.update("INSERT INTO pending_reply (correlation_key, request_id, iot_id, product_key, device_name, identifier, "
                        + "message_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                pending.key(), pending.requestId(), pending.device().iotId(), pending.device().productKey(),
                pending.device().deviceName(), pending.identifier(), pending.messageId(), pending.expiresAt());
    }

    /** The call awaiting the reply with this key, unless there is none or its window has passed. */
    public Pending find(String key) throws SQLException {
        return jdbc.queryOne("SELECT request_id, iot_id, product_key, device_name, identifier, message_id, expires_at "
                        + "FROM pending_reply WHERE correlation_key = ? AND expires_at > ?",
                rs -> new Pending(key, rs.getString(1), new Device(rs.getString(2), rs.getString(3), rs.getString(4)),
                        rs.getString(5), rs.getString(6), rs.getLong(7)),
                key, clock.millis()).orElse(null);
    }

    /**
     * Ends the wait for this reply. True for the one caller that ended it, who forwards the reply: another instance
     * (or an earlier completion) that got there first has forwarded it already. A database that cannot answer
     * counts as true: a reply forwarded twice is better than one lost.
     */
    public boolean claim(String key) {
        try {
            return jdbc.update("DELETE FROM pending_reply WHERE correlation_key = ?", key) == 1;
        } catch (SQLException e) {
            LOG.warn("Could not mark the async reply {} as handled ({}); it is forwarded anyway", key, e.getMessage());
            return true;
        }
    }

    /**
     * The call timed out: its row goes, and with it any whose window has passed (left by an instance that stopped
     * while it waited). A failure is only logged: find() ignores rows past their window anyway.
     */
    public void forget(String key) {
        try {
            jdbc.update("DELETE FROM pending_reply WHERE correlation_key = ? OR expires_at <= ?", key, clock.millis());
        } catch (SQLException e) {
            LOG.warn("Could not delete the timed-out async call {} ({})", key, e.getMessage());
        }
    }

    /** Deletes what a stopped or crashed instance left behind once its window has passed; returns how many. */
    public int purgeExpired() throws SQLException {
        return jdbc.update("DELETE FROM pending_reply WHERE expires_at <= ?", clock.millis());
    }
}
