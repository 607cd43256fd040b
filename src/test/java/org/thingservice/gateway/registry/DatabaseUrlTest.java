package org.thingservice.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void h2IsRefusedWithTheWayOut() {
        assertThatThrownBy(() -> DatabaseUrl.check("jdbc:h2:file:./data/registry"))
                .hasMessageContaining("H2").hasMessageContaining("killed").hasMessageContaining("gateway.registry.previous");
    }

    @Test
    void sqliteAndPostgresAreTaken() {
        DatabaseUrl.check("jdbc:sqlite:data/gateway.db");
        DatabaseUrl.check("jdbc:postgresql://db:5432/gateway");
    }

    @Test
    void theFileOfAnSqliteUrlWithoutItsPragmas() {
        assertThat(DatabaseUrl.sqliteFile("jdbc:sqlite:./data/gateway.db?journal_mode=WAL&synchronous=NORMAL"))
                .contains(Path.of("./data/gateway.db"));
        assertThat(DatabaseUrl.sqliteFile("jdbc:sqlite:/var/lib/gateway/gateway.db")).contains(Path.of("/var/lib/gateway/gateway.db"));
        assertThat(DatabaseUrl.sqliteFile("jdbc:sqlite::memory:")).isEmpty();
        assertThat(DatabaseUrl.sqliteFile("jdbc:postgresql://db/gateway")).isEmpty();
    }

    @Test
    void sqliteGetsOneConnectionSoWritersQueueInsteadOfSleeping() {
        assertThat(DatabaseUrl.poolSize("jdbc:sqlite:gateway.db")).isEqualTo(1);
        assertThat(DatabaseUrl.poolSize("jdbc:postgresql://db/gateway")).isEqualTo(10);
    }
}
