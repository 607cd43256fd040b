package org.thingservice.gateway.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
 */
public final class DeviceRegistry {

    private static final String DEVICE_COLUMNS =
            "SELECT d.iot_id, d.product_key, d.device_name, p.version FROM device d JOIN product p ON p.product_key = d.product_key ";

    private record CachedModel(long version, ThingModel model) {
    }

    private record DeviceRow(Device device, long productVersion) {
    }

    private final DataSource dataSource;
    private final Map<String, CachedModel> models = new ConcurrentHashMap<>();

    public DeviceRegistry(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The enrich step: finds the device (IotId wins over ProductKey+DeviceName) and the service it is asked for. */
    public void lookup(Invocation invocation) {
        InvokeRequest request = invocation.request();
        DeviceRow row = (request.iotId() != null
                ? query(DEVICE_COLUMNS + "WHERE d.iot_id = ?", request.iotId())
                : query(DEVICE_COLUMNS + "WHERE d.product_key = ? AND d.device_name = ?", request.productKey(), request.deviceName()))
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

    /** Adds or replaces a product from its TSL document; returns its product key. */
    public String putProduct(String tslJson) {
        ThingModel model = ThingModel.parse(tslJson);
        upsert("UPDATE product SET tsl = ?, version = version + 1 WHERE product_key = ?",
                "INSERT INTO product (tsl, product_key, version) VALUES (?, ?, 1)", tslJson, model.productKey());
        return model.productKey();
    }

    /** Adds or replaces a device (keyed by IotId). */
    public void putDevice(Device device) {
        upsert("UPDATE device SET product_key = ?, device_name = ? WHERE iot_id = ?",
                "INSERT INTO device (product_key, device_name, iot_id) VALUES (?, ?, ?)",
                device.productKey(), device.deviceName(), device.iotId());
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
