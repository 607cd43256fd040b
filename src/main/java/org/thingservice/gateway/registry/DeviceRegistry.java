package org.thingservice.gateway.registry;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.device.DeviceSecrets;
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
 *
 * <p>The storage itself (the SQL) is {@link DeviceStore}; this class is the lookup step, its caches, and the API's
 * errors (NotExistedDevice, DeviceHasBeenDisabled...).
 */
public final class DeviceRegistry {

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

    private final DeviceStore store;
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
        this.store = new DeviceStore(dataSource);
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
        return (iotId != null ? store.deviceByIotId(iotId) : store.deviceByName(productKey, deviceName))
                .orElseThrow(() -> notExisted(iotId, productKey, deviceName));
    }

    private static ApiException notExisted(String iotId, String productKey, String deviceName) {
        return ApiException.business(ErrorCodes.NOT_EXISTED_DEVICE, iotId != null
                ? "The specified device does not exist: no device has IotId " + iotId + "."
                : "The specified device does not exist: product " + productKey + " has no device named " + deviceName + ".");
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
            write(() -> store.putProductTsl(model.productKey(), tslJson));
        } else {
            requireProduct(model.productKey());
            write(() -> store.putModuleTsl(model.productKey(), model.functionBlockId(), tslJson));
        }
        return model.productKey();
    }

    /** Adds or replaces a device (keyed by IotId), as the seed does; a new one gets a new DeviceSecret, one there keeps its own. */
    public void putDevice(Device device) {
        putDevice(device, null);
    }

    /** Adds or replaces a device with this DeviceSecret (null: as putDevice(device)). */
    public void putDevice(Device device, String secret) {
        write(() -> store.putDevice(device, secret, DeviceSecrets.generate()));
    }

    /** The device's identity (its DeviceSecret) and presence, always read from the database; or NotExistedDevice. */
    public DeviceIdentity identity(String iotId, String productKey, String deviceName) {
        return store.identity(iotId, productKey, deviceName).orElseThrow(() -> notExisted(iotId, productKey, deviceName));
    }

    /** The device a client logs in as, if there is one: read from the database at every login, never remembered. */
    public Optional<DeviceIdentity> login(String productKey, String deviceName) {
        return store.identity(null, productKey, deviceName);
    }

    /** Gives every device without a DeviceSecret (kept from before there were secrets) a new one; returns how many. */
    public int giveMissingSecrets() {
        List<String> without = store.devicesWithoutSecret();
        without.forEach(iotId -> store.giveSecret(iotId, DeviceSecrets.generate()));
        return without.size();
    }

    /** The embedded broker saw the device connect or disconnect (at, epoch ms). Not a change of the device: no cache is cleared. */
    public void presence(String productKey, String deviceName, boolean online, long at) {
        store.presence(productKey, deviceName, online, at);
    }

    /** The embedded broker starts (at, epoch ms): no device is connected to it yet. */
    public void allOffline(long at) {
        store.allOffline(at);
    }

    /** RegisterDevice: a new, enabled device of an existing product with a new DeviceSecret; the IotId is generated unless given. */
    public Device register(String productKey, String deviceName, String iotId) {
        requireProduct(productKey);
        Device device = new Device(iotId != null ? iotId : UUID.randomUUID().toString().replace("-", "").substring(0, 20),
                productKey, deviceName);
        if (store.deviceByName(productKey, deviceName).isPresent() || store.deviceByIotId(device.iotId()).isPresent()) {
            throw alreadyExisted(device);
        }
        boolean[] inserted = new boolean[1];
        String secret = DeviceSecrets.generate();
        write(() -> inserted[0] = store.insertDevice(device, secret));
        if (!inserted[0]) {
            throw alreadyExisted(device); // registered at the same moment by another call
        }
        return device;
    }

    public void delete(Device device) {
        write(() -> store.deleteDevice(device));
    }

    /** DisableThing / EnableThing. */
    public void enable(Device device, boolean enabled) {
        write(() -> store.enableDevice(device, enabled));
    }

    /** A page of products (QueryProductList): product key and number of devices, in product-key order. */
    public List<Map.Entry<String, Integer>> products(int offset, int limit) {
        return store.products(offset, limit);
    }

    public int productCount() {
        return store.productCount();
    }

    /** A page of the product's devices (QueryDevice), in device-name order; the product must exist. */
    public List<DeviceIdentity> devices(String productKey, int offset, int limit) {
        requireProduct(productKey);
        return store.identities(productKey, offset, limit);
    }

    public int deviceCount(String productKey) {
        return store.deviceCount(productKey);
    }

    /** The TSL text of the product's default thing model, or of one of its custom modules (functionBlockId not null). */
    public String thingModelTsl(String productKey, String functionBlockId) {
        requireProduct(productKey);
        if (functionBlockId == null) {
            return store.productTsl(productKey).orElseThrow(() -> ApiException.business(ErrorCodes.NOT_EXISTED_PRODUCT,
                    "Product " + productKey + " does not exist."));
        }
        String module = store.moduleTsls(productKey).get(functionBlockId);
        if (module == null) {
            throw ApiException.business(ErrorCodes.INVALID_FORMATTED_PARAMETER, "Product " + productKey
                    + " has no custom module " + functionBlockId + " (FunctionBlockId).");
        }
        return module;
    }

    public void requireProduct(String productKey) {
        if (!store.productExists(productKey)) {
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
            String tsl = store.productTsl(productKey)
                    .orElseThrow(() -> ApiException.business(ErrorCodes.NOT_EXISTED_PRODUCT, "Product " + productKey + " does not exist."));
            Map<String, ThingModel> modules = new HashMap<>();
            store.moduleTsls(productKey).forEach((functionBlockId, moduleTsl) -> modules.put(functionBlockId, ThingModel.parse(moduleTsl)));
            cached = new CachedModel(version, new ProductModel(ThingModel.parse(tsl), modules));
            models.put(productKey, cached);
        }
        return cached.model();
    }

    /** A write to the database; after it (committed or not, auto-commit), remembered devices may be out of date. */
    private void write(Runnable write) {
        try {
            write.run();
        } finally {
            generation.incrementAndGet();
            devices.clear();
        }
    }

    /** The database failed; the caller gets iot.system.SystemException. */
    public static final class RegistryException extends RuntimeException {
        RegistryException(SQLException cause) {
            super("device registry database error: " + cause.getMessage(), cause);
        }
    }
}
