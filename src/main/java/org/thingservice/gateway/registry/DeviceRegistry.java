package org.thingservice.gateway.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.thingservice.gateway.invoke.ApiException;
import org.thingservice.gateway.invoke.ErrorCodes;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.InvokeRequest;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.model.ProductModel;
import org.thingservice.gateway.model.ThingModel;
import org.thingservice.gateway.model.ThingService;

/**
 * Knows the devices and their products' thing models, kept in a database so several gateway instances share them.
 * Parsed thing models are cached per product and reloaded when the product's version changes (any change to its
 * default TSL or to one of its modules raises it).
 *
 * <p>The invoke pipeline's lookup may remember a device it found (with its product's version and whether it is
 * enabled) for a short while (cacheMillis), so that a busy device costs one query per period rather than one per
 * call. Every change written through this registry forgets all remembered devices, so this instance sees its own
 * changes on the next call; a change written by another instance sharing the database is seen after at most
 * cacheMillis. Devices that were not found are never remembered, and device management always reads the database.
 */
public final class DeviceRegistry {

    private static final String DEVICE_COLUMNS = "SELECT d.iot_id, d.product_key, d.device_name, d.enabled, p.version "
            + "FROM device d JOIN product p ON p.product_key = d.product_key ";

    private record CachedModel(long version, ProductModel model) {
    }

    /** A device as stored: whether it is enabled, and the version of its product's thing model. */
    public record Entry(Device device, boolean enabled, long productVersion) {
    }

    /** how a call names its device: by IotId, or (iotId null) by ProductKey and DeviceName */
    private record DeviceKey(String iotId, String productKey, String deviceName) {
    }

    /** a device found at loadedNanos, while the registry's writes were at generation */
    private record CachedEntry(Entry entry, long loadedNanos, long generation) {
    }

    /** more remembered devices than this and all are forgotten: a bound on memory, not an eviction policy */
    private static final int MAX_CACHED_DEVICES = 10_000;

    private final DataSource dataSource;
    private final long cacheNanos;
    private final Map<String, CachedModel> models = new ConcurrentHashMap<>();
    private final Map<DeviceKey, CachedEntry> devices = new ConcurrentHashMap<>();
    /**
     * raised after every write: a device read before a write and remembered after it (a lookup racing with the
     * write) carries the older generation, and is not used
     */
    private final AtomicLong generation = new AtomicLong();

    /** A registry that reads the database on every lookup. */
    public DeviceRegistry(DataSource dataSource) {
        this(dataSource, 0);
    }

