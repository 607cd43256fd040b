package org.thingservice.gateway.observe;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;

/** DOWN while the registry database does not answer: no device can be looked up and no request claimed then. */
public final class DatabaseHealthCheck extends ReadinessCheck {

    private static final int VALID_TIMEOUT_SECONDS = 2;
    private final DataSource dataSource;

    public DatabaseHealthCheck(DataSource dataSource) {
        super("gateway", "database");
        this.dataSource = dataSource;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(VALID_TIMEOUT_SECONDS)) {
                builder.up();
            } else {
                builder.message("the registry database did not answer within " + VALID_TIMEOUT_SECONDS + " s").down();
            }
        } catch (SQLException e) {
            builder.message("the registry database is unreachable: " + e.getMessage()).error(e).down();
        }
    }
}
