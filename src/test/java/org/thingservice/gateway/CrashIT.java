package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.kafka.EmbeddedKafka;
import org.thingservice.gateway.support.AnsweringDevice;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.Mosquitto;
import org.thingservice.gateway.support.PackagedGateway;
import org.thingservice.gateway.support.Postgres;

/**
 * The crash test: the packaged jar as its own process on a real mosquitto, devices that answer from outside it, and
 * SIGKILL at random moments (while it starts, and while it works) during a 3,000-line batch file and during a stream
 * of 3,000 Kafka records, on the embedded default database and on PostgreSQL; then the same work with the broker
 * killed instead. After the last run every line and every record has exactly one result; no request reached a
 * device twice (the devices count what the broker delivered them); every request a device received whose answer was
 * lost with the process has the result "outcome unknown" and was not sent again; no log names a database error.
 * Each scenario prints these counts, and for Kafka how long a restarted instance took to process again.
 *
 * Run it alone: {@code mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CrashIT}
 * (CRASH_SEED=n repeats a run's random moments).
 */
@ExtendWith({ExternalBinaries.RequireMosquitto.class, ExternalBinaries.RequirePostgres.class})
class CrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 3_000;
    private static final int KILLS = 10;
    /** devices answer after this, and a source keeps this many in flight: about 100 requests a second, ~30 s of work */
    private static final long DEVICE_DELAY_MS = 200;
    private static final int IN_FLIGHT = 20;
    private static final String PRODUCT = "a1LampDemo1";
    private static final String OUTCOME_UNKNOWN = "outcome is unknown";

    private final long seed = Long.getLong("crash.seed", System.getenv("CRASH_SEED") != null
            ? Long.parseLong(System.getenv("CRASH_SEED")) : System.nanoTime());
    private final Random random = new Random(seed);
    private Mosquitto mosquitto;
    private AnsweringDevice device;
    private Path workDir;
    private Postgres postgres;
    private EmbeddedKafka kafka;
    private final List<String> logs = new ArrayList<>();
    /** set by the checks when every promise held */
    private boolean passed;
    private final List<String> results = new CopyOnWriteArrayList<>();
    private Thread resultReader;

    @BeforeEach
    void broker() throws Exception {
        mosquitto = Mosquitto.launch();
        device = new AnsweringDevice(mosquitto.url(), PRODUCT, DEVICE_DELAY_MS);
        workDir = Files.createTempDirectory("tsg-crash");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (!passed) { // the logs of every run, and the broker's, are kept to read the failure with
            Files.writeString(workDir.resolve("mosquitto.log"), mosquitto.logText());
            System.out.println("CrashIT failed (seed " + seed + "): the logs are kept in " + workDir);
        }
        device.close();
        mosquitto.close();
        if (resultReader != null) {
            resultReader.interrupt();
            resultReader.join(10_000);
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (passed) {
            PackagedGateway.delete(workDir);
        }
    }

    @Test
    void killsDuringABatchFileOnTheEmbeddedDatabase() throws Exception {
        file(settings(false));
    }

    @Test
    void killsDuringABatchFileOnPostgres() throws Exception {
        file(settings(true));
    }

    @Test
    void killsDuringAKafkaStreamOnTheEmbeddedDatabase() throws Exception {
        kafka(settings(false));
    }

    @Test
    void killsDuringAKafkaStreamOnPostgres() throws Exception {
        kafka(settings(true));
    }

    @Test
    void aBrokerKilledDuringABatchFile() throws Exception {
        Map<String, String> settings = settings(false);
        Path results = dropFile();
        brokerCrash(settings, () -> Files.exists(results));
        checkFile(results, "broker killed during a batch file", true);
    }

    @Test
    void aBrokerKilledDuringAKafkaStream() throws Exception {
        Map<String, String> settings = settings(false);
        Thread producer = produce(settings);
        brokerCrash(settings, () -> resultsPerRequest().size() == REQUESTS);
        producer.join();
        checkKafka("broker killed during a Kafka stream", true, List.of());
    }

    private void file(Map<String, String> settings) throws Exception {
        Path results = dropFile();
        killRepeatedly(settings, () -> Files.exists(results));
        checkFile(results, "SIGKILL during a batch file (" + database(settings) + ")", false);
    }

    private void kafka(Map<String, String> settings) throws Exception {
        Thread producer = produce(settings);
        List<Long> backToWork = killRepeatedly(settings, () -> resultsPerRequest().size() == REQUESTS);
        producer.join();
        checkKafka("SIGKILL during a Kafka stream (" + database(settings) + ")", false, backToWork);
        assertThat(backToWork).as("ms from a restarted instance serving to its first new Kafka request at a device (the issue: within 5 s)").isNotEmpty()
                .allMatch(ms -> ms < 5_000);
    }

    /**
     * KILLS times: start the gateway, and kill it at a random moment, either while it starts or once it works again
     * (a request reached a device since the start); then run it until the work is done. Returns, for each restart
     * that was let work, how long after its HTTP API served it sent its first request.
     */
    private List<Long> killRepeatedly(Map<String, String> settings, BooleanSupplier done) throws Exception {
        List<Long> backToWork = new ArrayList<>();
        int kills = 0;
        while (kills < KILLS) {
            PackagedGateway gateway = launch(settings);
            try {
                if (random.nextInt(4) == 0) {
                    Thread.sleep(random.nextInt(4_000)); // while it starts: migrations, recovery, subscriptions
                } else {
                    gateway.awaitServing(Duration.ofSeconds(120));
                    long serving = System.nanoTime();
                    int before = device.total();
                    await(() -> device.total() > before || done.getAsBoolean(), Duration.ofSeconds(60), "work resumes after a restart");
                    if (done.getAsBoolean()) {
                        break;
                    }
                    backToWork.add((System.nanoTime() - serving) / 1_000_000);
                    Thread.sleep(random.nextInt(2_500));
                }
                gateway.sigkill();
                kills++;
            } catch (Throwable e) {
                gateway.printLog();
                throw e;
            } finally {
                gateway.close();
            }
        }
        assertThat(kills).as("kills in the middle of the work (seed %d)", seed).isEqualTo(KILLS);
        try (PackagedGateway last = launch(settings)) {
            last.check(() -> {
                await(done, Duration.ofSeconds(300), "the work is finished after the last restart");
                last.sigterm();
                last.awaitExit(Duration.ofSeconds(60));
            });
        }
        return backToWork;
    }

    /** The broker is SIGKILLed once the work is under way, and started again 5 s later, on the same port. */
    private void brokerCrash(Map<String, String> settings, BooleanSupplier done) throws Exception {
        try (PackagedGateway gateway = launch(settings)) {
            gateway.check(() -> {
                gateway.awaitServing(Duration.ofSeconds(120));
                await(() -> device.total() >= REQUESTS / 10, Duration.ofSeconds(120), "work under way");
                mosquitto.stop();
                Thread.sleep(5_000);
                mosquitto.start();
                await(done, Duration.ofSeconds(300), "the work is finished after the broker came back");
                gateway.sigterm();
                gateway.awaitExit(Duration.ofSeconds(60));
            });
        }
    }

    private PackagedGateway launch(Map<String, String> settings) throws Exception {
        String log = "gateway-" + (logs.size() + 1) + ".log";
        logs.add(log);
        return PackagedGateway.launch(workDir, log, settings);
    }

    private Map<String, String> settings(boolean onPostgres) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("gateway.mqtt.url", mosquitto.url());
        settings.put("gateway.simulator.enabled", "false");
        settings.put("gateway.auth.enabled", "false");
        // a request whose answer the broker lost times out well within the test, and one a slow machine delays does not
        settings.put("gateway.invoke.timeout", "10000");
        settings.put("gateway.files.settle-time", "200");
        settings.put("gateway.files.max-in-flight", Integer.toString(IN_FLIGHT));
        settings.put("gateway.kafka.max-in-flight", Integer.toString(IN_FLIGHT));
        if (onPostgres) {
            postgres = Postgres.launch();
            settings.put("gateway.registry.url", postgres.jdbcUrl());
            settings.put("gateway.registry.user", Postgres.USER);
        }
        return settings;
    }

    private static String database(Map<String, String> settings) {
        return settings.containsKey("gateway.registry.url") ? "PostgreSQL" : "embedded SQLite";
    }

    private Path dropFile() throws Exception {
        Path inbox = Files.createDirectories(workDir.resolve("data/inbox"));
        Path staging = Files.writeString(workDir.resolve("crash.jsonl"), IntStream.range(0, REQUESTS)
                .mapToObj(i -> request("f" + i)).collect(Collectors.joining("\n")));
        Files.move(staging, inbox.resolve("crash.jsonl"));
        return workDir.resolve("data/outbox/crash.results.jsonl");
    }

    /** The Kafka stream: REQUESTS records over about 10 s on a topic of 3 partitions, from a thread of its own. */
    private Thread produce(Map<String, String> settings) throws Exception {
        kafka = new EmbeddedKafka();
        kafka.createTopics(3, "crash.requests", "crash.results", "crash.dead");
        settings.put("camel.component.kafka.brokers", kafka.bootstrapServers());
        settings.put("gateway.kafka.requests", "crash.requests");
        settings.put("gateway.kafka.results", "crash.results");
        settings.put("gateway.kafka.dead-letter", "crash.dead");
        Thread producer = new Thread(() -> {
            try {
                for (int i = 0; i < REQUESTS; i++) {
                    kafka.send("crash.requests", "k" + i, request("rid-" + i));
                    if (i % 30 == 29) {
                        Thread.sleep(100);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "crash-producer");
        producer.start();
        resultReader = readResults();
        return producer;
    }

    private static String request(String id) {
        return "{\"RequestId\":\"" + id + "\",\"ProductKey\":\"" + PRODUCT + "\",\"DeviceName\":\"lamp-1\",\"Identifier\":\"SetColor\","
                + "\"Args\":{\"color\":1,\"label\":\"" + id + "\"}}";
    }

    private void checkFile(Path results, String scenario, boolean brokerCrash) throws Exception {
        List<JsonNode> lines = Files.readAllLines(results).stream().map(CrashIT::json).toList();
        List<String> ids = IntStream.range(0, REQUESTS).mapToObj(i -> "f" + i).toList();
        Map<String, JsonNode> answers = new HashMap<>();
        lines.forEach(l -> answers.put(l.path("RequestId").asText(), l.path("Response")));
        assertThat(lines).extracting(l -> l.path("RequestId").asText()).as("one result per line, in input order").containsExactlyElementsOf(ids);
        check(scenario, ids, answers, lines.size(), brokerCrash);
    }

    private void checkKafka(String scenario, boolean brokerCrash, List<Long> backToWork) throws Exception {
        Map<String, List<JsonNode>> results = resultsPerRequest();
        List<String> ids = IntStream.range(0, REQUESTS).mapToObj(i -> "rid-" + i).toList();
        int written = results.values().stream().mapToInt(List::size).sum();
        System.out.printf("%s: a restarted instance sent its first Kafka request %s ms after its HTTP API served%n", scenario, backToWork);
        Map<String, JsonNode> answers = new HashMap<>();
        results.forEach((id, list) -> answers.put(id, list.get(0)));
        try {
            assertThat(results.keySet()).as("every record has a result").containsExactlyInAnyOrderElementsOf(ids);
            assertThat(results).as("exactly one result per record").allSatisfy((id, list) -> assertThat(list).as(id).hasSize(1));
        } finally {
            check(scenario, ids, answers, written, brokerCrash);
        }
    }

    /** The counts every scenario prints, and the promises about each request. */
    private void check(String scenario, List<String> ids, Map<String, JsonNode> answers, int results, boolean brokerCrash) throws Exception {
        long success = answers.values().stream().filter(a -> a.path("Success").asBoolean()).count();
        long unknown = answers.values().stream().filter(a -> a.path("ErrorMessage").asText().contains(OUTCOME_UNKNOWN)).count();
        long reached = ids.stream().filter(id -> device.timesReceived(id) > 0).count();
        Map<String, Long> others = answers.values().stream()
                .filter(a -> !a.path("Success").asBoolean() && !a.path("ErrorMessage").asText().contains(OUTCOME_UNKNOWN))
                .collect(Collectors.groupingBy(a -> a.path("Code").asText(), java.util.TreeMap::new, Collectors.counting()));
        String errors = databaseErrors();
        System.out.printf("%s (seed %d): %d requests, %d results (%d answered by the device, %d 'outcome unknown', other failures %s); "
                        + "%d reached a device, %d of them twice or more; database errors in the logs: %s%n", scenario, seed, ids.size(),
                results, success, unknown, others, reached, device.sentTwice(), errors.isEmpty() ? "none" : errors);

        assertThat(device.sentTwice()).as("requests that reached their device twice").isZero();
        assertThat(errors).as("database errors in the gateway's logs; the first failure logged:%n%s", firstFailure()).isEmpty();
        for (String id : ids) {
            JsonNode answer = answers.get(id);
            int times = device.timesReceived(id);
            if (answer.path("Success").asBoolean()) {
                assertThat(times).as("%s answered by its device reached it", id).isEqualTo(1);
            } else if (!brokerCrash && times > 0) {
                // a request that reached its device and has no answer from it is one whose answer died with a process
                assertThat(answer.path("ErrorMessage").asText()).as("%s reached its device, yet its result is: %s", id, answer)
                        .contains(OUTCOME_UNKNOWN);
            }
        }
        passed = true;
    }

    /** The results written so far, by RequestId (read by a consumer of the test's own, as they come). */
    private Map<String, List<JsonNode>> resultsPerRequest() {
        return results.stream().map(CrashIT::json).collect(Collectors.groupingBy(r -> r.path("RequestId").asText()));
    }

    /** Reads the results topic from its start, as an application would, until the test ends. */
    private Thread readResults() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("group.id", "crash-results-" + seed);
        p.put("auto.offset.reset", "earliest");
        Thread reader = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("crash.results"));
                while (!Thread.currentThread().isInterrupted()) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> results.add(r.value()));
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                // the test is over
            }
        }, "crash-results");
        reader.start();
        return reader;
    }

    /** Lines of every run's log that name a database failure. */
    private String databaseErrors() throws Exception {
        Set<String> markers = Set.of("SQLException", "SQLITE_", "PSQLException", "JdbcSQL", "SystemException", "corrupt");
        try (Stream<String> lines = logs.stream().flatMap(log -> {
            try {
                return Files.readAllLines(workDir.resolve(log)).stream();
            } catch (java.io.IOException e) {
                return Stream.of("cannot read " + log + ": " + e);
            }
        })) {
            return lines.filter(l -> markers.stream().anyMatch(l::contains)).limit(5).collect(Collectors.joining("\n"));
        }
    }

    /** The first ERROR line of the runs' logs with the stack trace after it, to read a failure with. */
    private String firstFailure() throws Exception {
        for (String log : logs) {
            List<String> lines = Files.readAllLines(workDir.resolve(log));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(" ERROR ")) {
                    return log + ":\n" + String.join("\n", lines.subList(i, Math.min(lines.size(), i + 40)));
                }
            }
        }
        return "none";
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) {
        Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
