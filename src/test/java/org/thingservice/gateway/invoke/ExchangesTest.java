package org.thingservice.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The routes name exchange properties and headers as text: a name that Exchanges does not declare is a typo. */
class ExchangesTest {

    private static final Pattern PROPERTY_REFERENCE = Pattern.compile("exchangeProperty\\.([A-Za-z0-9_]+)");
    private static final Pattern PROPERTY_SET = Pattern.compile("- setProperty:\\s*\\n\\s*name:\\s*\"?([^\"\\s]+)");
    private static final Pattern HEADER_REFERENCE = Pattern.compile("\\$\\{header\\.([A-Za-z0-9_]+)");
    private static final Pattern HEADER_SET = Pattern.compile("- setHeader:\\s*\\n\\s*name:\\s*\"?([^\"\\s]+)");
    private static final Pattern HEADER_EXPRESSION = Pattern.compile("(?m)^\\s*header:\\s*\"?([A-Za-z0-9_]+)\"?\\s*$");
    /** headers that belong to Camel or its components, or to HTTP */
    private static final Pattern NOT_OURS = Pattern.compile("Camel.*|kafka\\..*|Content-Type");

    @Test
    void everyExchangePropertyTheRoutesNameIsDeclared() throws IOException {
        String routes = routes();
        Set<String> properties = new TreeSet<>(names(PROPERTY_REFERENCE, routes));
        properties.addAll(names(PROPERTY_SET, routes));
        assertThat(properties).isNotEmpty().allMatch(name -> name.startsWith("Tsg"), "named Tsg...");
        assertThat(declared()).containsAll(properties);
    }

    @Test
    void everyHeaderTheRoutesNameIsDeclaredUnlessCamelOwnsIt() throws IOException {
        String routes = routes();
        Set<String> headers = new TreeSet<>(names(HEADER_REFERENCE, routes));
        headers.addAll(names(HEADER_SET, routes));
        headers.addAll(names(HEADER_EXPRESSION, routes));
        headers.removeIf(name -> NOT_OURS.matcher(name).matches());
        assertThat(headers).contains("TsgCorrelationKey", "RequestId");
        assertThat(declared()).containsAll(headers);
    }

    @Test
    void theDeclaredNamesAreDistinct() throws IOException {
        Set<String> fieldNames = Stream.of(Exchanges.class.getDeclaredFields()).filter(ExchangesTest::isName)
                .map(Field::getName).collect(Collectors.toSet());
        assertThat(declared()).hasSameSizeAs(fieldNames);
    }

    private static Set<String> declared() {
        Set<String> names = new TreeSet<>();
        for (Field field : Exchanges.class.getDeclaredFields()) {
            if (isName(field)) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return names;
    }

    private static boolean isName(Field field) {
        int m = field.getModifiers();
        return Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && field.getType() == String.class;
    }

    private static Set<String> names(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String routes() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                all.append(Files.readString(file)).append('\n');
            }
        }
        return all.toString();
    }
}
