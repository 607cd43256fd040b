package org.thingservice.gateway.registry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.model.ThingModel;

/**
 * Loads a seed folder into the registry: Alibaba TSL JSON documents (*.json), each a product's default TSL or, with
 * a functionBlockId, one of its custom modules, and devices.csv with the header ProductKey,DeviceName,IotId and, optionally,
 * DeviceSecret (as in Alibaba's batch-registration CSV; a device without one keeps the secret it has, or gets a new
 * one). The folder may be on disk or inside the jar (classpath:registry).
 */
public final class RegistrySeed {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrySeed.class);

    private record SeedTsl(String location, String tsl, boolean module) {
    }

    private RegistrySeed() {
    }

    public static void load(CamelContext context, String location, DeviceRegistry registry) throws IOException {
        String base = location.contains(":") ? location : "file:" + location;
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        List<Resource> products = new ArrayList<>(find(context, base + "/*.json"));
        products.sort(Comparator.comparing(Resource::getLocation));
        List<SeedTsl> documents = new ArrayList<>();
        for (Resource product : products) {
            try (InputStream in = product.getInputStream()) {
                String tsl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                documents.add(new SeedTsl(product.getLocation(), tsl, ThingModel.parse(tsl).functionBlockId() != null));
            } catch (IllegalArgumentException e) {
                throw new IOException("registry seed " + product.getLocation() + ": " + e.getMessage(), e);
            }
        }
        // a custom module needs its product: default TSLs first, whatever the file names
        documents.sort(Comparator.comparing(SeedTsl::module));
        for (SeedTsl document : documents) {
            try {
                registry.putProduct(document.tsl());
            } catch (RuntimeException e) {
                throw new IOException("registry seed " + document.location() + ": " + e.getMessage(), e);
            }
        }
        int devices = 0;
        for (Resource csv : find(context, base + "/devices.csv")) {
            devices += loadDevices(csv, registry);
        }
        LOG.info("Registry seeded from {}: {} TSL documents, {} devices", location, documents.size(), devices);
    }

    private static Collection<Resource> find(CamelContext context, String pattern) throws IOException {
        try {
            return PluginHelper.getPackageScanResourceResolver(context).findResources(pattern);
        } catch (Exception e) {
            throw new IOException("cannot read registry seed " + pattern + ": " + e.getMessage(), e);
        }
    }

    private static int loadDevices(Resource csv, DeviceRegistry registry) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(csv.getInputStream(), StandardCharsets.UTF_8))) {
            String header = reader.readLine();
            List<String> columns = header == null ? List.of() : Arrays.stream(header.split(",")).map(String::trim).toList();
            int pk = columns.indexOf("ProductKey");
            int dn = columns.indexOf("DeviceName");
            int id = columns.indexOf("IotId");
            int secret = columns.indexOf("DeviceSecret");
            if (pk < 0 || dn < 0 || id < 0) {
                throw new IOException(csv.getLocation() + ": the header must name ProductKey,DeviceName,IotId, found: " + header);
            }
            int count = 0;
            int lineNo = 1;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (cells.length != columns.size()) {
                    throw new IOException(csv.getLocation() + " line " + lineNo + ": expected " + columns.size() + " cells, found " + cells.length);
                }
                String deviceSecret = secret < 0 || cells[secret].isBlank() ? null : cells[secret].trim();
                registry.putDevice(new Device(cells[id].trim(), cells[pk].trim(), cells[dn].trim()), deviceSecret);
                count++;
            }
            return count;
        }
    }
}
