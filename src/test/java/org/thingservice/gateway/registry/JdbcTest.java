package org.thingservice.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.MigratedDatabase;

class JdbcTest {

    private final Jdbc jdbc = new Jdbc(MigratedDatabase.create());

    @Test
    void statementsTakeTheirParametersByPosition() throws SQLException {
        assertThat(jdbc.update("INSERT INTO gateway_instance (id_prefix, started_at, seen_at) VALUES (?, ?, ?)", 7, 1L, 2L)).isEqualTo(1);
        assertThat(jdbc.queryOne("SELECT seen_at FROM gateway_instance WHERE id_prefix = ?", rs -> rs.getLong(1), 7)).contains(2L);
        assertThat(jdbc.queryOne("SELECT seen_at FROM gateway_instance WHERE id_prefix = ?", rs -> rs.getLong(1), 8)).isEmpty();
        assertThat(jdbc.queryAll("SELECT id_prefix FROM gateway_instance", rs -> rs.getInt(1))).containsExactly(7);
    }

    @Test
    void aDuplicateKeyIsAnAnswerAndAnyOtherFailureAnError() throws SQLException {
        String insert = "INSERT INTO gateway_instance (id_prefix, started_at, seen_at) VALUES (?, ?, ?)";
        assertThat(jdbc.insertUnlessDuplicate(insert, 1, 1L, 1L)).isTrue();
        assertThat(jdbc.insertUnlessDuplicate(insert, 1, 1L, 1L)).isFalse();
        assertThatThrownBy(() -> jdbc.insertUnlessDuplicate("INSERT INTO no_such_table VALUES (?)", 1)).isInstanceOf(SQLException.class);
    }

    @Test
    void severalStatementsShareOneConnection() throws SQLException {
        int changed = jdbc.withConnection(on -> on.update("INSERT INTO gateway_instance (id_prefix, started_at, seen_at) VALUES (?, ?, ?)", 3, 1L, 1L)
                + on.update("UPDATE gateway_instance SET seen_at = ? WHERE id_prefix = ?", 5L, 3));
        assertThat(changed).isEqualTo(2);
    }
}
