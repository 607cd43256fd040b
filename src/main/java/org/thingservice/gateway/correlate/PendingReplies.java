package org.thingservice.gateway.correlate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.model.Device;

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

    private final DataSource dataSource;
    private final Clock clock;

    public PendingReplies(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
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
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO pending_reply (correlation_key, request_id, iot_id, "
                     + "product_key, device_name, identifier, message_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, pending.key());
            insert.setString(2, pending.requestId());
            insert.setString(3, pending.device().iotId());
            insert.setString(4, pending.device().productKey());
            insert.setString(5, pending.device().deviceName());
            insert.setString(6, pending.identifier());
            insert.setString(7, pending.messageId());
            insert.setLong(8, pending.expiresAt());
            insert.executeUpdate();
        }
    }

    /** The call awaiting the reply with this key, unless there is none or its window has passed. */
    public Pending find(String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT request_id, iot_id, product_key, device_name, identifier, "
                     + "message_id, expires_at FROM pending_reply WHERE correlation_key = ? AND expires_at > ?")) {
            select.setString(1, key);
            select.setLong(2, clock.millis());
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Pending(key, rs.getString(1), new Device(rs.getString(2), rs.getString(3), rs.getString(4)),
                        rs.getString(5), rs.getString(6), rs.getLong(7));
            }
        }
    }

    /**
     * Ends the wait for this reply. True for the one caller that ended it, who forwards the reply: another instance
     * (or an earlier completion) that got there first has forwarded it already. A database that cannot answer
     * counts as true: a reply forwarded twice is better than one lost.
     */
    public boolean claim(String key) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM pending_reply WHERE correlation_key = ?")) {
            delete.setString(1, key);
            return delete.executeUpdate() == 1;
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
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM pending_reply WHERE correlation_key = ? OR expires_at <= ?")) {
            delete.setString(1, key);
            delete.setLong(2, clock.millis());
            delete.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("Could not delete the timed-out async call {} ({})", key, e.getMessage());
        }
    }

    /** Deletes what a stopped or crashed instance left behind once its window has passed; returns how many. */
    public int purgeExpired() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM pending_reply WHERE expires_at <= ?")) {
            delete.setLong(1, clock.millis());
            return delete.executeUpdate();
        }
    }

    public long now() {
        return clock.millis();
    }
}
