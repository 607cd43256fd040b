package org.thingservice.gateway.history;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.thingservice.gateway.registry.Jdbc;

/** The table service_call: calls written in batches, replies attached, a device's calls paged by time, old ones purged. */
public final class ServiceCallStore {

    /** A reply to attach to the call it answers (found by pk/dn/MessageId among the calls since notBefore). */
    public record Reply(String productKey, String deviceName, String messageId, String reply, long at, boolean late, long notBefore) {
    }

    /** One page of a device's calls: Asc or not, within [startTime, endTime] (ms, both included). */
    public record Page(String iotId, String identifier, long startTime, long endTime, boolean asc, int size) {
    }

    private static final String COLUMNS = "id, called_at, ended_at, iot_id, product_key, device_name, identifier, args, "
            + "message_id, request_id, source, outcome, reply, replied_at, late";
    private static final String INSERT = "INSERT INTO service_call (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /**
     * The newest call with this key still without a reply: MessageIds repeat (a 20-bit counter per instance), so a key
     * can name an older call too, which the time bound and the newest-first choice keep out.
     */
    private static final String ATTACH = "UPDATE service_call SET reply = ?, replied_at = ?, late = ? WHERE id = "
            + "(SELECT id FROM service_call WHERE product_key = ? AND device_name = ? AND message_id = ? AND reply IS NULL "
            + "AND called_at >= ? ORDER BY called_at DESC LIMIT 1) AND reply IS NULL";

    private final Jdbc jdbc;

    public ServiceCallStore(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /**
     * Inserts the calls, then attaches the replies, in one transaction (a reply can only find a call written before
     * it, or in the same batch): for each reply, whether it found its call.
     */
    public boolean[] write(List<ServiceCall> calls, List<Reply> replies) throws SQLException {
        return jdbc.inTransaction(on -> {
            if (!calls.isEmpty()) {
                List<Object[]> rows = new ArrayList<>(calls.size());
                for (ServiceCall c : calls) {
                    rows.add(new Object[] {c.id(), c.calledAt(), c.endedAt(), c.iotId(), c.productKey(), c.deviceName(),
                            c.identifier(), c.args(), c.messageId(), c.requestId(), c.source(), c.outcome(), c.reply(),
                            c.repliedAt(), c.late() ? 1 : 0});
                }
                on.batch(INSERT, rows);
            }
            boolean[] found = new boolean[replies.size()];
            if (!replies.isEmpty()) {
                List<Object[]> rows = new ArrayList<>(replies.size());
                for (Reply r : replies) {
                    rows.add(new Object[] {r.reply(), r.at(), r.late() ? 1 : 0, r.productKey(), r.deviceName(), r.messageId(), r.notBefore()});
                }
                int[] counts = on.batch(ATTACH, rows);
                for (int i = 0; i < counts.length; i++) {
                    found[i] = counts[i] > 0;
                }
            }
            return found;
        });
    }

    /** Up to page.size() + 1 calls of the device in the page's range and order: the one past the page tells whether more follow. */
    public List<ServiceCall> page(Page page) throws SQLException {
        String order = page.asc() ? "ASC" : "DESC";
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS)
                .append(" FROM service_call WHERE iot_id = ? AND called_at >= ? AND called_at <= ?");
        List<Object> params = new ArrayList<>(List.of(page.iotId(), page.startTime(), page.endTime()));
        if (page.identifier() != null) {
            sql.append(" AND identifier = ?");
            params.add(page.identifier());
        }
        sql.append(" ORDER BY called_at ").append(order).append(", id ").append(order).append(" LIMIT ").append(page.size() + 1);
        return jdbc.queryAll(sql.toString(), rs -> new ServiceCall(rs.getString(1), rs.getLong(2), rs.getLong(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13),
                rs.getObject(14) == null ? null : rs.getLong(14), rs.getInt(15) != 0), params.toArray());
    }

    /** Deletes the calls made before this time (epoch ms): how many. */
    public int purge(long before) throws SQLException {
        return jdbc.update("DELETE FROM service_call WHERE called_at < ?", before);
    }
}
