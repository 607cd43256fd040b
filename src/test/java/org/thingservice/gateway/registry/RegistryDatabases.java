package org.thingservice.gateway.registry;

import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

/** Registry databases for tests: several registries on one of them stand for several gateway instances. */
final class RegistryDatabases {

    private RegistryDatabases() {
    }

    /** A new in-memory H2 database with the registry schema. */
    static JdbcDataSource inMemory() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).load().migrate();
        return dataSource;
    }
}
