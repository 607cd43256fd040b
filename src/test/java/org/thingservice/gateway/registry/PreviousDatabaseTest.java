package org.thingservice.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;
import org.thingservice.gateway.support.MigratedDatabase;

/** An upgrade from a version that kept its data in an embedded H2 file (data/registry.mv.db). */
class PreviousDatabaseTest {

    private final SQLiteDataSource target = MigratedDatabase.create();

    @Test
    void theEarlierVersionsRowsAreCopiedOnceAndTheFileRenamed() throws Exception {
        Path folder = Files.createTempDirectory("tsg-previous");
        Path h2 = earlierVersion(folder, null);

        assertThat(PreviousDatabase.migrate(h2, "sa", null, target))
                .containsEntry("product", 1).containsEntry("device", 2).containsEntry("processed_request", 1).containsEntry("pending_reply", 0);

        assertThat(h2).doesNotExist();
        assertThat(folder.resolve("registry.mv.db.migrated")).exists();
        assertThat(count("SELECT COUNT(*) FROM device WHERE enabled = FALSE")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM processed_request WHERE state = 'SENT' AND source = 'orders/0/17'"))
                .as("a request sent before the upgrade is not sent again after it").isEqualTo(1);
        assertThat(PreviousDatabase.migrate(h2, "sa", null, target)).as("nothing the second time").isEmpty();
    }

    @Test
    void anOlderSchemaIsCopiedWithTheDefaultsOfLaterColumns() throws Exception {
        Path h2 = earlierVersion(Files.createTempDirectory("tsg-previous"), "3"); // before devices could be disabled

        assertThat(PreviousDatabase.migrate(h2, "sa", null, target)).containsEntry("device", 2).doesNotContainKey("pending_reply");
        assertThat(count("SELECT COUNT(*) FROM device WHERE enabled = TRUE")).isEqualTo(2);
    }

    @Test
    void aFileThatCannotBeReadStopsTheStartAndIsLeftAsItIs() throws Exception {
        Path h2 = Files.writeString(Files.createTempDirectory("tsg-previous").resolve("registry.mv.db"), "not an H2 file");

        assertThatThrownBy(() -> PreviousDatabase.migrate(h2, "sa", null, target))
                .hasMessageContaining(h2.toString()).hasMessageContaining("Nothing was copied");
        assertThat(h2).exists();
        assertThat(count("SELECT COUNT(*) FROM product")).isZero();
    }

    @Test
    void noFileNothingToDo() throws Exception {
        assertThat(PreviousDatabase.migrate(Files.createTempDirectory("tsg-previous").resolve("registry.mv.db"), "sa", null, target)).isEmpty();
    }

    /** An H2 file as the earlier version left it, its schema at this migration version (null: the last). */
    private static Path earlierVersion(Path folder, String schemaVersion) throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + folder.resolve("registry"));
        h2.setUser("sa");
        var flyway = Flyway.configure().dataSource(h2);
        if (schemaVersion != null) {
            flyway.target(schemaVersion);
        }
        flyway.load().migrate();
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO product (product_key, tsl, version) VALUES ('a1LampDemo1', '{}', 1)");
            s.execute("INSERT INTO device (iot_id, product_key, device_name) VALUES ('id1', 'a1LampDemo1', 'lamp-1')");
            s.execute("INSERT INTO device (iot_id, product_key, device_name) VALUES ('id2', 'a1LampDemo1', 'lamp-2')");
            if (schemaVersion == null) {
                s.execute("UPDATE device SET enabled = FALSE WHERE iot_id = 'id2'");
            }
            s.execute("INSERT INTO processed_request (request_key, source, state, updated_at) VALUES ('r-17', 'orders/0/17', 'SENT', CURRENT_TIMESTAMP)");
            s.execute("SHUTDOWN");
        }
        return folder.resolve("registry.mv.db");
    }

    private long count(String sql) throws Exception {
        try (Connection c = target.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
