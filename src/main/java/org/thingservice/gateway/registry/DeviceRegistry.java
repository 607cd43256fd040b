package org.thingservice.gateway.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.thingservice.gateway.invoke.ApiException;
import org.thingservice.gateway.invoke.ErrorCodes;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.InvokeRequest;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.model.ThingModel;
import org.thingservice.gateway.model.ThingService;

/**
 * Knows the devices and their products' thing models, kept in a database so several gateway instances share them.
 * Parsed thing models are cached per product and reloaded when the product's version changes.
 *
 * <p>A device found in the database (with its product's version) may be remembered for a short while (cacheMillis),
 * so that a busy device costs one query per period rather than one per call. A change made through this instance
 * (putProduct, putDevice) forgets every remembered device at once; a change made by another instance sharing the
 * database is seen after at most cacheMillis. Devices that were not found are never remembered.
 */
public final class DeviceRegistry {

    private static final String DEVICE_COLUMNS =
            "SELECT d.iot_id, d.product_key, d.device_name, p.version FROM device d JOIN product p ON p.product_key = d.product_key ";

    private record CachedModel(long version, ThingModel model) {
    }

    private record DeviceRow(Device device, long productVersion) {
    }

    private record CachedDevice(DeviceRow row, long loadedNanos) {
    }

    /** more remembered devices than this and all are forgotten: a bound, not an eviction policy */
    private static final int MAX_CACHED_DEVICES = 10_000;

    private final DataSource dataSource;
    private final long cacheNanos;
    private final Map<String, CachedModel> models = new ConcurrentHashMap<>();
    private final Map<String, CachedDevice> devices = new ConcurrentHashMap<>();

    /** A registry that reads the database on every lookup. */
    public DeviceRegistry(DataSource dataSource) {
        this(dataSource, 0);
    }

    /** A registry that remembers a device found in the database for cacheMillis (0: never). */
    public DeviceRegistry(DataSource dataSource, long cacheMillis) {
        this.dataSource = dataSource;
        this.cacheNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, cacheMillis));
    }

    /** The enrich step: finds the device (IotId wins over ProductKey+DeviceName) and the service it is asked for. */
    public void lookup(Invocation invocation) {
        InvokeRequest request = invocation.request();
        DeviceRow row = device(request)
                .orElseThrow(() -> ApiException.business(ErrorCodes.NOT_EXISTED_DEVICE, request.iotId() != null
                        ? "The specified device does not exist: no device has IotId " + request.iotId() + "."
                        : "The specified device does not exist: product " + request.productKey()
                                + " has no device named " + request.deviceName() + "."));
        Device device = row.device();
        ThingService service = model(device.productKey(), row.productVersion()).service(request.identifier())
                .orElseThrow(() -> ApiException.business(ErrorCodes.INVOKE_FAILED,
                        "The thing model of product " + device.productKey() + " defines no service \""
                                + request.identifier() + "\"; check the Identifier."));
        invocation.device(device);
        invocation.service(service);
    }

    /** The device row (with its product's version), remembered for up to cacheNanos once found. */
    private Optional<DeviceRow> device(InvokeRequest request) {
        String key = request.iotId() != null ? "i:" + request.iotId() : "n:" + request.productKey() + "/" + request.deviceName();
        long now = System.nanoTime();
        if (cacheNanos > 0) {
            CachedDevice cached = devices.get(key);
            if (cached != null && now - cached.loadedNanos() < cacheNanos) {
                return Optional.of(cached.row());
            }
        }
        Optional<DeviceRow> row = request.iotId() != null
                ? query(DEVICE_COLUMNS + "WHERE d.iot_id = ?", request.iotId())
                : query(DEVICE_COLUMNS + "WHERE d.product_key = ? AND d.device_name = ?", request.productKey(), request.deviceName());
        if (cacheNanos > 0 && row.isPresent()) {
            if (devices.size() >= MAX_CACHED_DEVICES) {
                devices.clear();
            }
            devices.put(key, new CachedDevice(row.get(), now));
        }
        return row;
    }

    /** Adds or replaces a product from its TSL document; returns its product key. */
    public String putProduct(String tslJson) {
        ThingModel model = ThingModel.parse(tslJson);
        upsert("UPDATE product SET tsl = ?, version = version + 1 WHERE product_key = ?",
                "INSERT INTO product (tsl, product_key, version) VALUES (?, ?, 1)", tslJson, model.productKey());
        devices.clear(); // remembered rows carry the old product version
        return model.productKey();
    }

    /** Adds or replaces a device (keyed by IotId). */
    public void putDevice(Device device) {
        upsert("UPDATE device SET product_key = ?, device_name = ? WHERE iot_id = ?",
                "INSERT INTO device (product_key, device_name, iot_id) VALUES (?, ?, ?)",
                device.productKey(), device.deviceName(), device.iotId());
        devices.clear();
    }

    private ThingModel model(String productKey, long version) {
        CachedModel cached = models.get(productKey);
        if (cached == null || cached.version() != version) {
            String tsl = queryString("SELECT tsl FROM product WHERE product_key = ?", productKey)
                    .orElseThrow(() -> ApiException.business(ErrorCodes.NOT_EXISTED_PRODUCT, "Product " + productKey + " does not exist."));
            cached = new CachedModel(version, ThingModel.parse(tsl));
            models.put(productKey, cached);
        }
        return cached.model();
    }

    private Optional<DeviceRow> query(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new DeviceRow(new Device(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getLong(4)));
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
    }

    private Optional<String> queryString(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
    }

    /** Portable between H2 and PostgreSQL: update, and insert when nothing was there to update. */
    private void upsert(String updateSql, String insertSql, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = prepare(c, updateSql, params)) {
                if (ps.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement ps = prepare(c, insertSql, params)) {
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }

    /** The database failed; the caller gets iot.system.SystemException. */
    public static final class RegistryException extends RuntimeException {
        RegistryException(SQLException cause) {
            super("device registry database error: " + cause.getMessage(), cause);
        }
    }
}
