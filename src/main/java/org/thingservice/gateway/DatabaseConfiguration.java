package org.thingservice.gateway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;
import org.flywaydb.core.Flyway;
import org.thingservice.gateway.correlate.PendingReplies;
import org.thingservice.gateway.registry.DatabaseUrl;
import org.thingservice.gateway.registry.DeviceRegistry;
import org.thingservice.gateway.registry.GatewayInstances;
import org.thingservice.gateway.registry.PreviousDatabase;
import org.thingservice.gateway.registry.ProcessedRequests;
import org.thingservice.gateway.registry.RegistrySeed;

/**
 * The registry database and what the gateway keeps in it: devices and products, the gateway instances sharing it,
 * the requests processed and the async calls awaiting a reply. The schema is migrated before anything reads it, and
 * the registry seeded after.
 */
public class DatabaseConfiguration implements CamelConfiguration {

    @PropertyInject("gateway.registry.seed")
    private String seed;

    /**
     * The registry database, its schema brought up to date by Flyway before anything reads it, and an earlier
     * version's embedded database copied into it; closed when Camel stops, after everything added later.
     */
    @BindToRegistry("registryDatabase")
    public HikariDataSource registryDatabase(CamelContext context,
            @PropertyInject("gateway.registry.url") String jdbcUrl,
            @PropertyInject("gateway.registry.user") String userSetting,
            @PropertyInject("gateway.registry.password") String passwordSetting,
            @PropertyInject("gateway.registry.connection-timeout") long connectionTimeout,
            @PropertyInject("gateway.registry.previous") String previous,
            @PropertyInject("gateway.dependencies.start-timeout") long startTimeout) throws Exception {
        String url = Settings.optional(jdbcUrl);
        DatabaseUrl.check(url);
        Optional<Path> file = DatabaseUrl.sqliteFile(url);
        if (file.isPresent() && file.get().getParent() != null) {
            Files.createDirectories(file.get().getParent()); // SQLite makes the file, not its folder
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        String user = Settings.optional(userSetting);
        String password = Settings.optional(passwordSetting);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("registry");
        config.setMaximumPoolSize(DatabaseUrl.poolSize(url));
        // a database that is down fails calls (and the health check) after this, not after Hikari's 30 s
        config.setConnectionTimeout(connectionTimeout);
        // a database started with the gateway (compose, Kubernetes) may take a while to accept connections
        HikariDataSource dataSource = StartRetry.until("The registry database", Settings.startTimeout(startTimeout),
                StartRetry::databaseNotUpYet, () -> {
                    HikariDataSource pool = new HikariDataSource(config);
                    try {
                        Flyway.configure().dataSource(pool).load().migrate();
                        return pool;
                    } catch (RuntimeException e) {
                        pool.close();
                        throw e;
                    }
                });
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                dataSource.close();
            }
        });
        PreviousDatabase.migrate(Path.of(Settings.optional(previous)), user, password, dataSource);
        return dataSource;
    }

    /** Devices and products; seeded from gateway.registry.seed once the schema is migrated (configure). */
    @BindToRegistry("deviceRegistry")
    public DeviceRegistry deviceRegistry(HikariDataSource database, @PropertyInject("gateway.registry.cache-ttl") long cacheTtl) {
        return new DeviceRegistry(database, cacheTtl);
    }

    /**
     * The instances sharing the database, for this one's MessageId prefix and to know the others' replies; beats
     * while Camel runs, and leaves before the database closes.
     */
    @BindToRegistry("gatewayInstances")
    public GatewayInstances gatewayInstances(CamelContext context, HikariDataSource database,
            @PropertyInject("gateway.mqtt.reply-group") String replyGroup) throws Exception {
        GatewayInstances instances = GatewayInstances.join(database, Clock.systemUTC(), Settings.optional(replyGroup));
        context.addService(instances);
        return instances;
    }

    @BindToRegistry("processedRequests")
    public ProcessedRequests processedRequests(HikariDataSource database) {
        return new ProcessedRequests(database);
    }

    @BindToRegistry("pendingReplies")
    public PendingReplies pendingReplies(HikariDataSource database) {
        return new PendingReplies(database, Clock.systemUTC());
    }

    /** Seeds the registry (after the migrations: the database bean migrated the schema). */
    @Override
    public void configure(CamelContext context) throws Exception {
        RegistrySeed.load(context, Settings.optional(seed), context.getRegistry().lookupByNameAndType("deviceRegistry", DeviceRegistry.class));
    }
}
