package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every setting the gateway reads is declared in application.properties, with its comment: the keys the Java code
 * names (@PropertyInject, the settings it works out and publishes) and the {{key}} placeholders of the routes.
 */
class DeclaredSettingsTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    /** a whole string literal naming a setting; not one handed to a Micrometer builder, which names a meter */
    private static final Pattern KEY_LITERAL = Pattern.compile("(?<!builder\\(|counter\\()\"((?:gateway|camel)\\.[a-z0-9.-]*[a-z0-9])\"");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^}:]+)(?::[^}]*)?}}");

    private final String file = read(PROJECT.resolve("application.properties"));
    private final Properties declared = properties(file);

    @Test
    void everySettingTheJavaCodeReadsIsDeclared() throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(PROJECT.resolve("src/main/java"))) {
            sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> KEY_LITERAL.matcher(read(p)).results()
                    .forEach(m -> keys.add(m.group(1))));
        }
        assertThat(keys).as("the Java code's settings").contains("gateway.kafka.enabled", "gateway.mqtt.url", "gateway.files.inbox");
        for (String key : keys) {
            if (key.startsWith("gateway.")) {
                assertThat(declared.stringPropertyNames()).as("%s is declared in application.properties", key).contains(key);
            } else {
                // Camel's own: declared, or named in a comment (camel.component.kafka.brokers, which must stay unset)
                assertThat(declared.containsKey(key) || file.contains("# " + key + " = "))
                        .as("%s is declared or named in a comment of application.properties", key).isTrue();
            }
            assertThat(commentAbove(key)).as("the comment above %s", key).isNotBlank();
        }
    }

    @Test
    void everyPlaceholderOfTheRoutesAndSettingsIsDeclared() throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> routes = Files.list(PROJECT.resolve("routes"))) {
            routes.filter(p -> p.toString().endsWith(".yaml")).forEach(p -> PLACEHOLDER.matcher(read(p)).results()
                    .forEach(m -> keys.add(m.group(1).trim())));
        }
        PLACEHOLDER.matcher(file).results().forEach(m -> keys.add(m.group(1).trim()));
        assertThat(keys).as("the routes' placeholders").contains("gateway.kafka.enabled", "gateway.simulator.enabled", "gateway.auth.enabled");
        assertThat(declared.stringPropertyNames()).containsAll(keys);
    }

    /** The comment lines right above a key's line (or above its group of keys without comments of their own). */
    private String commentAbove(String key) {
        String[] lines = file.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].matches("#? ?" + Pattern.quote(key) + "\\s*=.*")) {
                StringBuilder comment = new StringBuilder();
                for (int j = i - 1; j >= 0 && !lines[j].isBlank(); j--) {
                    if (lines[j].startsWith("#")) {
                        comment.insert(0, lines[j].replaceFirst("^#+", "").trim() + "\n");
                    } else if (comment.length() > 0) {
                        break;
                    }
                }
                return comment.toString();
            }
        }
        return "";
    }

    private static Properties properties(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
