package org.thingservice.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Settings given as environment variables (upper case, every other character than a letter or digit as _:
 * camel.server.port -> CAMEL_SERVER_PORT), turned into the settings they name before Camel starts.
 * <p>
 * Camel reads some variables itself, but not all: it skips every variable ending in _PORT (taking it for a
 * Kubernetes service link), so CAMEL_SERVER_PORT was ignored while camel.management.port, a placeholder resolved
 * from the variable, moved; and a CAMEL_COMPONENT_* variable did not reach its component (the Kafka brokers). Here a
 * variable names a setting when it is the variable of a declared setting (a key of the packaged or the working
 * directory's application.properties), or of an option of a component, data format or language Camel knows
 * (CAMEL_COMPONENT_KAFKA_BROKERS -> camel.component.kafka.brokers, CAMEL_COMPONENT_PAHO_MQTT5_QOS ->
 * camel.component.paho-mqtt5.qos). A -D setting of the same key wins over the variable, as before.
 */
public final class EnvironmentSettings {

    /** The groups of Camel options whose second part is a name from Camel's catalog (components.properties, ...). */
    private static final Map<String, String> NAMED_GROUPS = Map.of(
            "component", "components.properties",
            "dataformat", "dataformats.properties",
            "language", "languages.properties");

    private EnvironmentSettings() {
    }

    /**
     * The settings the variables name, key to value.
     *
     * @param environment the variables
     * @param declared the keys of the declared settings
     * @param catalog for each group of NAMED_GROUPS, the names Camel knows (kafka, paho-mqtt5, ...)
     */
    public static Map<String, String> fromVariables(Map<String, String> environment, Collection<String> declared,
            Map<String, ? extends Collection<String>> catalog) {
        Map<String, String> keysByVariable = new TreeMap<>();
        declared.forEach(key -> keysByVariable.put(variable(key), key));
        Map<String, String> settings = new TreeMap<>();
        environment.forEach((name, value) -> {
            String key = keysByVariable.get(name);
            if (key == null) {
                key = catalogOption(name, catalog);
            }
            if (key != null) {
                settings.put(key, value);
            }
        });
        return settings;
    }

    /** camel.server.port -> CAMEL_SERVER_PORT, gateway.mqtt.max-inflight -> GATEWAY_MQTT_MAX_INFLIGHT. */
    public static String variable(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * CAMEL_COMPONENT_PAHO_MQTT5_MAX_RECONNECT_DELAY -> camel.component.paho-mqtt5.max-reconnect-delay: the longest
     * name of the group that the rest of the variable starts with, then the option with dashes (Camel binds
     * max-reconnect-delay to maxReconnectDelay). Null when the variable names no option of a known name.
     */
    static String catalogOption(String variable, Map<String, ? extends Collection<String>> catalog) {
        for (Map.Entry<String, ? extends Collection<String>> group : catalog.entrySet()) {
            String prefix = "CAMEL_" + group.getKey().toUpperCase(Locale.ROOT) + "_";
            if (!variable.startsWith(prefix)) {
                continue;
            }
            String rest = variable.substring(prefix.length());
            String name = group.getValue().stream()
                    .filter(n -> rest.startsWith(variable(n) + "_") && rest.length() > variable(n).length() + 1)
                    .max(Comparator.comparingInt(String::length)).orElse(null);
            if (name != null) {
                String option = rest.substring(variable(name).length() + 1).toLowerCase(Locale.ROOT).replace('_', '-');
                return "camel." + group.getKey() + "." + name + "." + option;
            }
        }
        return null;
    }

    /**
     * Sets each setting the process's variables name as a system property, unless -D set it already: Camel and the
     * gateway read system properties before files, for every key.
     *
     * @return the keys set, for the log
     */
    public static List<String> apply(Map<String, String> environment, Path workingDirectoryProperties) throws IOException {
        Set<String> declared = new TreeSet<>();
        try (InputStream packaged = EnvironmentSettings.class.getResourceAsStream("/application.properties")) {
            if (packaged != null) {
                declared.addAll(keys(new InputStreamReader(packaged, StandardCharsets.UTF_8)));
            }
        }
        if (Files.isRegularFile(workingDirectoryProperties)) {
            try (Reader reader = Files.newBufferedReader(workingDirectoryProperties, StandardCharsets.UTF_8)) {
                declared.addAll(keys(reader));
            }
        }
        Map<String, Collection<String>> catalog = new TreeMap<>();
        for (Map.Entry<String, String> group : NAMED_GROUPS.entrySet()) {
            catalog.put(group.getKey(), catalogNames(group.getValue()));
        }
        List<String> set = new ArrayList<>();
        fromVariables(environment, declared, catalog).forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
                set.add(key);
            }
        });
        return set;
    }

    private static Set<String> keys(Reader reader) throws IOException {
        Properties properties = new Properties();
        properties.load(reader);
        return properties.stringPropertyNames();
    }

    /** The names in one of camel-main's catalog lists (one a line); none when camel-main does not ship it. */
    private static Set<String> catalogNames(String resource) throws IOException {
        Set<String> names = new TreeSet<>();
        try (InputStream in = org.apache.camel.main.Main.class.getResourceAsStream("/org/apache/camel/main/" + resource)) {
            if (in == null) {
                return names;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.trim());
                }
            }
        }
        return names;
    }
}