    /** A registry whose lookup remembers a device found in the database for cacheMillis (0: never). */
    public DeviceRegistry(DataSource dataSource, long cacheMillis) {
        this.dataSource = dataSource;
        this.cacheNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, cacheMillis));
    }

    /** The enrich step: finds the device (IotId wins over ProductKey+DeviceName) and the service it is asked for. */
    public void lookup(Invocation invocation) {
        InvokeRequest request = invocation.request();
        Entry entry = remembered(request.iotId(), request.productKey(), request.deviceName());
        Device device = entry.device();
        if (!entry.enabled()) {
            throw ApiException.business(ErrorCodes.DEVICE_DISABLED, "The device " + device.productKey() + "/" + device.deviceName()
                    + " has been disabled (DisableThing); nothing was sent to it. Enable it with EnableThing.");
        }
        ThingService service = model(device.productKey(), entry.productVersion()).service(request.identifier())
                .orElseThrow(() -> ApiException.business(ErrorCodes.INVOKE_FAILED,
                        "The thing model of product " + device.productKey() + " defines no service \""
                                + request.identifier() + "\"; check the Identifier."));
        invocation.device(device);
        invocation.service(service);
    }

    /** The device named by IotId (which wins) or ProductKey+DeviceName, or iot.device.NotExistedDevice. */
    public Entry require(String iotId, String productKey, String deviceName) {
        return (iotId != null
                ? query(DEVICE_COLUMNS + "WHERE d.iot_id = ?", iotId)
                : query(DEVICE_COLUMNS + "WHERE d.product_key = ? AND d.device_name = ?", productKey, deviceName))
                .orElseThrow(() -> ApiException.business(ErrorCodes.NOT_EXISTED_DEVICE, iotId != null
                        ? "The specified device does not exist: no device has IotId " + iotId + "."
                        : "The specified device does not exist: product " + productKey + " has no device named " + deviceName + "."));
    }

    /** require, through the devices remembered for up to cacheNanos. */
    private Entry remembered(String iotId, String productKey, String deviceName) {
        if (cacheNanos == 0) {
            return require(iotId, productKey, deviceName);
        }
        DeviceKey key = iotId != null ? new DeviceKey(iotId, null, null) : new DeviceKey(null, productKey, deviceName);
        long now = System.nanoTime();
        long current = generation.get();
        CachedEntry cached = devices.get(key);
        if (cached != null && cached.generation() == current && now - cached.loadedNanos() < cacheNanos) {
            return cached.entry();
        }
        Entry entry = require(iotId, productKey, deviceName);
        if (devices.size() >= MAX_CACHED_DEVICES) {
            devices.clear();
        }
        devices.put(key, new CachedEntry(entry, now, current));
        return entry;
    }

    /**
     * Adds or replaces a TSL document: the product's default TSL, or, with a functionBlockId, one of its custom
     * modules (the product must exist). Returns its product key.
     */
    public String putProduct(String tslJson) {
        ThingModel model = ThingModel.parse(tslJson);
        if (model.functionBlockId() == null) {
            upsert("UPDATE product SET tsl = ?, version = version + 1 WHERE product_key = ?",
                    "INSERT INTO product (tsl, product_key, version) VALUES (?, ?, 1)", tslJson, model.productKey());
            return model.productKey();
        }
        requireProduct(model.productKey());
        upsert("UPDATE product_module SET tsl = ? WHERE product_key = ? AND function_block_id = ?",
                "INSERT INTO product_module (tsl, product_key, function_block_id) VALUES (?, ?, ?)",
                tslJson, model.productKey(), model.functionBlockId());
        // after the module is written: whoever reads the new version also reads the new module
        update("UPDATE product SET version = version + 1 WHERE product_key = ?", model.productKey());
        return model.productKey();
    }

    /** Adds or replaces a device (keyed by IotId), as the seed does. */
    public void putDevice(Device device) {
        upsert("UPDATE device SET product_key = ?, device_name = ? WHERE iot_id = ?",
                "INSERT INTO device (product_key, device_name, iot_id) VALUES (?, ?, ?)",
                device.productKey(), device.deviceName(), device.iotId());
    }

    /** RegisterDevice: a new, enabled device of an existing product; the IotId is generated unless given. */
    public Device register(String productKey, String deviceName, String iotId) {
        requireProduct(productKey);
        Device device = new Device(iotId != null ? iotId : UUID.randomUUID().toString().replace("-", "").substring(0, 20),
                productKey, deviceName);
        if (query(DEVICE_COLUMNS + "WHERE d.product_key = ? AND d.device_name = ?", productKey, deviceName).isPresent()
                || query(DEVICE_COLUMNS + "WHERE d.iot_id = ?", device.iotId()).isPresent()) {
            throw alreadyExisted(device);
        }
        try {
            update("INSERT INTO device (product_key, device_name, iot_id) VALUES (?, ?, ?)",
                    device.productKey(), device.deviceName(), device.iotId());
        } catch (RegistryException e) {
            if (e.getCause() instanceof SQLException sql && SqlErrors.isDuplicateKey(sql)) {
                throw alreadyExisted(device); // registered at the same moment by another call
            }
            throw e;
        }
        return device;
    }

    public void delete(Device device) {
        update("DELETE FROM device WHERE iot_id = ?", device.iotId());
    }

    /** DisableThing / EnableThing. */
    public void enable(Device device, boolean enabled) {
        update("UPDATE device SET enabled = ? WHERE iot_id = ?", enabled, device.iotId());
    }

    public void requireProduct(String productKey) {
        if (queryString("SELECT product_key FROM product WHERE product_key = ?", productKey).isEmpty()) {
            throw ApiException.business(ErrorCodes.NOT_EXISTED_PRODUCT, "Product " + productKey
                    + " does not exist; import its thing model first (ImportThingModelTsl without FunctionBlockId).");
        }
    }

    private static ApiException alreadyExisted(Device device) {
        return ApiException.business(ErrorCodes.ALREADY_EXISTED_DEVICE_NAME, "A device named " + device.deviceName()
                + " already exists in product " + device.productKey() + ", or IotId " + device.iotId() + " is taken.");
    }

    private ProductModel model(String productKey, long version) {
        CachedModel cached = models.get(productKey);
        if (cached == null || cached.version() != version) {
            String tsl = queryString("SELECT tsl FROM product WHERE product_key = ?", productKey)
                    .orElseThrow(() -> ApiException.business(ErrorCodes.NOT_EXISTED_PRODUCT, "Product " + productKey + " does not exist."));
            cached = new CachedModel(version, new ProductModel(ThingModel.parse(tsl), modules(productKey)));
            models.put(productKey, cached);
        }
        return cached.model();
    }

    private Map<String, ThingModel> modules(String productKey) {
        Map<String, ThingModel> modules = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = prepare(c, "SELECT function_block_id, tsl FROM product_module WHERE product_key = ?", productKey);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                modules.put(rs.getString(1), ThingModel.parse(rs.getString(2)));
            }
            return modules;
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
    }

    private Optional<Entry> query(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Entry(new Device(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getBoolean(4), rs.getLong(5)));
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

    private void update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params)) {
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RegistryException(e);
        } finally {
            written();
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
        } finally {
            written();
        }
    }

    /** After every write (committed or not, auto-commit): remembered devices may be out of date. */
    private void written() {
        generation.incrementAndGet();
        devices.clear();
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
