package org.thingservice.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.support.MigratedDatabase;
import org.thingservice.gateway.support.Postgres;

/** The pages QueryProductList and QueryDevice read, and the TSL GetThingModelTsl answers, on SQLite and PostgreSQL. */
class RegistryPagesTest {

    private static final String TSL = "{\"profile\":{\"version\":\"1.0\",\"productKey\":\"%s\"},\"services\":[]}";
    private static final String MODULE = "{\"profile\":{\"version\":\"1.0\",\"productKey\":\"a1Second0001\"},\"functionBlockId\":\"door\",\"services\":[]}";

    @Test
    void onSqlite() {
        pagesAndModels(MigratedDatabase.create());
    }

    @Test
    void onPostgres() throws Exception {
        try (Postgres postgres = Postgres.launch()) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(postgres.jdbcUrl());
            dataSource.setUser(Postgres.USER);
            Flyway.configure().dataSource(dataSource).load().migrate();
            pagesAndModels(dataSource);
        }
    }

    private static void pagesAndModels(DataSource dataSource) {
        DeviceRegistry registry = new DeviceRegistry(dataSource);
        registry.putProduct(TSL.formatted("a1Second0001"));
        registry.putProduct(TSL.formatted("a1First00001"));
        registry.putProduct(MODULE);
        for (String name : List.of("c-3", "a-1", "b-2")) {
            registry.putDevice(new Device("IotId" + name, "a1Second0001", name));
        }

        assertThat(registry.productCount()).isEqualTo(2);
        assertThat(registry.products(0, 1)).containsExactly(Map.entry("a1First00001", 0));
        assertThat(registry.products(1, 5)).containsExactly(Map.entry("a1Second0001", 3));
        assertThat(registry.products(2, 5)).isEmpty();

        assertThat(registry.deviceCount("a1Second0001")).isEqualTo(3);
        assertThat(registry.devices("a1Second0001", 0, 2)).extracting(identity -> identity.device().deviceName()).containsExactly("a-1", "b-2");
        assertThat(registry.devices("a1Second0001", 2, 2)).extracting(identity -> identity.device().deviceName()).containsExactly("c-3");
        assertThat(registry.devices("a1First00001", 0, 2)).isEmpty();
        assertThatThrownBy(() -> registry.devices("a1NoSuchProd", 0, 2)).isInstanceOf(ApiException.class).hasMessageContaining("does not exist");

        assertThat(registry.thingModelTsl("a1First00001", null)).isEqualTo(TSL.formatted("a1First00001"));
        assertThat(registry.thingModelTsl("a1Second0001", "door")).isEqualTo(MODULE);
        assertThatThrownBy(() -> registry.thingModelTsl("a1Second0001", "window")).isInstanceOf(ApiException.class).hasMessageContaining("window");
    }
}
