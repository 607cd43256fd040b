package org.thingservice.gateway.registry;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.registry.DeviceRegistry.Entry;
import org.thingservice.gateway.registry.DeviceRegistry.RegistryException;

/**
 * The registry's storage: devices, products and their thing models (TSL text) in the tables device, product and
 * product_module. Every method is one statement on a connection of its own, or a few on one connection; a database
 * failure is a {@link RegistryException}. Knows nothing of caching nor of the API's errors (DeviceRegistry).
 */
final class DeviceStore {

    private static final String DEVICE_COLUMNS = "SELECT d.iot_id, d.product_key, d.device_name, d.enabled, p.version "
            + "FROM device d JOIN product p ON p.product_key = d.product_key ";

    /** the SQL of a call to the database, which may fail */
    @FunctionalInterface
    private interface Call<T> {
        T run() throws SQLException;
    }

    private final Jdbc jdbc;

    DeviceStore(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    Optional<Entry> deviceByIotId(String iotId) {
        return device("WHERE d.iot_id = ?", iotId);
    }

    Optional<Entry> deviceByName(String productKey, String deviceName) {
        return device("WHERE d.product_key = ? AND d.device_name = ?", productKey, deviceName);
    }

    private Optional<Entry> device(String where, Object... params) {
        return call(() -> jdbc.queryOne(DEVICE_COLUMNS + where, rs -> new Entry(
                new Device(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getBoolean(4), rs.getLong(5)), params));
    }

    boolean productExists(String productKey) {
        return call(() -> jdbc.queryOne("SELECT product_key FROM product WHERE product_key = ?", rs -> true, productKey)).isPresent();
    }

    /** The product's default TSL. */
    Optional<String> productTsl(String productKey) {
        return call(() -> jdbc.queryOne("SELECT tsl FROM product WHERE product_key = ?", rs -> rs.getString(1), productKey));
    }

    /** The TSL of each of the product's custom modules, by FunctionBlockId. */
    Map<String, String> moduleTsls(String productKey) {
        List<String[]> rows = call(() -> jdbc.queryAll("SELECT function_block_id, tsl FROM product_module WHERE product_key = ?",
                rs -> new String[] {rs.getString(1), rs.getString(2)}, productKey));
        Map<String, String> modules = new LinkedHashMap<>();
        rows.forEach(row -> modules.put(row[0], row[1]));
        return modules;
    }

    /** Adds or replaces the product's default TSL, raising its version. */
    void putProductTsl(String productKey, String tsl) {
        upsert("UPDATE product SET tsl = ?, version = version + 1 WHERE product_key = ?",
                "INSERT INTO product (tsl, product_key, version) VALUES (?, ?, 1)", tsl, productKey);
    }

    /** Adds or replaces a custom module's TSL, then raises its product's version. */
    void putModuleTsl(String productKey, String functionBlockId, String tsl) {
        upsert("UPDATE product_module SET tsl = ? WHERE product_key = ? AND function_block_id = ?",
                "INSERT INTO product_module (tsl, product_key, function_block_id) VALUES (?, ?, ?)",
                tsl, productKey, functionBlockId);
        // after the module is written: whoever reads the new version also reads the new module
        update("UPDATE product SET version = version + 1 WHERE product_key = ?", productKey);
    }

    /** Adds or replaces a device, keyed by IotId. */
    void putDevice(Device device) {
        upsert("UPDATE device SET product_key = ?, device_name = ? WHERE iot_id = ?",
                "INSERT INTO device (product_key, device_name, iot_id) VALUES (?, ?, ?)",
                device.productKey(), device.deviceName(), device.iotId());
    }

    /** Adds a new, enabled device; false when its IotId or its name in the product is taken. */
    boolean insertDevice(Device device) {
        return call(() -> jdbc.insertUnlessDuplicate("INSERT INTO device (product_key, device_name, iot_id) VALUES (?, ?, ?)",
                device.productKey(), device.deviceName(), device.iotId()));
    }

    void deleteDevice(Device device) {
        update("DELETE FROM device WHERE iot_id = ?", device.iotId());
    }

    void enableDevice(Device device, boolean enabled) {
        update("UPDATE device SET enabled = ? WHERE iot_id = ?", enabled, device.iotId());
    }

    private void update(String sql, Object... params) {
        call(() -> jdbc.update(sql, params));
    }

    /** Portable between SQLite and PostgreSQL: update, and insert when nothing was there to update. */
    private void upsert(String updateSql, String insertSql, Object... params) {
        call(() -> jdbc.withConnection(on -> on.update(updateSql, params) > 0 ? 1 : on.update(insertSql, params)));
    }

    private static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
    }
}
