package org.thingservice.gateway.registry;

import java.nio.file.Path;
import java.util.Optional;

/** What the JDBC URL of gateway.registry.url means for how the gateway opens its database. */
public final class DatabaseUrl {

    private static final String SQLITE = "jdbc:sqlite:";

    private DatabaseUrl() {
    }

    /**
     * Refuses a database that cannot keep the gateway's promises: H2 lost commits that had returned, and corrupted
     * its index, when the process was killed, so a request could reach its device twice.
     */
    public static void check(String url) {
        if (url.startsWith("jdbc:h2:")) {
            throw new IllegalStateException("gateway.registry.url " + url + " is an H2 database, which this version no longer "
                    + "runs on: H2 loses commits that had returned when the process is killed, and a request could then reach "
                    + "its device twice. Use the embedded SQLite default (unset gateway.registry.url; the earlier default "
                    + "data/registry.mv.db is copied into it at start, see gateway.registry.previous) or PostgreSQL.");
        }
    }

    /** The file of an SQLite URL (jdbc:sqlite:path?pragma=value&...), whose folder must exist before SQLite opens it. */
    public static Optional<Path> sqliteFile(String url) {
        if (!url.startsWith(SQLITE)) {
            return Optional.empty();
        }
        String path = url.substring(SQLITE.length());
        int query = path.indexOf('?');
        path = query >= 0 ? path.substring(0, query) : path;
        if (path.isEmpty() || path.startsWith(":memory:") || path.startsWith("file:")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(path));
    }

    /**
     * How many connections the pool keeps. SQLite takes one writer at a time, and a second writer sleeps in its busy
     * handler (1 ms, then 2, 5, 10 ... 100 ms); one connection makes the calls queue in the pool instead, in order.
     */
    public static int poolSize(String url) {
        return url.startsWith(SQLITE) ? 1 : 10;
    }
}
