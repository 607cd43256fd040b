package org.thingservice.gateway.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded H2 database an earlier version kept in the data folder (gateway.registry.previous), copied into the
 * database once so that an upgrade keeps its devices, products, the requests already sent to devices (so none is sent
 * again) and the async calls awaiting a reply. Then the file is renamed, so the copy happens once. A file that
 * cannot be read stops the start: the gateway never starts silently on an empty registry beside the old one.
 */
public final class PreviousDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(PreviousDatabase.class);
    /** parents before children, for the REFERENCES; gateway_instance is not kept: it is about running processes */
    static final List<String> TABLES = List.of("product", "product_module", "device", "processed_request", "pending_reply");
    static final String H2_SUFFIX = ".mv.db";
    static final String MIGRATED_SUFFIX = ".migrated";

    private PreviousDatabase() {
    }

    /** Copies the H2 file into the target (whose schema Flyway made) if the file is there; returns rows copied per table. */
    public static Map<String, Integer> migrate(Path h2File, String user, String password, DataSource target) {
        if (!Files.isRegularFile(h2File)) {
            return Map.of();
        }
        String name = h2File.toAbsolutePath().toString();
        if (!name.endsWith(H2_SUFFIX)) {
            throw new IllegalStateException("gateway.registry.previous " + h2File + " is not an H2 file (*" + H2_SUFFIX + ")");
        }
        String url = "jdbc:h2:file:" + name.substring(0, name.length() - H2_SUFFIX.length()) + ";IFEXISTS=TRUE;ACCESS_MODE_DATA=r";
        Map<String, Integer> copied = new LinkedHashMap<>();
        try (Connection from = DriverManager.getConnection(url, user != null ? user : "", password != null ? password : "");
             Connection to = target.getConnection()) {
            to.setAutoCommit(false);
            try {
                for (String table : TABLES) {
                    if (exists(from, table)) {
                        copied.put(table, copy(from, to, table));
                    }
                }
                to.commit();
            } catch (SQLException | RuntimeException e) {
                to.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The earlier version's database " + h2File + " (gateway.registry.previous) cannot be "
                    + "copied into the database: " + e.getMessage() + ". Nothing was copied and the file is left as it is. "
                    + "Move it out of the way to start with the seed registry only.", e);
        }
        try {
            Files.move(h2File, h2File.resolveSibling(h2File.getFileName() + MIGRATED_SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // copied again at the next start: each row goes in once (ON CONFLICT DO NOTHING)
            LOG.warn("Could not rename {} after copying it: {}", h2File, e.toString());
        }
        LOG.info("Copied the earlier version's database {} into the database ({}); it is now {}{}", h2File, copied,
                h2File.getFileName(), MIGRATED_SUFFIX);
        return copied;
    }

    private static boolean exists(Connection h2, String table) throws SQLException {
        try (ResultSet rs = h2.getMetaData().getTables(null, "PUBLIC", table.toUpperCase(Locale.ROOT), null)) {
            return rs.next();
        }
    }

    /** The columns both have (an older H2 schema may lack later columns, which keep their defaults). */
    private static int copy(Connection from, Connection to, String table) throws SQLException {
        Set<String> targetColumns = columns(to.getMetaData(), table);
        try (PreparedStatement select = from.prepareStatement("SELECT * FROM " + table); ResultSet rows = select.executeQuery()) {
            ResultSetMetaData meta = rows.getMetaData();
            List<Integer> indexes = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                String column = meta.getColumnName(i).toLowerCase(Locale.ROOT);
                if (targetColumns.contains(column)) {
                    indexes.add(i);
                    names.add(column);
                }
            }
            String sql = "INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                    + String.join(", ", names.stream().map(n -> "?").toList()) + ") ON CONFLICT DO NOTHING";
            int n = 0;
            try (PreparedStatement insert = to.prepareStatement(sql)) {
                while (rows.next()) {
                    for (int i = 0; i < indexes.size(); i++) {
                        insert.setObject(i + 1, rows.getObject(indexes.get(i)));
                    }
                    n += insert.executeUpdate();
                }
            }
            return n;
        }
    }

    private static Set<String> columns(DatabaseMetaData meta, String table) throws SQLException {
        Set<String> columns = new TreeSet<>();
        try (ResultSet rs = meta.getColumns(null, null, table, null)) {
            while (rs.next()) {
                columns.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return columns;
    }
}
