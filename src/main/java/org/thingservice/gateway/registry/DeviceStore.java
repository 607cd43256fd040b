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

    /**
     * Adds or replaces a device, keyed by IotId, with this DeviceSecret; a device already there keeps its own secret
     * when secret is null, a new one gets newSecret.
     */
    void putDevice(Device device, String secret, String newSecret) {
        if (secret != null) {
            upsert("UPDATE device SET device_secret = ?, product_key = ?, device_name = ? WHERE iot_id = ?",
                    "INSERT INTO device (device_secret, product_key, device_name, iot_id) VALUES (?, ?, ?, ?)",
                    secret, device.productKey(), device.deviceName(), device.iotId());
        } else {
            call(() -> jdbc.withConnection(on -> on.update("UPDATE device SET product_key = ?, device_name = ? WHERE iot_id = ?",
                    device.productKey(), device.deviceName(), device.iotId()) > 0 ? 1
                    : on.update("INSERT INTO device (device_secret, product_key, device_name, iot_id) VALUES (?, ?, ?, ?)",
                            newSecret, device.productKey(), device.deviceName(), device.iotId())));
        }
    }

    /** Adds a new, enabled device with its DeviceSecret; false when its IotId or its name in the product is taken. */
    boolean insertDevice(Device device, String secret) {
        return call(() -> jdbc.insertUnlessDuplicate("INSERT INTO device (device_secret, product_key, device_name, iot_id) VALUES (?, ?, ?, ?)",
                secret, device.productKey(), device.deviceName(), device.iotId()));
    }

    /** The device's identity and presence, by IotId (when not null) or by ProductKey and DeviceName. */
    Optional<DeviceIdentity> identity(String iotId, String productKey, String deviceName) {
        String sql = "SELECT iot_id, product_key, device_name, enabled, device_secret, status, status_at, online_at FROM device WHERE ";
        DeviceStore.Call<Optional<DeviceIdentity>> query = iotId != null
                ? () -> jdbc.queryOne(sql + "iot_id = ?", DeviceStore::identity, iotId)
                : () -> jdbc.queryOne(sql + "product_key = ? AND device_name = ?", DeviceStore::identity, productKey, deviceName);
        return call(query);
    }

    private static DeviceIdentity identity(java.sql.ResultSet rs) throws SQLException {
        long statusAt = rs.getLong(7);
        Long changed = rs.wasNull() ? null : statusAt;
        long onlineAt = rs.getLong(8);
        return new DeviceIdentity(new Device(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getBoolean(4), rs.getString(5),
                rs.getString(6), changed, rs.wasNull() ? null : onlineAt);
    }

    /** One page of products in product-key order: each product key with its number of devices. */
    List<Map.Entry<String, Integer>> products(int offset, int limit) {
        return call(() -> jdbc.queryAll("SELECT p.product_key, (SELECT COUNT(*) FROM device d WHERE d.product_key = p.product_key) "
                + "FROM product p ORDER BY p.product_key LIMIT ? OFFSET ?",
                rs -> Map.entry(rs.getString(1), rs.getInt(2)), limit, offset));
    }

    int productCount() {
        return call(() -> jdbc.queryOne("SELECT COUNT(*) FROM product", rs -> rs.getInt(1))).orElse(0);
    }

    /** One page of a product's devices in device-name order, with their identity and presence. */
    List<DeviceIdentity> identities(String productKey, int offset, int limit) {
        return call(() -> jdbc.queryAll("SELECT iot_id, product_key, device_name, enabled, device_secret, status, status_at, online_at "
                + "FROM device WHERE product_key = ? ORDER BY device_name LIMIT ? OFFSET ?", DeviceStore::identity, productKey, limit, offset));
    }

    int deviceCount(String productKey) {
        return call(() -> jdbc.queryOne("SELECT COUNT(*) FROM device WHERE product_key = ?", rs -> rs.getInt(1), productKey)).orElse(0);
    }

    /** The IotIds of the devices without a DeviceSecret (rows from before there were secrets). */
    List<String> devicesWithoutSecret() {
        return call(() -> jdbc.queryAll("SELECT iot_id FROM device WHERE device_secret IS NULL", rs -> rs.getString(1)));
    }

    /** Gives a device without a secret this one (a device given one meanwhile keeps its own). */
    void giveSecret(String iotId, String secret) {
        update("UPDATE device SET device_secret = ? WHERE iot_id = ? AND device_secret IS NULL", secret, iotId);
    }

    /** The device connected (ONLINE, online at this epoch ms) or disconnected (OFFLINE) at this epoch ms. */
    void presence(String productKey, String deviceName, boolean online, long at) {
        if (online) {
            update("UPDATE device SET status = 'ONLINE', status_at = ?, online_at = ? WHERE product_key = ? AND device_name = ?",
                    at, at, productKey, deviceName);
        } else {
            update("UPDATE device SET status = 'OFFLINE', status_at = ? WHERE product_key = ? AND device_name = ?", at, productKey, deviceName);
        }
    }

    /** Every device said ONLINE is OFFLINE since at (epoch ms): a broker that starts has no device connected yet. */
    void allOffline(long at) {
        update("UPDATE device SET status = 'OFFLINE', status_at = ? WHERE status = 'ONLINE'", at);
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
