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
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * Reads docker/Dockerfile, .dockerignore and docker/compose.yaml and checks that every file, port and setting they
 * name exists in the project, and the promises they make (secure by default, nothing left behind). .ci/containers.sh
 * builds and runs them; this catches the same mistakes in seconds, and on machines without podman.
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
        assertThat(dockerfile).containsPattern("FROM \\S*17\\S* AS build").containsPattern("(?m)^FROM docker.io/library/eclipse-temurin:17-jre$");
    }

    @Test
    void baseImagesAreFullyQualified() {
        // registry/namespace/name:tag: no short name that podman asks about or resolves to another registry
        List<String> images = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile).results().map(m -> m.group(1)).toList();
        assertThat(images).hasSize(2).allSatisfy(image -> assertThat(image).matches("[a-z0-9.-]+\\.[a-z]+/[a-z0-9._-]+/[a-z0-9._-]+:[\\w.-]+"));
        compose.path("services").forEach(service -> {
            if (service.has("image")) {
                assertThat(service.path("image").asText()).matches("[a-z0-9.-]+\\.[a-z]+/[a-z0-9._-]+/[a-z0-9._-]+:[\\w.-]+");
            }
        });
    }

    @Test
    void theGatewayRunsAsANonRootUserWithItsOwnGroup() {
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
        assertThat(user.find()).as("USER uid:gid, by number (Kubernetes' runAsNonRoot checks a numeric user)").isTrue();
        assertThat(user.group(1)).isNotEqualTo("0");
        assertThat(dockerfile).contains("groupadd --system --gid " + user.group(2) + " gateway",
                "useradd --system --uid " + user.group(1) + " --gid gateway");
    }

    @Test
    void theBuildContextIsOnlyWhatTheDockerfileCopies() {
        List<String> ignore = read(PROJECT.resolve(".dockerignore")).lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        // everything out, then the copied sources back in
        assertThat(ignore.get(0)).isEqualTo("*");
        List<String> copied = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(dockerfile).results().map(m -> m.group(1)).toList();
        assertThat(ignore.subList(1, ignore.size())).allSatisfy(l -> assertThat(l).startsWith("!"))
                .extracting(l -> l.substring(1).replaceAll("/$", ""))
                .containsExactlyInAnyOrderElementsOf(copied);
    }

    @Test
    void noAnonymousVolumes() {
        assertThat(dockerfile).doesNotContainPattern("(?m)^VOLUME");
        compose.path("services").forEach(service -> service.path("volumes").forEach(volume -> {
            String source = volume.asText().split(":")[0];
            assertThat(source.startsWith("./") || compose.path("volumes").has(source))
                    .as("volume %s: a file of docker/ or a named volume declared in compose.yaml", volume.asText()).isTrue();
        }));
    }

    @Test
    void secureByDefaultNothingPublishedBeyondTheHost() {
        List<String> published = new ArrayList<>();
        compose.path("services").forEach(service -> service.path("ports").forEach(p -> published.add(p.asText())));
        assertThat(published).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("127.0.0.1:"));
        // the anonymous broker and the database are reachable on the compose network only
        assertThat(compose.path("services").path("mosquitto").has("ports")).isFalse();
        assertThat(compose.path("services").path("postgres").has("ports")).isFalse();
        // the gateway requires signed calls: its keys file is a compose secret, which git and the build context never see
        assertThat(gateway.path("secrets").get(0).asText()).isEqualTo("access-keys");
        String keysFile = compose.path("secrets").path("access-keys").path("file").asText();
        assertThat(environment(gateway)).containsEntry("GATEWAY_AUTH_KEYS", "/run/secrets/access-keys");
        assertThat(keysFile).startsWith("./secrets/");
        assertThat(read(PROJECT.resolve(".gitignore"))).containsPattern("(?m)^docker/secrets/$");
        assertThat(read(DOCKER.resolve("new-key"))).contains("--new-key \"$here/secrets/" + Path.of(keysFile).getFileName() + "\"");
    }

    @Test
    void everyServiceRestartsAndKafkaAdvertisesWhatItPublishes() {
        compose.path("services").forEach(service -> assertThat(service.path("restart").asText()).isEqualTo("unless-stopped"));
        JsonNode kafka = compose.path("services").path("kafka");
        String port = kafka.path("ports").get(0).asText(); // 127.0.0.1:${TSG_KAFKA_PORT:-9094}:9094
        String hostPort = port.substring("127.0.0.1:".length(), port.lastIndexOf(':'));
        String containerPort = port.substring(port.lastIndexOf(':') + 1);
        String advertised = kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
        String listeners = kafka.path("environment").path("KAFKA_LISTENERS").asText();
        // a client on the host is told the address it reached the broker at, not a compose-network name
        assertThat(advertised).contains("://localhost:" + hostPort);
        String hostListener = advertised.split("://localhost:")[0].replaceAll(".*,", "");
        assertThat(listeners).contains(hostListener + "://:" + containerPort);
    }

    @Test
    void portsAndTheHealthCheckMatchTheServerSettings() {
        String port = defaults.getProperty("camel.server.port").trim();
        assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + port + "$");
        // the HEALTHCHECK follows the port the gateway is given, and asks whether it serves calls
        assertThat(environment(null)).containsEntry("CAMEL_SERVER_PORT", port);
        assertThat(dockerfile).contains("http://127.0.0.1:${CAMEL_SERVER_PORT}/observe/health/ready");
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
                .collect(Collectors.toMap(EnvironmentSettings::variable, k -> k));
        String documented = read(PROJECT.resolve("application.properties"));
        for (String name : variables.keySet()) {
            if (name.startsWith("GATEWAY_")) {
                assertThat(keysByVariable).as("%s is a setting in application.properties", name).containsKey(name);
            } else {
                assertThat(name).startsWith("CAMEL_");
                // Camel's own options: set in application.properties, or named in its comments (camel.component.kafka.brokers)
                boolean named = keysByVariable.containsKey(name)
                        || Pattern.compile("[a-z.-]+").matcher(documented).results().anyMatch(m -> EnvironmentSettings.variable(m.group()).equals(name));
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
        assertThat(postgres.path("image").asText()).startsWith("docker.io/library/postgres:");
        assertThat(database.getPort()).isEqualTo(5432);
        assertThat(database.getPath()).isEqualTo("/" + postgres.path("environment").path("POSTGRES_DB").asText());
        assertThat(env.get("GATEWAY_REGISTRY_USER")).isEqualTo(postgres.path("environment").path("POSTGRES_USER").asText());
        assertThat(env.get("GATEWAY_REGISTRY_PASSWORD")).isEqualTo(postgres.path("environment").path("POSTGRES_PASSWORD").asText());

        String kafkaBrokers = env.get("CAMEL_COMPONENT_KAFKA_BROKERS");
        JsonNode kafka = services.path(kafkaBrokers.split(":")[0]);
        // the gateway's listener, inside the compose network
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
