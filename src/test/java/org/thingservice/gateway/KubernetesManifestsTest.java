package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes as kustomize renders it, checked without a cluster: the resources the kustomization names, the
 * objects they reference, the probes on the health endpoints, the access keys from a Secret, the graceful-stop grace
 * period, and every variable a setting of the gateway. (.ci/containers.sh renders it with kubectl kustomize too.)
 */
class KubernetesManifestsTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path DIR = PROJECT.resolve("deploy/kubernetes");

    private final JsonNode kustomization = yaml(DIR.resolve("kustomization.yaml"));
    private final Map<String, JsonNode> resources = resources();
    private final JsonNode pod = resources.get("Deployment").path("spec").path("template").path("spec");
    private final JsonNode container = pod.path("containers").get(0);
    private final Properties defaults = properties();

    @Test
    void probesAskTheHealthEndpointsOnTheServersPort() {
        String port = defaults.getProperty("camel.server.port").trim();
        assertThat(env().get("CAMEL_SERVER_PORT")).isEqualTo(port);
        assertThat(container.path("ports").get(0).path("containerPort").asText()).isEqualTo(port);
        String portName = container.path("ports").get(0).path("name").asText();
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/observe/health/ready");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/observe/health/live");
        assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/observe/health/live");
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertThat(container.path(probe).path("httpGet").path("port").asText()).as(probe).isEqualTo(portName);
        }
        // the start may wait gateway.dependencies.start-timeout for the database and broker: not a reason to kill it
        JsonNode startup = container.path("startupProbe");
        long startupSeconds = startup.path("periodSeconds").asLong() * startup.path("failureThreshold").asLong();
        assertThat(startupSeconds * 1000).isGreaterThan(Long.parseLong(defaults.getProperty("gateway.dependencies.start-timeout").trim()));
        JsonNode service = resources.get("Service");
        assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo(portName);
        assertThat(service.path("spec").path("type").asText()).isEqualTo("ClusterIP");
    }

    @Test
    void theGracePeriodCoversThePreStopPauseAndTheGracefulStop() {
        long shutdown = Long.parseLong(defaults.getProperty("camel.main.shutdown-timeout").trim());
        JsonNode preStop = container.path("lifecycle").path("preStop").path("exec").path("command");
        assertThat(preStop.get(0).asText()).isEqualTo("sleep");
        long pause = preStop.get(1).asLong();
        assertThat(pod.path("terminationGracePeriodSeconds").asLong()).isGreaterThan(pause + shutdown);
    }

    @Test
    void theAccessKeysComeFromASecretMountedAsAFolder() {
        String keys = env().get("GATEWAY_AUTH_KEYS");
        JsonNode mount = null;
        for (JsonNode m : container.path("volumeMounts")) {
            if (keys.startsWith(m.path("mountPath").asText() + "/")) {
                mount = m;
            }
        }
        assertThat(mount).as("a volume mounted where GATEWAY_AUTH_KEYS points").isNotNull();
        assertThat(mount.has("subPath")).as("a subPath mount never sees a changed Secret").isFalse();
        String volumeName = mount.path("name").asText();
        JsonNode volume = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(volumeName)) {
                volume = v;
            }
        }
        String secretName = volume.path("secret").path("secretName").asText();
        String file = Path.of(keys).getFileName().toString();
        assertThat(generated("secretGenerator", secretName)).containsExactly(file);
        // the files the Secrets are made of are the operator's, never the repository's
        String gitignore = read(PROJECT.resolve(".gitignore"));
        for (JsonNode generator : kustomization.path("secretGenerator")) {
            generator.path("files").forEach(f -> assertThat(gitignore).contains("deploy/kubernetes/" + f.asText()));
        }
        // the database password too
        JsonNode password = null;
        for (JsonNode e : container.path("env")) {
            if (e.path("valueFrom").has("secretKeyRef")) {
                password = e;
            }
        }
        assertThat(password.path("name").asText()).isEqualTo("GATEWAY_REGISTRY_PASSWORD");
        assertThat(generated("secretGenerator", password.path("valueFrom").path("secretKeyRef").path("name").asText()))
                .contains(password.path("valueFrom").path("secretKeyRef").path("key").asText());
    }

    @Test
    void itRunsAsTheImagesNonRootUser() {
        Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(read(PROJECT.resolve("docker/Dockerfile")));
        assertThat(user.find()).isTrue();
        JsonNode security = pod.path("securityContext");
        assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(security.path("runAsUser").asText()).isEqualTo(user.group(1));
        assertThat(security.path("runAsGroup").asText()).isEqualTo(user.group(2));
        assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(container.path("securityContext").path("capabilities").path("drop").get(0).asText()).isEqualTo("ALL");
    }

    @Test
    void everyVariableIsASettingOfTheGatewayAndTheConfigMapIsReferenced() throws IOException {
        Map<String, String> variables = new HashMap<>(env());
        Properties settings = new Properties();
        settings.load(new StringReader(read(DIR.resolve("gateway.env"))));
        settings.stringPropertyNames().forEach(k -> variables.put(k, settings.getProperty(k)));
        assertThat(variables).containsKeys("GATEWAY_MQTT_URL", "GATEWAY_REGISTRY_URL", "GATEWAY_AUTH_KEYS");
        Map<String, String> named = EnvironmentSettings.fromVariables(variables, defaults.stringPropertyNames(), Map.of());
        assertThat(named).hasSize(variables.size());
        String configMap = container.path("envFrom").get(0).path("configMapRef").path("name").asText();
        assertThat(generated("configMapGenerator", configMap)).containsExactly("gateway.env");
        assertThat(container.path("image").asText()).isEqualTo(kustomization.path("images").get(0).path("name").asText());
    }

    /** The files (or env files) a generator of the kustomization makes the named object of. */
    private List<String> generated(String kind, String name) {
        List<String> files = new ArrayList<>();
        for (JsonNode generator : kustomization.path(kind)) {
            if (generator.path("name").asText().equals(name)) {
                generator.path("files").forEach(f -> files.add(f.asText()));
                generator.path("envs").forEach(f -> files.add(f.asText()));
                return files;
            }
        }
        throw new AssertionError("kustomization.yaml has no " + kind + " named " + name);
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.has("value") ? e.path("value").asText() : "(secret)"));
        return env;
    }

    private Map<String, JsonNode> resources() {
        Map<String, JsonNode> byKind = new HashMap<>();
        kustomization.path("resources").forEach(r -> {
            JsonNode resource = yaml(DIR.resolve(r.asText()));
            byKind.put(resource.path("kind").asText(), resource);
        });
        assertThat(byKind).containsKeys("Deployment", "Service");
        return byKind;
    }

    private static Properties properties() {
        Properties p = new Properties();
        try {
            p.load(new StringReader(read(PROJECT.resolve("application.properties"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode yaml(Path file) {
        try {
            return new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
