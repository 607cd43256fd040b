package org.thingservice.gateway.registry;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.support.MigratedDatabase;
import org.thingservice.gateway.support.Postgres;

/**
 * What the bookkeeping of a redeliverable request costs (issue 12, item 3): a claim before it is sent and a done
 * after its result, as ProcessedRequests writes them, on the embedded default (SQLite, the default URL's pragmas) and
 * on PostgreSQL, through the gateway's connection pool. Wall-clock µs per request, one thread after the other (each
 * write its own transaction) and from 16 threads at once (what the Kafka and file sources do: their claims and dones
 * share transactions). Prints numbers, asserts nothing: {@code mvn -B verify -Pbenchmark -Dtest=ProcessedRequestsBenchmark}.
 */
@Tag("benchmark")
class ProcessedRequestsBenchmark {

    private static final int REQUESTS = 10_000;
    private static final int THREADS = 16;

    @Test
    void bookkeepingPerRequest() throws Exception {
        String sqlite = MigratedDatabase.url(Files.createTempDirectory("tsg-bookkeeping").resolve("gateway.db").toString());
        measure("SQLite", sqlite, null);
        try (Postgres postgres = Postgres.launch()) {
            measure("PostgreSQL", postgres.jdbcUrl(), Postgres.USER);
        }
    }

    private static void measure(String name, String url, String user) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setMaximumPoolSize(DatabaseUrl.poolSize(url));
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Flyway.configure().dataSource(pool).load().migrate();
            ProcessedRequests requests = new ProcessedRequests(pool);
            CamelContext context = new DefaultCamelContext();
            run(requests, context, name + "-warmup", 2_000, THREADS);
            double one = run(requests, context, name + "-one", 2_000, 1);
            double many = run(requests, context, name + "-many", REQUESTS, THREADS);
            System.out.printf(Locale.ROOT, "bookkeeping %-10s claim+done per request: %7.1f us one at a time, %7.1f us from %d threads (%d requests)%n",
                    name, one, many, THREADS, REQUESTS);
        }
    }

    /** Claims and marks done n requests from the given number of threads; wall-clock µs per request. */
    private static double run(ProcessedRequests requests, CamelContext context, String prefix, int n, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = prefix + "-" + i;
                done.add(pool.submit(() -> {
                    Exchange exchange = new DefaultExchange(context);
                    exchange.setProperty(Exchanges.REQUEST_KEY, key);
                    exchange.setProperty(Exchanges.REQUEST_SOURCE, key);
                    requests.claim(exchange);
                    exchange.setProperty(Exchanges.REQUEST_RESULT, "{\"RequestId\":\"" + key + "\",\"Success\":true}");
                    requests.done(exchange);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return (System.nanoTime() - start) / 1_000.0 / n;
        } finally {
            pool.shutdown();
        }
    }
}
