package org.thingservice.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.Postgres;
import org.thingservice.gateway.support.Waits;

/**
 * The gateway on PostgreSQL, chosen by its JDBC URL alone: the Flyway migrations run unchanged, the registry and the
 * processed requests live there, and /observe/health follows the database down and back up.
 */
@ExtendWith(ExternalBinaries.RequirePostgres.class)
class PostgresGatewayTest extends GatewayTestSupport {

    // no initialiser: settings() needs the server while the superclass is still being constructed
    private Postgres postgres;

    private Postgres postgres() {
        if (postgres == null) {
            postgres = Postgres.launch();
        }
        return postgres;
    }

    @Override
    protected Map<String, String> settings() {
        if (!ExternalBinaries.hasPostgres()) {
            return Map.of(); // RequirePostgres skips every test before a gateway is started with these
        }
        return Map.of("gateway.registry.url", postgres().jdbcUrl(), "gateway.registry.user", Postgres.USER,
                "gateway.registry.connection-timeout", "1000", "gateway.files.settle-time", "200");
    }

    @AfterAll
    void stopDatabase() throws Exception {
        try {
            if (context != null) {
                context.stop();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    void theMigrationsRanOnPostgresAndSeededTheRegistry() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
            List<String> versions = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
            }
            assertThat(versions).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9");
            try (ResultSet rs = s.executeQuery("SELECT device_name FROM device WHERE iot_id = 'LampDemoIotId0000002'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("lamp-2");
            }
        }
    }

    @Test
    void aSyncHttpCallFindsItsDeviceInPostgres() throws Exception {
        JsonNode body = json(get(invoke("IotId", "LampDemoIotId0000002", "Identifier", "Blink", "Args", "{\"param1\":4}")));
        assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
        assertThat(JSON.readTree(body.path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(4);

        JsonNode unknown = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-77", "Identifier", "Blink", "Args", "{}")));
        assertThat(unknown.path("Code").asText()).isEqualTo(ErrorCodes.NOT_EXISTED_DEVICE);
    }

    @Test
    void batchFileLinesAreClaimedAndAnsweredInPostgresAndARepeatIsAnsweredFromThere() throws Exception {
        String content = "{\"RequestId\":\"pg-1\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-1\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":1}}\n"
                + "{\"RequestId\":\"pg-2\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-1\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":2}}\n";
        List<String> first = dropAndAwait("pg-a.jsonl", "pg-a.results.jsonl", content);
        assertThat(first).hasSize(2).allSatisfy(line -> assertThat(line).contains("\"Success\":true"));
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM processed_request WHERE state = 'DONE' AND result LIKE '%\"Success\":true%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }

        // the same content again: answered from the stored results, the same MessageIds, no device invoked
        List<String> again = dropAndAwait("pg-b.jsonl", "pg-b.results.jsonl", content);
        assertThat(again).isEqualTo(first);
    }

    @Test
    void healthIsDownWhileTheDatabaseIsDownAndUpWhenItIsBack() throws Exception {
        assertThat(awaitHealth("UP", Duration.ofSeconds(20)).path("status").asText()).isEqualTo("UP");

        postgres().stop();
        try {
            JsonNode down = awaitHealth("DOWN", Duration.ofSeconds(20));
            assertThat(down.path("status").asText()).as(down.toString()).isEqualTo("DOWN");
            assertThat(down.toString()).contains("database");
            assertThat(observe("/observe/health").statusCode()).isEqualTo(503);
            // a call meets the outage as an answer, within the connection timeout, once the registry no longer
            // remembers the device from the calls before the outage (gateway.registry.cache-ttl, 1 s by default)
            Thread.sleep(Long.parseLong(context.getPropertiesComponent().resolveProperty("gateway.registry.cache-ttl").orElseThrow()));
            JsonNode call = json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}")));
            assertThat(call.path("Code").asText()).as(call.toString()).isEqualTo(ErrorCodes.SYSTEM);
        } finally {
            postgres().start();
        }
        JsonNode up = awaitHealth("UP", Duration.ofSeconds(20));
        assertThat(up.path("status").asText()).as(up.toString()).isEqualTo("UP");
        assertThat(json(get(invoke("ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":1}")))
                .path("Success").asBoolean()).isTrue();
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(postgres().jdbcUrl(), Postgres.USER, "");
    }

    private List<String> dropAndAwait(String name, String resultName, String content) throws Exception {
        Path staging = Files.createDirectories(dataDir().resolve("staging")).resolve(name);
        Files.writeString(staging, content);
        Files.move(staging, Files.createDirectories(dataDir().resolve("inbox")).resolve(name), StandardCopyOption.ATOMIC_MOVE);
        Path result = dataDir().resolve("outbox").resolve(resultName);
        Waits.until(Duration.ofSeconds(60), Duration.ofMillis(50), () -> Files.exists(result));
        assertThat(result).exists();
        return Files.readAllLines(result);
    }
}
