package org.thingservice.gateway.registry;

import java.sql.SQLException;

/** What a failed statement means, the same for each database the gateway runs on. */
public final class SqlErrors {

    /** SQLite reports every constraint violation with this result code and no SQLState. */
    private static final int SQLITE_CONSTRAINT = 19;

    private SqlErrors() {
    }

    /**
     * Whether an INSERT failed because its key is already there: SQLState class 23 (PostgreSQL, H2), or SQLite's
     * SQLITE_CONSTRAINT (its extended codes keep 19 in the low byte).
     */
    public static boolean isDuplicateKey(SQLException e) {
        if (e.getSQLState() != null) {
            return e.getSQLState().startsWith("23");
        }
        return (e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT;
    }
}
