package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.PackagedGateway;

/**
 * The packaged jar as an operator runs it: java -Xmx512m -jar from a directory that holds nothing but an
 * application.properties, so the routes, the defaults and the sample registry can only come from inside the jar.
 * The three override mechanisms are used at once (file, -D, environment variable) and each must take effect.
 * Then the issue's load: 1,000 sync calls in flight at once on a device that takes 2 s to answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // one gateway process for both: the log reads in this order
class PackagedJarIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PK = "a1LampDemo1";
    private static final int BURST = 1_000;
    private static final int WARM_UP = 200;
    private static final long LAMP_1_DELAY_MS = 2_000;
    /** the gateway's login on its embedded broker, which lets the spy in (devices log in with their own) */
    private static final String GATEWAY_MQTT_PASSWORD = java.util.UUID.randomUUID().toString();

    private Path workDir;
    private Path log;
    private Process gateway;
    private int httpPort;
    private int mqttPort;
    private ExecutorService clientThreads;
    private HttpClient http;

    @RegisterExtension
    final TestWatcher printLogOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            printLog();
        }
    };

    @BeforeAll
    void startTheJar() throws Exception {
        String jar = System.getProperty("gateway.jar");
        String heap = System.getProperty("gateway.it.heap");
        assertThat(jar).as("system property gateway.jar (set by failsafe)").isNotBlank();
        assertThat(heap).as("system property gateway.it.heap (set by failsafe)").isNotBlank();
        assertThat(Paths.get(jar)).as("the packaged jar").isRegularFile();

        workDir = Files.createTempDirectory("tsg-jar-it");
        log = workDir.resolve("gateway.log");
        httpPort = FreePorts.next();
        mqttPort = FreePorts.next();
        // override 1: a file in the working directory
        Files.writeString(workDir.resolve("application.properties"), "camel.server.port = " + httpPort + "\n");

        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx" + heap,
                "-Dgateway.mqtt.embedded.port=" + mqttPort, // override 2: a system property
                "-Dgateway.mqtt.password=" + GATEWAY_MQTT_PASSWORD, // the spy below logs in as the gateway
                "-jar", Paths.get(jar).toAbsolutePath().toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("GATEWAY_SIMULATOR_DELAYS", "lamp-1:" + LAMP_1_DELAY_MS); // override 3: an environment variable
        gateway = builder.start();

        // enough client threads that none of the 1,000 responses waits for one to be free
        clientThreads = Executors.newFixedThreadPool(64);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try {
            PackagedGateway.awaitHttp(http, gateway, httpPort, Duration.ofSeconds(180));
        } catch (Throwable e) {
            printLog();
            throw e;
        }
    }

    @AfterAll
    void stopTheJar() throws Exception {
        try {
            if (gateway != null) {
                gateway.destroy();
                if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
                    gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (clientThreads != null) {
                clientThreads.shutdownNow();
            }
            deleteQuietly(workDir);
        }
    }

    @Test
    @Order(1)
    void jarRunsFromAnotherDirectoryAndEachOverrideMechanismTakesEffect() throws Exception {
        assertThat(workDir.resolve("routes")).doesNotExist();
        assertThat(workDir.resolve("registry")).doesNotExist();

        // the file override: the API answers on the port named in ./application.properties (default 8080)
        // the -D override: the simulated devices are reached through the embedded broker on the -D port
        MqttConnectionOptions asGateway = new MqttConnectionOptions();
        asGateway.setUserName("thing-service-gateway");
        asGateway.setPassword(GATEWAY_MQTT_PASSWORD.getBytes(StandardCharsets.UTF_8));
        try (MqttSpy spy = new MqttSpy("tcp://127.0.0.1:" + mqttPort, asGateway, "/sys/" + PK + "/+/rrpc/#")) {
            long start = System.nanoTime();
            JsonNode body = invoke("lamp-1", "{\"param1\":1}");
            long millis = (System.nanoTime() - start) / 1_000_000;

            // routes, defaults and the sample registry (a1LampDemo1, the TSL with Blink) came from the jar
            assertThat(body.path("Success").asBoolean()).as(body.toString()).isTrue();
            String messageId = body.path("Data").path("MessageId").asText();
            assertThat(JSON.readTree(body.path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(1);
            assertThat(spy.await("/sys/" + PK + "/lamp-1/rrpc/request/" + messageId, Duration.ofSeconds(5))).isNotNull();
            assertThat(spy.await("/sys/" + PK + "/lamp-1/rrpc/response/" + messageId, Duration.ofSeconds(5))).isNotNull();
            // the environment override: lamp-1 answers after 2 s
            assertThat(millis).as("lamp-1's answer time, ms").isGreaterThanOrEqualTo(LAMP_1_DELAY_MS - 100);
        }

        // ...and it replaced the packaged delays (lamp-slow:3000) rather than adding to them
        long start = System.nanoTime();
        assertThat(invoke("lamp-slow", "{\"param1\":1}").path("Success").asBoolean()).isTrue();
        assertThat((System.nanoTime() - start) / 1_000_000).as("lamp-slow's answer time, ms").isLessThan(1_500);

        // a packaged default nobody overrode still holds: lamp-silent never answers
        assertThat(json(send(get("lamp-silent", "{\"param1\":1}", "Timeout", "500"))).path("Code").asText()).isEqualTo("iot.messagebroker.TIMEOUT");
    }

    @Test
    @Order(2)
    void thousandConcurrentSyncCallsToASlowDeviceAllSucceedWithinSecondsOnA512MbHeap() throws Exception {
        // warm both JVMs (this one and the gateway): on a shared 2-core machine a cold burst measures the JIT, not the gateway
        List<CompletableFuture<HttpResponse<String>>> warmUp = burst("lamp-2", WARM_UP);
        assertThat(warmUp).as("warm-up calls to lamp-2 (answers at once)").allSatisfy(c -> assertThat(c.getNow(null)).isNotNull());

        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> calls = burst("lamp-1", BURST);
        long wallMillis = (System.nanoTime() - start) / 1_000_000;
        long done = calls.stream().filter(c -> c.isDone() && !c.isCompletedExceptionally()).count();
        System.out.printf("%d concurrent sync calls to lamp-1 (answers after %d ms): %d completed in %d ms wall time%n",
                BURST, LAMP_1_DELAY_MS, done, wallMillis);

        Set<String> messageIds = new HashSet<>();
        for (int i = 0; i < BURST; i++) {
            HttpResponse<String> response = calls.get(i).getNow(null);
            assertThat(response).as("call %d finished", i).isNotNull();
            assertThat(response.statusCode()).as("call %d: %s", i, response.body()).isEqualTo(200);
            JsonNode body = json(response);
            assertThat(body.path("Success").asBoolean()).as("call %d: %s", i, response.body()).isTrue();
            assertThat(JSON.readTree(body.path("Data").path("Result").asText()).path("data").path("NumberA").asInt())
                    .as("call %d's Result echoes its own Args", i).isEqualTo(i);
            messageIds.add(body.path("Data").path("MessageId").asText());
        }
        assertThat(messageIds).as("distinct MessageIds").hasSize(BURST);
        // a gateway that held a thread per waiting call (20 Vert.x workers) would need 1,000 x 2 s / 20 = 100 s
        assertThat(wallMillis).as("wall time for the burst, ms").isLessThan(30_000);

        // it survived on its 512 MB: still alive, still answering, no OutOfMemoryError in its log
        assertThat(gateway.isAlive()).isTrue();
        assertThat(invoke("lamp-2", "{\"param1\":5}").path("Success").asBoolean()).isTrue();
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
    }

    /** n concurrent calls of the sync Operation_Service, Args {"NumberA":i,"NumberB":1}; returns when all are answered or after 90 s, whichever is first. */
    private List<CompletableFuture<HttpResponse<String>>> burst(String deviceName, int n) throws InterruptedException {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            calls.add(http.sendAsync(get(deviceName, "{\"NumberA\":" + i + ",\"NumberB\":1}", "Identifier", "Operation_Service"),
                    HttpResponse.BodyHandlers.ofString()));
        }
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // the callers report which calls did not finish, and how
        }
        return calls;
    }

    private JsonNode invoke(String deviceName, String args) throws Exception {
        HttpResponse<String> response = send(get(deviceName, args));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private HttpRequest get(String deviceName, String args, String... more) {
        boolean identifierGiven = java.util.Arrays.asList(more).contains("Identifier");
        StringBuilder query = new StringBuilder("Action=InvokeThingService&ProductKey=" + PK + "&DeviceName=" + deviceName
                + (identifierGiven ? "" : "&Identifier=Blink") + "&Args=" + URLEncoder.encode(args, StandardCharsets.UTF_8));
        for (int i = 0; i < more.length; i += 2) {
            query.append('&').append(more[i]).append('=').append(URLEncoder.encode(more[i + 1], StandardCharsets.UTF_8));
        }
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/?" + query))
                .timeout(Duration.ofSeconds(60)).GET().build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private void printLog() {
        try {
            if (log != null && Files.exists(log)) {
                System.out.println("----- gateway log (" + log + ") -----");
                System.out.println(Files.readString(log));
                System.out.println("----- end of gateway log -----");
            }
        } catch (IOException e) {
            System.out.println("could not read the gateway log: " + e);
        }
    }

    private static void deleteQuietly(Path dir) throws IOException {
        if (dir != null && Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
