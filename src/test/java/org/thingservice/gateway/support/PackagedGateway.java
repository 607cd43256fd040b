package org.thingservice.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The packaged jar (failsafe's gateway.jar) as an operator runs it: a separate process started with -D settings from a
 * working directory, which keeps its state (./data) from one run to the next, and stopped by SIGTERM. For the tests
 * of what a stop does.
 */
public final class PackagedGateway implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private PackagedGateway(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /**
     * Starts java -jar in workDir with each setting as -Dkey=value, its HTTP API on a free port, its output to
     * workDir/logName; returns once the HTTP API answers (the routes start before it), failing if it does not.
     */
    public static PackagedGateway start(Path workDir, String logName, Map<String, String> settings) throws Exception {
        return awaitServing(launch(workDir, logName, settings));
    }

    /**
     * As {@link #start}, but every setting given as an environment variable only (as a container is configured),
     * the HTTP API's port too: CAMEL_SERVER_PORT, free, is added to the variables.
     */
    public static PackagedGateway startWithVariables(Path workDir, String logName, Map<String, String> variables) throws Exception {
        int httpPort = FreePorts.next();
        Map<String, String> environment = new HashMap<>(variables);
        environment.put("CAMEL_SERVER_PORT", Integer.toString(httpPort));
        return awaitServing(launch(workDir, logName, List.of(), environment, httpPort));
    }

    /** As {@link #start}, its HTTP API on this port (one a broker was told to ask, before the gateway started). */
    public static PackagedGateway start(Path workDir, String logName, int httpPort, Map<String, String> settings) throws Exception {
        return awaitServing(launch(workDir, logName, httpPort, settings));
    }

    /** Starts java -jar as {@link #start} does, without waiting for anything (a crash test may kill it while it starts). */
    public static PackagedGateway launch(Path workDir, String logName, Map<String, String> settings) throws Exception {
        return launch(workDir, logName, FreePorts.next(), settings);
    }

    /** As {@link #launch(Path, String, Map)}, its HTTP API on this port (one a test holds, to see the start refuse it). */
    public static PackagedGateway launch(Path workDir, String logName, int httpPort, Map<String, String> settings) throws Exception {
        List<String> options = new ArrayList<>(List.of("-Dcamel.server.port=" + httpPort));
        settings.forEach((key, value) -> options.add("-D" + key + "=" + value));
        return launch(workDir, logName, options, Map.of(), httpPort);
    }

    private static PackagedGateway launch(Path workDir, String logName, List<String> options, Map<String, String> environment,
            int httpPort) throws Exception {
        String jar = System.getProperty("gateway.jar");
        assertThat(jar).as("system property gateway.jar (set by failsafe)").isNotBlank();
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + System.getProperty("gateway.it.heap", "512m")));
        command.addAll(options);
        command.addAll(List.of("-jar", Paths.get(jar).toAbsolutePath().toString()));
        Path log = workDir.resolve(logName);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return new PackagedGateway(builder.start(), log, httpPort);
    }

    private static PackagedGateway awaitServing(PackagedGateway gateway) throws Exception {
        try {
            gateway.awaitServing(Duration.ofSeconds(120));
        } catch (Throwable e) {
            gateway.printLog();
            gateway.close();
            throw e;
        }
        return gateway;
    }

    /** Until the HTTP API serves calls (see {@link #awaitHttp}). */
    public void awaitServing(Duration timeout) throws Exception {
        awaitHttp(http, process, httpPort, timeout);
    }

    /**
     * Settings for a gateway on the test's own MQTT broker (which outlives a run, as does a spy on it), with its
     * simulated devices and without caller authentication (an external broker turns it on; these tests sign nothing).
     * A call may wait 30 s for its device: on a busy shared machine a device that answers in a second can take far
     * longer than the 8 s default, and these tests are about what a stop does, not about timeouts.
     */
    public static Map<String, String> onBroker(String mqttUrl, String simulatorDelays) {
        Map<String, String> settings = new HashMap<>();
        settings.put("gateway.mqtt.url", mqttUrl);
        settings.put("gateway.simulator.enabled", "true");
        settings.put("gateway.auth.enabled", "false");
        settings.put("gateway.simulator.delays", simulatorDelays);
        settings.put("gateway.invoke.timeout", "30000");
        return settings;
    }

    public int httpPort() {
        return httpPort;
    }

    public HttpClient http() {
        return http;
    }

    public Process process() {
        return process;
    }

    /** SIGTERM, as kill, docker stop and Kubernetes send it. */
    public void sigterm() {
        process.destroy();
    }

    /** SIGKILL, as a crash, the OOM killer or a lost machine end the process; returns once it has ended. */
    public void sigkill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the gateway ends at SIGKILL").isTrue();
    }

    /** Waits for the process to end; fails if it is still running after the bound. Returns its exit status. */
    public int awaitExit(Duration bound) throws InterruptedException {
        assertThat(process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)).as("the gateway exits within %d s", bound.toSeconds()).isTrue();
        return process.exitValue();
    }

    /** A test's checks on a run: when they fail, the run's log is printed first, to read the failure with. */
    public void check(Checks checks) throws Exception {
        try {
            checks.run();
        } catch (Throwable e) {
            printLog();
            throw e;
        }
    }

    @FunctionalInterface
    public interface Checks {
        void run() throws Exception;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    public void printLog() {
        try {
            System.out.println("----- gateway log (" + log + ") -----\n" + log() + "\n----- end of gateway log -----");
        } catch (IOException e) {
            System.out.println("could not read the gateway log " + log + ": " + e);
        }
    }

    /** Kills what a failed test left running. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    public static void delete(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Until the gateway process's route answers on the port (Vert.x listens before the routes are up, and a call then
     * is answered ServiceUnavailable); fails at once if the process died.
     */
    public static void awaitHttp(HttpClient http, Process process, int httpPort, Duration timeout) throws Exception {
        Awaitility.await("the gateway's HTTP API on port " + httpPort).atMost(timeout)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).until(() -> {
                    if (!process.isAlive()) {
                        fail("the gateway exited with status " + process.exitValue() + " before its HTTP API was up");
                    }
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/"))
                                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                        return response.statusCode() == 400 && response.body().contains("MissingParameter");
                    } catch (ConnectException | HttpTimeoutException e) {
                        return false; // not listening yet
                    }
                });
    }
}
