package org.thingservice.gateway.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The few ways the gateway talks to its database, written once: a statement with its parameters (set by position
 * with setObject), on a connection borrowed for that statement and given back at once. Several statements that must
 * share a connection run in {@link #withConnection}, on the {@code Jdbc.On} it hands out.
 *
 * <p>A connection is never held while another is asked for: with SQLite the pool has one connection, and a second
 * request would wait for ever.
 */
public final class Jdbc {

    /** One row of a result, as a value. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Work on one connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(On connection) throws SQLException;
    }

    private final DataSource dataSource;

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The statements below, on one connection held for the whole work. */
    public <T> T withConnection(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return work.run(new On(c));
        }
    }

    /** The work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(new On(c));
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** The first row, if any. */
    public <T> Optional<T> queryOne(String sql, Row<T> row, Object... params) throws SQLException {
        return withConnection(on -> on.queryOne(sql, row, params));
    }

    /** Every row. */
    public <T> List<T> queryAll(String sql, Row<T> row, Object... params) throws SQLException {
        return withConnection(on -> on.queryAll(sql, row, params));
    }

    /** INSERT, UPDATE or DELETE: how many rows it changed. */
    public int update(String sql, Object... params) throws SQLException {
        return withConnection(on -> on.update(sql, params));
    }

    /** An INSERT: false when its key is there already (SqlErrors.isDuplicateKey), any other failure thrown. */
    public boolean insertUnlessDuplicate(String sql, Object... params) throws SQLException {
        return withConnection(on -> on.insertUnlessDuplicate(sql, params));
    }

    /** The same statements on a connection that the caller holds. */
    public static final class On {
        private final Connection connection;

        On(Connection connection) {
            this.connection = connection;
        }

        public <T> Optional<T> queryOne(String sql, Row<T> row, Object... params) throws SQLException {
            try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
            }
        }

        public <T> List<T> queryAll(String sql, Row<T> row, Object... params) throws SQLException {
            List<T> rows = new ArrayList<>();
            try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row.map(rs));
                }
            }
            return rows;
        }

        public int update(String sql, Object... params) throws SQLException {
            try (PreparedStatement ps = prepare(sql, params)) {
                return ps.executeUpdate();
            }
        }

        /** One statement run for each row of parameters, sent together: how many rows each changed. */
        public int[] batch(String sql, List<Object[]> rows) throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (Object[] params : rows) {
                    for (int i = 0; i < params.length; i++) {
                        ps.setObject(i + 1, params[i]);
                    }
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        }

        public boolean insertUnlessDuplicate(String sql, Object... params) throws SQLException {
            try {
                update(sql, params);
                return true;
            } catch (SQLException e) {
                if (SqlErrors.isDuplicateKey(e)) {
                    return false;
                }
                throw e;
            }
        }

        private PreparedStatement prepare(String sql, Object... params) throws SQLException {
            PreparedStatement ps = connection.prepareStatement(sql);
            try {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                return ps;
            } catch (SQLException | RuntimeException e) {
                ps.close();
                throw e;
            }
        }
    }
}
