package org.thingservice.gateway.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.invoke.ApiException;
import org.thingservice.gateway.invoke.ErrorCodes;

/**
 * A persistent idempotent repository for requests that arrive on a redeliverable stream (Kafka): a request is
 * claimed before it is sent to the device and marked done once its result is written, so after a crash or a
 * restart nothing is sent to a device twice. Shared through the database by every gateway instance.
 */
public final class ProcessedRequests {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessedRequests.class);
    /** exchange property: the de-duplication key (RequestId, or where the request came from) */
    public static final String KEY = "TsgRequestKey";
    /** exchange property: where the request came from (topic/partition/offset) */
    public static final String SOURCE = "TsgRequestSource";
    /** exchange property: set when the request is a redelivery whose result was already written */
    public static final String ALREADY_DONE = "TsgAlreadyDone";
    /** exchange property: the answer to keep with a done request (JSON text), and the one kept for a redelivery */
    public static final String RESULT = "TsgRequestResult";

    private final DataSource dataSource;

    public ProcessedRequests(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Claims the request before it goes to the device. A redelivery whose result was written is marked to be
     * skipped; anything else already claimed is answered with an error instead of being sent again.
     */
    public void claim(Exchange exchange) throws SQLException {
        String key = exchange.getProperty(KEY, String.class);
        String source = exchange.getProperty(SOURCE, String.class);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO processed_request (request_key, source, state, updated_at) VALUES (?, ?, 'SENT', ?)")) {
                insert.setString(1, key);
                insert.setString(2, source);
                insert.setTimestamp(3, new Timestamp(System.currentTimeMillis()));
                insert.executeUpdate();
                exchange.setProperty(ALREADY_DONE, false);
                return;
            } catch (SQLException e) {
                if (!SqlErrors.isDuplicateKey(e)) {
                    throw e;
                }
            }
            try (PreparedStatement select = c.prepareStatement("SELECT source, state, result FROM processed_request WHERE request_key = ?")) {
                select.setString(1, key);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    boolean redelivery = source.equals(rs.getString(1));
                    if (redelivery && "DONE".equals(rs.getString(2))) {
                        LOG.info("Request {} from {} was already answered; redelivery skipped", key, source);
                        exchange.setProperty(ALREADY_DONE, true);
                        exchange.setProperty(RESULT, rs.getString(3));
                        return;
                    }
                    LOG.warn("Request {} from {} is not sent to the device again ({})", key, source,
                            redelivery ? "sent before a restart, outcome unknown" : "duplicate of the request from " + rs.getString(1));
                    throw ApiException.business(ErrorCodes.INVOKE_FAILED, redelivery
                            ? "This request was sent to the device before the gateway restarted; its outcome is unknown and it is not sent again."
                            : "A request with this RequestId was already sent to the device (from " + rs.getString(1) + "); it is not sent again.");
                }
            }
        }
    }

    /** The request's result has been written: a redelivery of it is skipped from now on. */
    public void done(Exchange exchange) throws SQLException {
        String key = exchange.getProperty(KEY, String.class);
        if (key == null || !Boolean.FALSE.equals(exchange.getProperty(ALREADY_DONE))) {
            return; // never claimed (it failed before reaching a device), or a skipped redelivery
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE processed_request SET state = 'DONE', updated_at = ?, result = ? WHERE request_key = ?")) {
            update.setTimestamp(1, new Timestamp(System.currentTimeMillis()));
            update.setString(2, exchange.getProperty(RESULT, String.class));
            update.setString(3, key);
            update.executeUpdate();
        }
    }
}
