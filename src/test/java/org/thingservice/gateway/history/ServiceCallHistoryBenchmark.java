package org.thingservice.gateway.history;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.api.ResponseFormat;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.InvokeRequest;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.model.ThingService;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.MigratedDatabase;
import org.thingservice.gateway.support.Postgres;
import org.thingservice.gateway.support.Waits;

/**
 * What recording costs in CPU, measured as CPU time (not wall time, so a loaded machine changes it little): the
 * calling thread's per call end (the queue), and the writer thread's per call written, on SQLite (the default URL's
 * pragmas) and PostgreSQL, through a connection pool as the gateway's. Prints numbers, asserts nothing:
 * {@code mvn -B verify -Pbenchmark -Dtest=ServiceCallHistoryBenchmark}.
 */
@Tag("benchmark")
class ServiceCallHistoryBenchmark {

    private static final int CALLS = 50_000;

    @Test
    void cpuPerRecordedCall() throws Exception {
        measure("SQLite", MigratedDatabase.url(Files.createTempDirectory("tsg-history-bench").resolve("gateway.db").toString()), null);
        if (ExternalBinaries.hasPostgres()) {
            try (Postgres postgres = Postgres.launch()) {
                measure("PostgreSQL", postgres.jdbcUrl(), Postgres.USER);
            }
        }
    }

    private static void measure(String name, String url, String user) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        config.setMaximumPoolSize(url.startsWith("jdbc:sqlite:") ? 1 : 4);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Flyway.configure().dataSource(pool).load().migrate();
            ServiceCallHistory history = new ServiceCallHistory(new ServiceCallStore(pool), new ServiceCallHistory.Settings(true,
                    TimeUnit.DAYS.toMillis(30), 3_600_000, CALLS, 1000, 200, 600_000), Clock.systemUTC());
            history.start();
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            long writer = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("ServiceCallHistory"))
                    .findFirst().orElseThrow().getId();
            long writerBefore = cpu.getThreadCpuTime(writer);
            long callerBefore = cpu.getCurrentThreadCpuTime();
            ApiException timeout = ApiException.business(ErrorCodes.TIMEOUT, "no answer");
            for (int i = 0; i < CALLS; i++) {
                Invocation invocation = new Invocation(new InvokeRequest("rid", null, "a1LampDemo1", "lamp-1", "Blink", "{\"param1\":1}",
                        null, false), ResponseFormat.JSON);
                invocation.device(new Device("LampDemoIotId0000001", "a1LampDemo1", "lamp-" + (i % 2 + 1)));
                invocation.service(new ThingService("Blink", true, null, false));
                invocation.messageId(Integer.toString(i));
                if (i % 10 == 0) {
                    history.ended(invocation, "http", timeout, null);
                } else {
                    history.ended(invocation, "http", null, "{\"id\":\"" + i + "\",\"code\":200,\"data\":{\"param1\":1},\"message\":\"success\",\"version\":\"1.0\"}");
                }
            }
            long callerNanos = cpu.getCurrentThreadCpuTime() - callerBefore;
            Waits.until(Duration.ofMinutes(5), Duration.ofMillis(50), () -> history.recorded() == CALLS);
            long writerNanos = cpu.getThreadCpuTime(writer) - writerBefore;
            history.stop();
            System.out.printf("history %-10s CPU per call: %.1f us on the calling thread (incl. making the test's Invocation), "
                    + "%.1f us on the writer (%d calls, batches of up to 1000)%n", name, callerNanos / 1000.0 / CALLS,
                    writerNanos / 1000.0 / CALLS, CALLS);
        }
    }
}
