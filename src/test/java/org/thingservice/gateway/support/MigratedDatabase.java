package org.thingservice.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteDataSource;

/** A fresh database of the embedded default's kind (SQLite, a file in a temporary folder) with the gateway's schema, for beans tested without Camel. */
public final class MigratedDatabase {

    private MigratedDatabase() {
    }

    public static SQLiteDataSource create() {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        try {
            dataSource.setUrl(url(Files.createTempDirectory("tsg-db").resolve("gateway.db").toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Flyway.configure().dataSource(dataSource).load().migrate();
        return dataSource;
    }

    /** The default gateway.registry.url's pragmas, on this file. */
    public static String url(String file) {
        return "jdbc:sqlite:" + file + "?journal_mode=WAL&synchronous=NORMAL&foreign_keys=true";
    }
}
