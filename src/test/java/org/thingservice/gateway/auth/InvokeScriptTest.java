package org.thingservice.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.Waits;

/** bin/invoke, run as a process the way the README shows: it makes a key, and signs calls the gateway accepts. */
@ExtendWith(ExternalBinaries.RequirePython3.class)
class InvokeScriptTest extends GatewayTestSupport {

    private static final Path SCRIPT = Path.of("bin/invoke").toAbsolutePath();
    // no initialiser: settings() needs the file while the superclass is still being constructed
    private Path keysFile;

    private Path keysFile() {
        if (keysFile == null) {
            keysFile = writeKeysFile(new AccessKey("tsg-someone-else", "not-the-scripts-secret"));
        }
        return keysFile;
    }

    @Override
    protected Map<String, String> settings() {
        return Map.of("gateway.auth.enabled", "true", "gateway.auth.keys", keysFile().toString());
    }

    /** What a run of the script printed, and its exit status. */
    private record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @Test
    void aKeyMadeByTheScriptSignsCallsTheGatewayServesByGetAndByPost() throws Exception {
        Map<String, String> key = exports(script(Map.of(), "--new-key", keysFile().toString()));

        // the gateway reads the keys file again within a second of the change
        Run get = retryWhileUnknownKey(key, "ProductKey=" + PK, "DeviceName=lamp-1", "Identifier=Blink", "Args={\"param1\":1}");
        Run post = call(key, "--post", "IotId=LampDemoIotId0000002", "Identifier=Blink", "Args={\"param1\":2}");

        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.json().path("Success").asBoolean()).isTrue();
        assertThat(post.exit()).as(post.toString()).isZero();
        assertThat(JSON.readTree(post.json().path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(2);
    }

    @Test
    void aWrongSecretIsRefusedAndTheScriptSaysSo() throws Exception {
        Run run = call(Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", "tsg-someone-else", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "a-guess"),
                "ProductKey=" + PK, "DeviceName=lamp-1", "Identifier=Blink", "Args={}");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.json().path("Code").asText()).isEqualTo("SignatureDoesNotMatch");
    }

    @Test
    void withoutAKeyTheCallIsUnsignedAndRefused() throws Exception {
        Run run = call(Map.of(), "ProductKey=" + PK, "DeviceName=lamp-1", "Identifier=Blink", "Args={}");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("not signed");
        assertThat(run.json().path("Code").asText()).isEqualTo("MissingParameter");
    }

    @Test
    void aNewKeysFileIsReadableByItsOwnerOnlyAndHasItsHeader() throws Exception {
        Path file = Files.createTempDirectory("tsg-new-keys").resolve("keys.csv");

        Map<String, String> key = exports(script(Map.of(), "--new-key", file.toString()));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readAllLines(file)).containsExactly("AccessKeyId,AccessKeySecret",
                key.get("ALIBABA_CLOUD_ACCESS_KEY_ID") + "," + key.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET"));
    }

    private Run retryWhileUnknownKey(Map<String, String> key, String... args) throws Exception {
        AtomicReference<Run> run = new AtomicReference<>();
        Waits.until(Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
            run.set(call(key, args));
            return !run.get().out().contains("InvalidAccessKeyId.NotFound");
        });
        return run.get();
    }

    /** The key that --new-key printed as export lines. */
    private static Map<String, String> exports(Run run) {
        assertThat(run.exit()).as(run.toString()).isZero();
        Map<String, String> env = new HashMap<>();
        for (String line : run.out().split("\n")) {
            String assignment = line.substring("export ".length());
            env.put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
        }
        assertThat(env).containsOnlyKeys("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET");
        return env;
    }

    /** A call to this class's gateway. */
    private Run call(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("--url", "http://127.0.0.1:" + httpPort() + "/"));
        command.addAll(List.of(args));
        return script(env, command.toArray(String[]::new));
    }

    private Run script(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ExternalBinaries.python3().toString(), SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("ALIBABA_CLOUD_ACCESS_KEY_ID");
        builder.environment().remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
        builder.environment().putAll(env);
        Path err = Files.createTempFile("tsg-invoke", ".err");
        Process process = builder.redirectError(err.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String errText = Files.readString(err);
        Files.delete(err);
        return new Run(process.exitValue(), out, errText);
    }
}
