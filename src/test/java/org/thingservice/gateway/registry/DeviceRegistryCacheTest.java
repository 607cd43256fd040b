package org.thingservice.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.invoke.ApiException;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.InvokeRequest;
import org.thingservice.gateway.invoke.ResponseFormat;
import org.thingservice.gateway.model.Device;

/** The registry remembers devices for a while, yet sees a product's new thing model when it changes. */
class DeviceRegistryCacheTest {

    private static final String PK = "a1CacheTest";

    private HikariDataSource dataSource;

    @BeforeEach
    void database() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).load().migrate();
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    private static String tsl(String service) {
        return "{\"profile\":{\"productKey\":\"" + PK + "\"},\"services\":[{\"identifier\":\"" + service
                + "\",\"callType\":\"sync\",\"inputData\":[]}]}";
    }

    private static Invocation call(String identifier) {
        return new Invocation(new InvokeRequest("r", null, PK, "dev-1", identifier, "{}", null, false), ResponseFormat.JSON);
    }

    private static Invocation callByIotId(String identifier) {
        return new Invocation(new InvokeRequest("r", "IotIdCache01", null, null, identifier, "{}", null, false), ResponseFormat.JSON);
    }

    private DeviceRegistry registry(long cacheMillis) {
        DeviceRegistry registry = new DeviceRegistry(dataSource, cacheMillis);
        registry.putProduct(tsl("Blink"));
        registry.putDevice(new Device("IotIdCache01", PK, "dev-1"));
        return registry;
    }

    @Test
    void aProductChangedThroughThisRegistryIsSeenAtOnce() {
        DeviceRegistry registry = registry(60_000);
        Invocation first = call("Blink");
        registry.lookup(first);
        assertThat(first.service().identifier()).isEqualTo("Blink");

        registry.putProduct(tsl("Wink"));

        Invocation renamed = call("Wink");
        registry.lookup(renamed);
        assertThat(renamed.service().identifier()).isEqualTo("Wink");
        assertThatThrownBy(() -> registry.lookup(callByIotId("Blink"))).isInstanceOf(ApiException.class).hasMessageContaining("Blink");
    }

    @Test
    void aChangeByAnotherInstanceIsSeenOnceTheCacheTimeHasPassed() throws Exception {
        DeviceRegistry registry = registry(300);
        registry.lookup(call("Blink")); // remembered

        // another gateway instance sharing the database changes the product
        new DeviceRegistry(dataSource).putProduct(tsl("Wink"));

        Thread.sleep(400); // until then this registry may still use the version it remembers
        Invocation renamed = call("Wink");
        registry.lookup(renamed);
        assertThat(renamed.service().identifier()).isEqualTo("Wink");
    }

    @Test
    void withoutACacheEveryLookupReadsTheDatabase() throws Exception {
        DeviceRegistry registry = registry(0);
        registry.lookup(call("Blink"));

        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM device WHERE iot_id = 'IotIdCache01'");
        }

        assertThatThrownBy(() -> registry.lookup(call("Blink"))).isInstanceOf(ApiException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void anUnknownDeviceIsNotRemembered() {
        DeviceRegistry registry = new DeviceRegistry(dataSource, 60_000);
        registry.putProduct(tsl("Blink"));
        assertThatThrownBy(() -> registry.lookup(call("Blink"))).isInstanceOf(ApiException.class);

        // added by another instance: found on the next call, not remembered as missing
        new DeviceRegistry(dataSource).putDevice(new Device("IotIdCache01", PK, "dev-1"));

        Invocation found = call("Blink");
        registry.lookup(found);
        assertThat(found.device().iotId()).isEqualTo("IotIdCache01");
    }
}
