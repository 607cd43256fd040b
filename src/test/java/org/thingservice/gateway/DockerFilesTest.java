package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * Docker cannot run here, so this reads docker/Dockerfile and docker/compose.yaml and checks that every file, port
 * and setting they name exists in the project: what would otherwise only break on someone else's machine.
 */
class DockerFilesTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path DOCKER = PROJECT.resolve("docker");

    private final String dockerfile = read(DOCKER.resolve("Dockerfile"));
    private final JsonNode compose = yaml(DOCKER.resolve("compose.yaml"));
    private final Properties defaults = properties(PROJECT.resolve("application.properties"));
    private final JsonNode gateway = compose.path("services").path("gateway");

    @Test
    void theDockerfileCopiesFilesThatExistAndRunsThePomsJar() throws Exception {
        Matcher copy = Pattern.compile("^COPY (?!--from)(\\S+) ", Pattern.MULTILINE).matcher(dockerfile);
        List<String> sources = new ArrayList<>();
        while (copy.find()) {
            sources.add(copy.group(1));
        }
        assertThat(sources).isNotEmpty().allSatisfy(source -> assertThat(PROJECT.resolve(source)).exists());

        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(PROJECT.resolve("pom.xml").toFile());
        String jar = "target/" + pom.getElementsByTagName("finalName").item(0).getTextContent().trim() + ".jar";
        String jarTarget = copiedTo("/src/" + jar);
        assertThat(dockerfile).contains("\"-jar\", \"" + jarTarget + "\"");
        // the thin jar's manifest names lib/*.jar: its libraries must sit in lib/ beside it
        assertThat(pomText()).contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>", "<classpathPrefix>lib/</classpathPrefix>");
        assertThat(copiedTo("/src/target/lib")).isEqualTo(Path.of(jarTarget).resolveSibling("lib").toString());
        assertThat(dockerfile).containsPattern("FROM \\S*17\\S* AS build").containsPattern("(?m)^FROM eclipse-temurin:17-jre$");
        assertThat(dockerfile).containsPattern("(?m)^USER gateway$");
    }

    @Test
    void portsAndTheHealthCheckMatchTheServerSettings() {
        String port = defaults.getProperty("camel.server.port").trim();
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + port + "$");
        assertThat(dockerfile).contains("http://127.0.0.1:" + port + "/observe/health");
        assertThat(defaults.getProperty("camel.management.port").trim()).isEqualTo("{{camel.server.port}}");
        assertThat(gateway.path("ports").get(0).asText()).endsWith(":" + port);
        // the default host (127.0.0.1) would be unreachable from outside the container
        assertThat(environment(null)).containsEntry("CAMEL_SERVER_HOST", "0.0.0.0");
    }

    @Test
    void everyVariableNamesASettingOfTheGateway() {
        Map<String, String> variables = environment(gateway);
        assertThat(variables).containsKeys("GATEWAY_MQTT_URL", "CAMEL_COMPONENT_KAFKA_BROKERS", "GATEWAY_REGISTRY_URL");
        Map<String, String> keysByVariable = defaults.stringPropertyNames().stream()
                .collect(Collectors.toMap(DockerFilesTest::variable, k -> k));
        String documented = read(PROJECT.resolve("application.properties"));
        for (String name : variables.keySet()) {
            if (name.startsWith("GATEWAY_")) {
                assertThat(keysByVariable).as("%s is a setting in application.properties", name).containsKey(name);
            } else {
                assertThat(name).startsWith("CAMEL_");
                // Camel's own options: set in application.properties, or named in its comments (camel.component.kafka.brokers)
                boolean named = keysByVariable.containsKey(name)
                        || Pattern.compile("[a-z.-]+").matcher(documented).results().anyMatch(m -> variable(m.group()).equals(name));
                assertThat(named).as("%s names a setting in application.properties", name).isTrue();
            }
        }
    }

    @Test
    void theSettingsReachTheOtherServices() throws Exception {
        JsonNode services = compose.path("services");
        Map<String, String> env = environment(gateway);

        URI mqtt = URI.create(env.get("GATEWAY_MQTT_URL"));
        assertThat(services.has(mqtt.getHost())).as("service %s", mqtt.getHost()).isTrue();
        String mosquittoConf = services.path(mqtt.getHost()).path("volumes").get(0).asText().split(":")[0];
        assertThat(read(DOCKER.resolve(mosquittoConf))).containsPattern("(?m)^listener " + mqtt.getPort() + "$");

        URI database = URI.create(env.get("GATEWAY_REGISTRY_URL").substring("jdbc:".length()));
        JsonNode postgres = services.path(database.getHost());
        assertThat(postgres.path("image").asText()).startsWith("postgres:");
        assertThat(database.getPort()).isEqualTo(5432);
        assertThat(database.getPath()).isEqualTo("/" + postgres.path("environment").path("POSTGRES_DB").asText());
        assertThat(env.get("GATEWAY_REGISTRY_USER")).isEqualTo(postgres.path("environment").path("POSTGRES_USER").asText());
        assertThat(env.get("GATEWAY_REGISTRY_PASSWORD")).isEqualTo(postgres.path("environment").path("POSTGRES_PASSWORD").asText());

        String kafkaBrokers = env.get("CAMEL_COMPONENT_KAFKA_BROKERS");
        JsonNode kafka = services.path(kafkaBrokers.split(":")[0]);
        assertThat(kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText()).contains("//" + kafkaBrokers);
        assertThat(kafka.path("environment").path("KAFKA_PROCESS_ROLES").asText()).as("KRaft").contains("controller");

        assertThat(gateway.path("build").path("context").asText()).isEqualTo("..");
        assertThat(DOCKER.resolve(gateway.path("build").path("context").asText()).resolve(gateway.path("build").path("dockerfile").asText()))
                .isRegularFile();
    }

    @Test
    void dataInboxAndOutboxAreVolumesWhereTheGatewayLooks() {
        Map<String, String> env = environment(gateway);
        Map<String, String> mounts = new HashMap<>();
        gateway.path("volumes").forEach(v -> mounts.put(v.asText().split(":")[1], v.asText().split(":")[0]));
        for (String folder : List.of("GATEWAY_DATA_DIR", "GATEWAY_FILES_INBOX", "GATEWAY_FILES_OUTBOX")) {
            String path = env.get(folder);
            assertThat(path).as(folder).isNotNull();
            assertThat(mounts).as("a volume at %s (%s)", path, folder).containsKey(path);
            assertThat(compose.path("volumes").has(mounts.get(path))).as("volume %s is declared", mounts.get(path)).isTrue();
            assertThat(dockerfile).as("the image makes %s for the gateway user", path).contains(path);
        }
        // Docker's stop waits longer than the gateway's graceful stop
        int grace = Integer.parseInt(gateway.path("stop_grace_period").asText().replace("s", ""));
        assertThat(grace).isGreaterThan(Integer.parseInt(defaults.getProperty("camel.main.shutdown-timeout").trim()));
    }

    /** The gateway's environment: the Dockerfile's ENV, overridden by the compose service's (null: the Dockerfile's only). */
    private Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new HashMap<>();
        Matcher block = Pattern.compile("(?m)^ENV ((?:.*\\\\\\n)*.*)$").matcher(dockerfile);
        while (block.find()) {
            Matcher pair = Pattern.compile("([A-Z_]+)=(\\S+)").matcher(block.group(1));
            while (pair.find()) {
                env.put(pair.group(1), pair.group(2));
            }
        }
        if (service != null) {
            service.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        return env;
    }

    /** Where the runtime stage copies a file of the build stage to. */
    private String copiedTo(String buildPath) {
        Matcher m = Pattern.compile("(?m)^COPY --from=build " + Pattern.quote(buildPath) + " (\\S+)$").matcher(dockerfile);
        assertThat(m.find()).as("the Dockerfile copies %s from the build stage", buildPath).isTrue();
        return m.group(1);
    }

    /** camel.server.port -> CAMEL_SERVER_PORT, as Camel maps environment variables to settings. */
    private static String variable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String pomText() {
        return read(PROJECT.resolve("pom.xml"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode yaml(Path file) {
        try {
            return new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Properties properties(Path file) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(read(file)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p;
    }
}
