package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyuncs.CommonResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.profile.DefaultProfile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.alink.MessageIds;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.kafka.EmbeddedKafka;
import org.thingservice.gateway.support.AlibabaSdk;
import org.thingservice.gateway.support.AnsweringDevice;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.Mosquitto;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.PackagedGateway;
import org.thingservice.gateway.support.PrometheusText;
import org.thingservice.gateway.support.Postgres;

/**
 * Scale-out (issue 17): three packaged gateways as their own processes on one real mosquitto, one PostgreSQL and one
 * Kafka consumer group, devices answering from outside them. Each device reply reaches one instance (the MQTT 5
 * shared subscription of gateway.mqtt.reply-group), which hands it to the instance that made the call when that is
 * another one (at most one extra hop, tsg/hand-over/{prefix}/…), so:
 * <ol>
 * <li>every call from every source gets its own reply: HTTP (plain and the official Alibaba SDK) to each instance,
 * sync and async (an async reply forwarded exactly once), Kafka records, a batch file per instance;</li>
 * <li>counted on the broker ($SYS/broker/publish/messages/sent) and on the instances' metrics, each reply is
 * delivered once to the group plus at most one hand-over;</li>
 * <li>no instance takes more than about its share of the replies;</li>
 * <li>one instance SIGKILLed under load from HTTP, Kafka and batch files: its callers' connections drop, its Kafka
 * partitions move to the others, whose HTTP calls and files go on succeeding, its file waits in its inbox, replies
 * to its sync calls are counted late, not lost silently, and its async calls' replies are forwarded once.</li>
 * </ol>
 * Batch files: the file source has no lock across instances (docs/batch-files.md), so each instance has its own
 * inbox, as each has its own data folder.
 *
 * Run it alone: {@code mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ScaleOutIT}; with
 * {@code -Dscale.reply-group=} (empty) the instances subscribe as before the issue, every one to every reply, and the
 * broker and share checks fail.
 */
@ExtendWith({ExternalBinaries.RequireMosquitto.class, ExternalBinaries.RequirePostgres.class})
class ScaleOutIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int INSTANCES = 3;
    private static final String PK = "a1LampDemo1";
    private static final String DEVICE = "lamp-1";
    /** a device the test answers itself, when it wants */
    private static final String SILENT_DEVICE = "lamp-2";
    /** devices answer after this, so that calls overlap */
    private static final long DEVICE_DELAY_MS = 100;
    /** HTTP callers per instance, each one call at a time */
    private static final int CALLERS = 6;
    private static final int PARTITIONS = 6;
    private static final int KAFKA_IN_FLIGHT = 20;
    private static final String FORWARDS = "/+/+/thing/downlink/reply/message";
    private static final String OUTCOME_UNKNOWN = "outcome is unknown";
    private static final Pattern PREFIX_LOG = Pattern.compile("MessageId prefix (\\d+) ");

    private Mosquitto mosquitto;
    private Postgres postgres;
    private EmbeddedKafka kafka;
    private AnsweringDevice device;
    private MqttSpy forwards;
    private BrokerCounter brokerCounter;
    private Path workDir;
    private final List<Instance> instances = new ArrayList<>();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    /** the Args label of every call: NumberA of Operation_Service (0..1000000), so unique within the test */
    private final AtomicInteger labels = new AtomicInteger();
    private final List<JsonNode> results = new CopyOnWriteArrayList<>();
    private Thread resultReader;
    private volatile boolean reading = true;
    private IAcsClient sdk;
    private boolean passed;

    /** A gateway process, its folder and its MessageId prefix. */
    private record Instance(int index, PackagedGateway gateway, Path dir, int prefix) {
        String name() {
            return "instance " + index + " (prefix " + prefix + ")";
        }
    }

    /** What became of one HTTP call. */
    private record Call(int instance, int label, long startNanos, long endNanos, JsonNode answer, Exception failure) {
        boolean answeredWithItsOwnReply() {
            return answer != null && answer.path("Success").asBoolean() && echoedLabel(answer) == label;
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        callers.shutdownNow();
        if (!passed) {
            if (mosquitto != null) {
                Files.writeString(workDir.resolve("mosquitto.log"), mosquitto.logText());
            }
            System.out.println("ScaleOutIT failed: the logs are kept in " + workDir);
        }
        for (Instance instance : instances) {
            instance.gateway().close();
        }
        if (sdk != null) {
            sdk.shutdown();
        }
        if (resultReader != null) {
            reading = false; // the reader closes its consumer after its current poll
            resultReader.join(10_000);
        }
        for (AutoCloseable c : new AutoCloseable[] {forwards, brokerCounter, device, kafka}) {
            if (c != null) {
                c.close();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
        if (passed) {
            PackagedGateway.delete(workDir);
        }
    }

    @Test
    void threeInstancesShareTheRepliesAndOneOfThemDies() throws Exception {
        long started = System.nanoTime();
        workDir = Files.createTempDirectory("tsg-scale-out");
        // sys_interval 1: the broker publishes its counters every second, which the test reads
        mosquitto = Mosquitto.launchWith("sys_interval 1\n");
        postgres = Postgres.launch();
        kafka = new EmbeddedKafka();
        kafka.createTopics(PARTITIONS, "scale.requests", "scale.results", "scale.dead");
        device = new AnsweringDevice(mosquitto.url(), PK, DEVICE_DELAY_MS);
        forwards = new MqttSpy(mosquitto.url(), FORWARDS);
        brokerCounter = new BrokerCounter(mosquitto.url());
        resultReader = readResults();
        sdk = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", "testid", "testsecret"));
        startInstances();
        System.out.printf("ScaleOutIT: %d instances serving after %d s%n", INSTANCES, seconds(started));

        httpOnEveryInstanceCountedOnTheBroker();
        System.out.printf("ScaleOutIT: HTTP phase done after %d s%n", seconds(started));
        everySourceOnEveryInstance();
        System.out.printf("ScaleOutIT: all-sources phase done after %d s%n", seconds(started));
        oneInstanceKilledUnderLoad();
        System.out.printf("ScaleOutIT: kill phase done, %d s in all%n", seconds(started));
        passed = true;
    }

    /**
     * Sync HTTP calls to each instance, some through the official SDK, in a phase with no other traffic: every call
     * gets its own reply, and the broker sent each request once (to the device), each reply once (to one instance of
     * the group) and each hand-over once (to the owner), nothing else.
     */
    private void httpOnEveryInstanceCountedOnTheBroker() throws Exception {
        int perInstance = 100;
        int viaSdk = 3;
        Map<Instance, Map<String, Double>> before = snapshot();
        int repliesBefore = device.repliesSent().size();
        int requestsBefore = device.total();
        BrokerCounter.Reading first = brokerCounter.nextReading();

        List<CompletableFuture<Call>> calls = new ArrayList<>();
        for (Instance instance : instances) {
            for (int i = 0; i < viaSdk; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> sdkCall(instance), callers));
            }
        }
        calls.addAll(load(instances, perInstance - viaSdk));
        List<Call> done = calls.stream().map(CompletableFuture::join).toList();
        assertThat(done).as("every HTTP call gets its own device's reply (its Args echoed)")
                .allSatisfy(c -> assertThat(c.answeredWithItsOwnReply()).as("%s", c).isTrue());

        int allCalls = perInstance * INSTANCES;
        await(() -> device.repliesSent().size() - repliesBefore >= allCalls, Duration.ofSeconds(30), "the device's replies");
        long brokerSent = brokerCounter.awaitQuiet().sentBetween(first);
        int requests = device.total() - requestsBefore;
        int replies = device.repliesSent().size() - repliesBefore;
        System.out.printf("ScaleOutIT HTTP phase: %d sync calls, %d requests and %d replies at the device; the broker sent %d messages, "
                + "%.2f per call%n", allCalls, requests, replies, brokerSent, (double) brokerSent / allCalls);
        awaitRepliesAccounted(allCalls + repliesBefore);
        Map<Instance, Map<String, Double>> after = snapshot();
        long handOvers = Math.round(sum(after, "delivered") - sum(before, "delivered"));
        System.out.printf("ScaleOutIT HTTP phase: %d hand-overs (requests + replies + hand-overs = %d)%n", handOvers, requests + replies + handOvers);
        for (Instance instance : instances) {
            double received = delta(before, after, instance, "broker") + delta(before, after, instance, "hand-over");
            double made = delta(before, after, instance, "calls");
            System.out.printf("ScaleOutIT HTTP phase: %s received %.0f replies from the broker and %.0f handed over, %.2f per call it made%n",
                    instance.name(), delta(before, after, instance, "broker"), delta(before, after, instance, "hand-over"), received / made);
            assertThat(made).as("%s counted its calls", instance.name()).isEqualTo(perInstance);
            assertThat(received / made).as("%s: replies received per call it made (one each to the group, plus hand-overs; "
                    + "%d without shared subscriptions)", instance.name(), INSTANCES).isLessThanOrEqualTo(2.0);
        }
        assertThat(requests).as("requests that reached the device").isEqualTo(allCalls);
        assertThat(replies).as("replies the device sent").isEqualTo(allCalls);
        assertThat(handOvers).as("hand-overs: at most one per reply").isBetween(0L, (long) replies);
        assertThat(brokerSent).as("messages the broker sent: each request to the device, each reply to one instance, each hand-over "
                + "to its owner (without shared subscriptions each reply goes to all %d instances)", INSTANCES)
                .isEqualTo(requests + replies + handOvers);
        checkShares(before, after, replies, "HTTP phase");
    }

    /**
     * Every source at once on every instance: sync and async HTTP calls, Kafka records on one consumer group, a batch
     * file per instance. Each gets its own reply, each async reply is forwarded once, and the instances' metrics add
     * up to one delivery per reply to the group, plus at most one hand-over.
     */
    private void everySourceOnEveryInstance() throws Exception {
        int records = 300;
        int lines = 60;
        int asyncPerInstance = 10;
        Map<Instance, Map<String, Double>> before = snapshot();
        int repliesBefore = device.repliesSent().size();
        int requestsBefore = device.total();
        BrokerCounter.Reading first = brokerCounter.nextReading();

        Map<String, Integer> kafkaLabels = produce("b", records, new HashSet<>());
        Map<Instance, Map<String, Integer>> fileLabels = new HashMap<>();
        for (Instance instance : instances) {
            fileLabels.put(instance, dropFile(instance, "scale-b", lines));
        }
        Map<String, String> asyncLabels = new ConcurrentHashMap<>(); // MessageId -> label
        List<CompletableFuture<Void>> async = new ArrayList<>();
        for (Instance instance : instances) {
            for (int i = 0; i < asyncPerInstance; i++) {
                async.add(CompletableFuture.runAsync(() -> {
                    String label = "async-" + labels.incrementAndGet();
                    JsonNode answer;
                    try {
                        answer = call(instance, DEVICE, "SetColor", "{\"color\":1,\"label\":\"" + label + "\"}");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    assertThat(answer.path("Success").asBoolean()).as("async call: %s", answer).isTrue();
                    asyncLabels.put(answer.path("Data").path("MessageId").asText(), label);
                }, callers));
            }
        }
        List<Call> sync = load(instances, 40).stream().map(CompletableFuture::join).toList();
        async.forEach(CompletableFuture::join);

        assertThat(sync).as("every sync HTTP call gets its own reply").allSatisfy(c -> assertThat(c.answeredWithItsOwnReply()).as("%s", c).isTrue());
        await(() -> kafkaLabels.keySet().stream().allMatch(this::hasResult), Duration.ofSeconds(90), "a result for every Kafka record");
        Map<String, List<JsonNode>> kafkaResults = resultsByRequest();
        assertThat(kafkaLabels).as("every Kafka record's result carries its own reply").allSatisfy((id, label) -> {
            List<JsonNode> mine = kafkaResults.get(id);
            assertThat(mine).as("results of %s", id).hasSize(1);
            assertThat(echoedLabel(mine.get(0))).as("%s: %s", id, mine.get(0)).isEqualTo(label);
        });
        for (Instance instance : instances) {
            List<JsonNode> fileResults = awaitResultFile(instance, "scale-b");
            Map<String, Integer> expected = fileLabels.get(instance);
            assertThat(fileResults).as("%s: one result per line", instance.name()).hasSize(expected.size());
            assertThat(fileResults).as("%s: each line's result carries its own reply", instance.name()).allSatisfy(r ->
                    assertThat(echoedLabel(r.path("Response"))).as("%s", r).isEqualTo(expected.get(r.path("RequestId").asText())));
        }
        await(() -> forwardsOf(asyncLabels.keySet()).size() >= asyncLabels.size(), Duration.ofSeconds(30), "every async reply forwarded");
        int replies = device.repliesSent().size() - repliesBefore;
        awaitRepliesAccounted(device.repliesSent().size());
        long brokerSent = brokerCounter.awaitQuiet().sentBetween(first);
        Map<Instance, Map<String, Double>> after = snapshot();
        int requests = device.total() - requestsBefore;
        long handOvers = Math.round(sum(after, "delivered") - sum(before, "delivered"));
        int asyncCalls = asyncLabels.size();
        System.out.printf("ScaleOutIT all sources: %d requests, %d replies, %d hand-overs, %d async calls; the broker sent %d messages%n",
                requests, replies, handOvers, asyncCalls, brokerSent);
        assertThat(brokerSent).as("messages the broker sent: each request to the device; each reply to one instance; each hand-over "
                + "to its owner; and for each async call its request to one instance too (the async reply filter matches requests), "
                + "its reply to the device (its own filter matches it) and its forward to the test's spy")
                .isEqualTo(requests + replies + handOvers + 3L * asyncCalls);

        Map<String, List<JsonNode>> forwarded = forwardsOf(asyncLabels.keySet());
        assertThat(forwarded.keySet()).as("each async call's reply forwarded").containsExactlyInAnyOrderElementsOf(asyncLabels.keySet());
        assertThat(forwarded).as("each async reply forwarded once, with its own data").allSatisfy((messageId, list) -> {
            assertThat(list).as("forwards of %s", messageId).hasSize(1);
            assertThat(list.get(0).path("data").path("label").asText()).isEqualTo(asyncLabels.get(messageId));
        });

        double receivedFromBroker = sum(after, "broker");
        double handedOver = sum(after, "hand-over");
        double delivered = sum(after, "delivered");
        int allReplies = device.repliesSent().size();
        System.out.printf("ScaleOutIT all sources: %d Kafka records, %d file lines, %d async and %d sync HTTP calls, %d replies; since the "
                        + "start %d replies, %.0f received from the broker by the instances together, %.0f handed over (%.0f delivered)%n",
                records, lines * INSTANCES, asyncLabels.size(), sync.size(), replies, allReplies, receivedFromBroker, handedOver, delivered);
        for (Instance instance : instances) {
            System.out.printf("ScaleOutIT all sources: %s received %.0f from the broker, %.0f handed over, made %.0f calls%n", instance.name(),
                    delta(before, after, instance, "broker"), delta(before, after, instance, "hand-over"), delta(before, after, instance, "calls"));
        }
        assertThat(receivedFromBroker).as("replies the broker delivered to the instances, together (the device sent %d)", allReplies)
                .isEqualTo(allReplies);
        assertThat(handedOver).as("replies received by hand-over = replies handed over").isEqualTo(delivered);
        assertThat(handedOver).as("hand-overs: at most one per reply").isLessThanOrEqualTo(allReplies);
        assertThat(sum(after, "owner-gone")).as("hand-overs that found no owner while all instances run").isZero();
        checkShares(before, after, replies, "all sources");
    }

    /**
     * Load from HTTP, Kafka and a batch file on each of the three instances: SIGKILL one of them in the middle.
     */
    private void oneInstanceKilledUnderLoad() throws Exception {
        Instance victim = instances.get(INSTANCES - 1);
        List<Instance> survivors = instances.subList(0, INSTANCES - 1);
        int records = 600;
        // at gateway.files.max-in-flight 10, a file of 300 lines lasts 3 s at least: the kill comes in its middle
        int lines = 300;
        Map<Instance, Map<String, Double>> before = snapshot();

        // async calls the killed instance makes, whose replies come after its death (the test sends them, for a device
        // that does not answer by itself): forwarded all the same, by a survivor, once
        device.silence(SILENT_DEVICE);
        Map<String, String> asyncLabels = new HashMap<>(); // MessageId -> label
        for (int i = 0; i < 5; i++) {
            String label = "orphan-" + labels.incrementAndGet();
            JsonNode answer = call(victim, SILENT_DEVICE, "SetColor", "{\"color\":2,\"label\":\"" + label + "\"}");
            assertThat(answer.path("Success").asBoolean()).as("async call: %s", answer).isTrue();
            asyncLabels.put(answer.path("Data").path("MessageId").asText(), label);
        }
        await(() -> asyncLabels.values().stream().allMatch(l -> device.timesReceived(l) == 1), Duration.ofSeconds(10),
                "the killed instance's async requests at their device");

        Map<Instance, Map<String, Integer>> fileLabels = new HashMap<>();
        for (Instance instance : instances) {
            fileLabels.put(instance, dropFile(instance, "scale-c", lines));
        }
        Map<String, Integer> kafkaLabels = new HashMap<>(produceSlowly("c", records / 2, Duration.ofSeconds(3)));
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        long stopAfterNanos = TimeUnit.SECONDS.toNanos(4);
        List<CompletableFuture<List<Call>>> loops = new ArrayList<>();
        for (Instance instance : instances) {
            for (int i = 0; i < 4; i++) {
                loops.add(CompletableFuture.supplyAsync(() -> callUntil(instance, killedAt, stopAfterNanos), callers));
            }
        }
        await(() -> results.size() >= 300 + records / 4 && PrometheusText.sum(get(victim, "/observe/metrics"), "gateway_file_lines_total", "") >= lines / 10,
                Duration.ofSeconds(60), "a quarter of the Kafka records answered, and the killed instance's file under way");
        victim.gateway().sigkill();
        killedAt.set(System.nanoTime());
        System.out.printf("ScaleOutIT: %s killed%n", victim.name());
        // records on every partition after the kill: the killed instance's too, which the group must move to the others
        Set<Integer> partitions = new HashSet<>();
        Map<String, Integer> afterTheKill = produce("d", records / 2, partitions);
        kafkaLabels.putAll(afterTheKill);
        assertThat(partitions).as("partitions of the records produced after the kill").hasSize(PARTITIONS);

        // replies to calls of the dead instance that nobody is waiting for now: the device answers a few more
        await(() -> nanosSince(killedAt.get()) > TimeUnit.SECONDS.toNanos(1), Duration.ofSeconds(5), "a second after the kill");
        int synthetic = 10;
        for (int n = 0; n < synthetic; n++) {
            forwards.publish("/sys/" + PK + "/" + DEVICE + "/rrpc/response/" + (((long) victim.prefix() << 20) | n), "{\"code\":200,\"data\":{}}");
        }

        for (Map.Entry<String, String> orphan : asyncLabels.entrySet()) {
            forwards.publish("/sys/" + PK + "/" + SILENT_DEVICE + "/thing/service/SetColor_reply", "{\"id\":\"" + orphan.getKey()
                    + "\",\"code\":200,\"data\":{\"color\":2,\"label\":\"" + orphan.getValue() + "\"},\"message\":\"success\",\"version\":\"1.0\"}");
        }

        List<Call> calls = loops.stream().map(CompletableFuture::join).flatMap(List::stream).toList();
        await(() -> afterTheKill.keySet().stream().allMatch(this::hasResult), Duration.ofSeconds(90),
                "a result for every Kafka record produced after the kill: the partitions moved");
        System.out.printf("ScaleOutIT kill: every Kafka record produced after the kill answered %d ms after it%n",
                TimeUnit.NANOSECONDS.toMillis(nanosSince(killedAt.get())));
        await(() -> kafkaLabels.keySet().stream().allMatch(this::hasResult), Duration.ofSeconds(30), "a result for every Kafka record");
        long lateRepliesToTheDead = device.repliesSent().stream()
                .filter(r -> MessageIds.prefixOf(r.messageId()) == victim.prefix() && r.nanoTime() - killedAt.get() > TimeUnit.MILLISECONDS.toNanos(300))
                .count() + synthetic;
        Map<Instance, Map<String, Double>> after = snapshotOf(survivors);

        // the dead instance's callers: answered before the kill, or their connection dropped; none waits forever
        List<Call> toTheDead = calls.stream().filter(c -> c.instance() == victim.index()).toList();
        assertThat(toTheDead).as("calls to the killed instance: its own reply, or the connection failed")
                .allSatisfy(c -> assertThat(c.answeredWithItsOwnReply() || c.failure() instanceof IOException).as("%s", c).isTrue());
        assertThat(toTheDead.stream().filter(c -> c.failure() != null).count()).as("callers of the killed instance that saw it go")
                .isEqualTo(4);
        // the survivors: every call made from a second after the kill on succeeds; one in flight at the kill may
        // have had its reply delivered to the dying process (an instance takes its share of replies until it dies)
        long oneSecond = TimeUnit.SECONDS.toNanos(1);
        List<Call> toSurvivors = calls.stream().filter(c -> c.instance() != victim.index()).toList();
        List<Call> afterKill = toSurvivors.stream().filter(c -> c.startNanos() > killedAt.get() + oneSecond).toList();
        List<Call> acrossKill = toSurvivors.stream().filter(c -> c.startNanos() <= killedAt.get() && c.endNanos() >= killedAt.get()).toList();
        List<Call> lost = toSurvivors.stream().filter(c -> !c.answeredWithItsOwnReply()).toList();
        System.out.printf("ScaleOutIT kill: %d calls to the killed instance (%d failed), %d to the survivors, %d of them started a second "
                        + "after the kill; of %d in flight at the kill %d did not succeed (their replies sent at %s ms from the kill): %s%n",
                toTheDead.size(), toTheDead.stream().filter(c -> c.failure() != null).count(), toSurvivors.size(), afterKill.size(),
                acrossKill.size(), lost.size(), lost.stream().map(c -> millisFromKill(replySent(c.answer()), killedAt.get())).toList(),
                lost.stream().map(Call::toString).limit(3).toList());
        assertThat(afterKill).as("calls to the survivors after the kill").isNotEmpty()
                .allSatisfy(c -> assertThat(c.answeredWithItsOwnReply()).as("%s", c).isTrue());
        assertThat(lost).as("calls to the survivors that failed: in flight at the kill, timed out because their reply went to the "
                + "dying instance (sent before it was gone)").allSatisfy(c -> {
                    assertThat(acrossKill).as("%s", c).contains(c);
                    assertDiedWithTheVictim(c.answer(), killedAt.get());
                });

        // Kafka: at least one result per record; the dead instance's records in flight were claimed, so a new owner
        // says their outcome is unknown rather than send them again; one whose reply died with the process timed out
        Map<String, List<JsonNode>> kafkaResults = resultsByRequest();
        Map<String, Long> failures = new java.util.TreeMap<>();
        kafkaLabels.forEach((id, label) -> {
            List<JsonNode> mine = kafkaResults.get(id);
            assertThat(mine).as("results of %s", id).isNotEmpty();
            for (JsonNode result : mine) {
                if (!result.path("Success").asBoolean()) {
                    String what = result.path("ErrorMessage").asText().contains(OUTCOME_UNKNOWN) ? "outcome unknown" : result.path("Code").asText();
                    if (what.equals(ErrorCodes.TIMEOUT)) {
                        System.out.printf("ScaleOutIT kill: Kafka record %s timed out, its reply sent at %s ms from the kill%n", id,
                                millisFromKill(replySent(result), killedAt.get()));
                        assertDiedWithTheVictim(result, killedAt.get());
                    }
                    failures.merge(what, 1L, Long::sum);
                    assertThat(what).as("%s: %s", id, result).isIn("outcome unknown", ErrorCodes.TIMEOUT);
                } else {
                    assertThat(echoedLabel(result)).as("%s: %s", id, result).isEqualTo(label);
                }
            }
        });
        long results2 = kafkaLabels.keySet().stream().mapToLong(id -> kafkaResults.get(id).size()).sum();
        System.out.printf("ScaleOutIT kill: %d Kafka records, %d results, failures %s%n", records, results2, failures);
        assertThat(failures.values().stream().mapToLong(Long::longValue).sum()).as("Kafka records that failed: only those in flight at the kill")
                .isLessThanOrEqualTo((long) KAFKA_IN_FLIGHT * INSTANCES);

        // batch files: the survivors' are answered as their calls are; the killed instance's stays in its inbox, for its
        // next start (docs/batch-files.md)
        for (Instance survivor : survivors) {
            List<JsonNode> fileResults = awaitResultFile(survivor, "scale-c");
            Map<String, Integer> expected = fileLabels.get(survivor);
            assertThat(fileResults).as("%s: one result per line", survivor.name()).hasSize(expected.size());
            assertThat(fileResults).as("%s: each line's result carries its own reply, or (its reply given to the killed instance) a timeout",
                    survivor.name()).allSatisfy(r -> {
                        if (echoedLabel(r.path("Response")) != expected.get(r.path("RequestId").asText())) {
                            assertDiedWithTheVictim(r.path("Response"), killedAt.get());
                        }
                    });
            System.out.printf("ScaleOutIT kill: %s answered its file of %d lines, %d of them by a timeout%n", survivor.name(), lines,
                    fileResults.stream().filter(r -> !r.path("Response").path("Success").asBoolean()).count());
        }
        assertThat(victim.dir().resolve("data/inbox/scale-c.jsonl")).as("the killed instance's file, left for its next start").exists();
        assertThat(victim.dir().resolve("data/outbox/scale-c.results.jsonl")).as("the killed instance's result file").doesNotExist();

        // its async calls' replies: forwarded once (they were in the database), checked after the Kafka records' wait
        await(() -> forwardsOf(asyncLabels.keySet()).size() >= asyncLabels.size(), Duration.ofSeconds(20),
                "the killed instance's async replies forwarded");
        Map<String, List<JsonNode>> forwarded = forwardsOf(asyncLabels.keySet());
        System.out.printf("ScaleOutIT kill: %d async replies to the killed instance's calls, after its death: forwarded %s times%n",
                asyncLabels.size(), forwarded.values().stream().map(List::size).toList());
        assertThat(forwarded.keySet()).as("async replies to the killed instance's calls, forwarded by a survivor")
                .containsExactlyInAnyOrderElementsOf(asyncLabels.keySet());
        assertThat(forwarded).as("each forwarded once, with its own data").allSatisfy((messageId, list) -> {
            assertThat(list).as("forwards of %s", messageId).hasSize(1);
            assertThat(list.get(0).path("data").path("label").asText()).isEqualTo(asyncLabels.get(messageId));
        });

        // replies to the dead instance's calls: handed over to nobody, then counted late on a survivor
        double late = survivors.stream().mapToDouble(s -> delta(before, after, s, "late")).sum();
        double ownerGone = survivors.stream().mapToDouble(s -> delta(before, after, s, "owner-gone")).sum();
        double unknown = survivors.stream().mapToDouble(s -> delta(before, after, s, "unknown")).sum();
        System.out.printf("ScaleOutIT kill: %d replies for the dead instance after its death (%d of them the test's); on the survivors "
                + "%.0f late, %.0f hand-overs to a gone owner, %.0f unknown%n", lateRepliesToTheDead, synthetic, late, ownerGone, unknown);
        assertThat(late).as("replies to the dead instance's calls, counted late by the survivors").isGreaterThanOrEqualTo(lateRepliesToTheDead);
        assertThat(ownerGone).as("hand-overs to the dead instance that found no owner").isGreaterThanOrEqualTo(lateRepliesToTheDead);
        assertThat(unknown).as("replies nobody could place").isZero();
    }

    /**
     * A TIMEOUT answer to a survivor's call is one whose reply the broker gave the instance that was killed (a shared
     * subscription's turn), before it died and before it could hand the reply over: the device sent it before the
     * kill. A reply sent after the kill reaches a survivor.
     */
    private void assertDiedWithTheVictim(JsonNode answer, long killedAt) {
        assertThat(answer).as("an answer (the survivor's connection did not fail)").isNotNull();
        assertThat(answer.path("Code").asText()).as("%s", answer).isEqualTo(ErrorCodes.TIMEOUT);
        assertThat(replySent(answer)).as("when the device answered the call of %s (before the kill: the victim took it)", answer)
                .isNotNull().isLessThan(killedAt);
    }

    /** When (System.nanoTime()) the device sent its reply to the call this TIMEOUT answer names (its MessageId), or null. */
    private Long replySent(JsonNode answer) {
        Matcher id = Pattern.compile("MessageId (\\d+)").matcher(answer == null ? "" : answer.path("ErrorMessage").asText());
        if (!id.find()) {
            return null;
        }
        return device.repliesSent().stream().filter(r -> r.messageId().equals(id.group(1))).findFirst().map(AnsweringDevice.SentReply::nanoTime)
                .orElse(null);
    }

    private static String millisFromKill(Long nanos, long killedAt) {
        return nanos == null ? "never" : Long.toString(TimeUnit.NANOSECONDS.toMillis(nanos - killedAt));
    }

    // ---- the instances

    private void startInstances() throws Exception {
        // the first alone: it migrates the database, which the others then find done
        instances.add(start(0));
        List<CompletableFuture<Instance>> others = IntStream.range(1, INSTANCES)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return start(i);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, callers)).toList();
        others.forEach(f -> instances.add(f.join()));
        assertThat(instances.stream().map(Instance::prefix).distinct()).as("MessageId prefixes").hasSize(INSTANCES);
        // every instance in the Kafka group before any record is produced, so that the partitions are shared out once
        await(() -> instances.stream().allMatch(i -> logContains(i, "Kafka on")), Duration.ofSeconds(30), "Kafka on everywhere");
    }

    private Instance start(int index) throws Exception {
        Path dir = Files.createDirectories(workDir.resolve("instance-" + index));
        PackagedGateway gateway = PackagedGateway.start(dir, "gateway.log", settings());
        Matcher prefix = PREFIX_LOG.matcher(gateway.log());
        assertThat(prefix.find()).as("the MessageId prefix in the log of instance %d", index).isTrue();
        return new Instance(index, gateway, dir, Integer.parseInt(prefix.group(1)));
    }

    private Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("gateway.mqtt.url", mosquitto.url());
        settings.put("gateway.simulator.enabled", "false"); // the test's devices answer, once
        settings.put("gateway.auth.enabled", "false");
        // a reply lost with the killed process times the call out within the test
        settings.put("gateway.invoke.timeout", "10000");
        settings.put("gateway.registry.url", postgres.jdbcUrl());
        settings.put("gateway.registry.user", Postgres.USER);
        settings.put("gateway.files.settle-time", "200");
        // a file's lines a few at a time, so that a file lasts long enough to be cut by the kill
        settings.put("gateway.files.max-in-flight", "10");
        settings.put("camel.component.kafka.brokers", kafka.bootstrapServers());
        settings.put("gateway.kafka.requests", "scale.requests");
        settings.put("gateway.kafka.results", "scale.results");
        settings.put("gateway.kafka.dead-letter", "scale.dead");
        settings.put("gateway.kafka.max-in-flight", Integer.toString(KAFKA_IN_FLIGHT));
        // a static member that dies keeps its partitions for the session timeout (45 s by default, docs/kafka.md):
        // the broker's shortest (group.min.session.timeout.ms) keeps the test short
        settings.put("camel.component.kafka.session-timeout-ms", "6000");
        String replyGroup = System.getProperty("scale.reply-group");
        if (replyGroup != null) {
            settings.put("gateway.mqtt.reply-group", replyGroup);
        }
        return settings;
    }

    private static boolean logContains(Instance instance, String text) {
        try {
            return instance.gateway().log().contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    // ---- metrics

    /** Each instance's counters that this test reads, by a short name. */
    private Map<Instance, Map<String, Double>> snapshot() throws Exception {
        return snapshotOf(instances);
    }

    private Map<Instance, Map<String, Double>> snapshotOf(List<Instance> of) throws Exception {
        Map<Instance, Map<String, Double>> snapshot = new HashMap<>();
        for (Instance instance : of) {
            String text = get(instance, "/observe/metrics");
            assertThat(text).as("%s counts the replies it takes in (gateway_replies_received_total)", instance.name())
                    .contains("gateway_replies_received_total");
            Map<String, Double> counters = new HashMap<>();
            counters.put("broker", PrometheusText.sum(text, "gateway_replies_received_total", "via=\"broker\""));
            counters.put("hand-over", PrometheusText.sum(text, "gateway_replies_received_total", "via=\"hand-over\""));
            counters.put("delivered", PrometheusText.sum(text, "gateway_replies_handed_over_total", "outcome=\"delivered\""));
            counters.put("owner-gone", PrometheusText.sum(text, "gateway_replies_handed_over_total", "outcome=\"owner-gone\""));
            counters.put("late", PrometheusText.sum(text, "gateway_replies_ignored_total", "kind=\"late\""));
            counters.put("unknown", PrometheusText.sum(text, "gateway_replies_ignored_total", "kind=\"unknown\""));
            counters.put("other-instance", PrometheusText.sum(text, "gateway_replies_ignored_total", "kind=\"other-instance\""));
            counters.put("calls", PrometheusText.sum(text, "gateway_invocations_total", ""));
            snapshot.put(instance, counters);
        }
        return snapshot;
    }

    private static double sum(Map<Instance, Map<String, Double>> snapshot, String counter) {
        return snapshot.values().stream().mapToDouble(c -> c.get(counter)).sum();
    }

    private static double delta(Map<Instance, Map<String, Double>> before, Map<Instance, Map<String, Double>> after, Instance instance,
            String counter) {
        return after.get(instance).get(counter) - before.get(instance).get(counter);
    }

    /** Until the instances together have taken every reply the device sent from the broker, and every hand-over arrived. */
    private void awaitRepliesAccounted(int replies) {
        await(() -> {
            Map<Instance, Map<String, Double>> now = snapshot();
            return sum(now, "broker") >= replies && sum(now, "hand-over") >= sum(now, "delivered");
        }, Duration.ofSeconds(30), replies + " replies received by the instances");
    }

    /** Each instance took about a third of the replies from the broker (round robin in a shared subscription). */
    private void checkShares(Map<Instance, Map<String, Double>> before, Map<Instance, Map<String, Double>> after, int replies, String phase) {
        double share = (double) replies / INSTANCES;
        for (Instance instance : instances) {
            assertThat(delta(before, after, instance, "broker")).as("%s: replies %s received from the broker, of %d (its share %.0f; "
                    + "without shared subscriptions, all of them)", phase, instance.name(), replies, share).isBetween(share / 2, share * 1.5);
        }
    }

    // ---- HTTP

    /** n sync calls to each of these instances, CALLERS at a time per instance. */
    private List<CompletableFuture<Call>> load(List<Instance> to, int n) {
        List<CompletableFuture<Call>> calls = new ArrayList<>();
        for (Instance instance : to) {
            ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
            for (int i = 0; i < n; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> syncCall(instance), pool));
            }
            pool.shutdown();
        }
        return calls;
    }

    /** Calls one after another until the first failure, or until stopAfter past the kill (at most 2,000 calls). */
    private List<Call> callUntil(Instance instance, AtomicLong killedAt, long stopAfterNanos) {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < 2_000 && nanosSince(killedAt.get()) < stopAfterNanos; i++) {
            Call call = syncCall(instance);
            calls.add(call);
            if (call.failure() != null) {
                break;
            }
        }
        return calls;
    }

    private Call syncCall(Instance instance) {
        int label = labels.incrementAndGet();
        long start = System.nanoTime();
        try {
            JsonNode answer = call(instance, DEVICE, "Operation_Service", "{\"NumberA\":" + label + ",\"NumberB\":1}");
            return new Call(instance.index(), label, start, System.nanoTime(), answer, null);
        } catch (Exception e) {
            return new Call(instance.index(), label, start, System.nanoTime(), null, e);
        }
    }

    /** A sync call through the official Alibaba Java SDK (a form body, POST). */
    private Call sdkCall(Instance instance) {
        int label = labels.incrementAndGet();
        long start = System.nanoTime();
        try {
            CommonResponse response = sdk.getCommonResponse(AlibabaSdk.invokeThingService(instance.gateway().httpPort(), MethodType.POST, true,
                    Map.of("ProductKey", PK, "DeviceName", DEVICE, "Identifier", "Operation_Service",
                            "Args", "{\"NumberA\":" + label + ",\"NumberB\":1}")));
            return new Call(instance.index(), label, start, System.nanoTime(), JSON.readTree(response.getData()), null);
        } catch (Exception e) {
            return new Call(instance.index(), label, start, System.nanoTime(), null, e);
        }
    }

    private JsonNode call(Instance instance, String deviceName, String identifier, String args) throws IOException {
        Map<String, String> params = Map.of("Action", "InvokeThingService", "ProductKey", PK, "DeviceName", deviceName, "Identifier", identifier, "Args", args);
        String query = params.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return json(get(instance, "/?" + query));
    }

    private static String get(Instance instance, String pathAndQuery) throws IOException {
        try {
            return instance.gateway().http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.gateway().httpPort() + pathAndQuery))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    // ---- Kafka and files

    /** n Operation_Service records, sent from this thread; returns each RequestId's label, and adds the partitions they went to. */
    private Map<String, Integer> produce(String phase, int n, Set<Integer> partitions) throws Exception {
        Map<String, Integer> sent = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int label = labels.incrementAndGet();
            String id = phase + "-" + i;
            sent.put(id, label);
            partitions.add(kafka.send("scale.requests", id, request(id, label)).partition());
        }
        return sent;
    }

    /** n records spread over this long, from a thread of its own; returns each RequestId's label. */
    private Map<String, Integer> produceSlowly(String phase, int n, Duration over) {
        Map<String, Integer> sent = new HashMap<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = labels.incrementAndGet();
            String id = phase + "-" + i;
            sent.put(id, label);
            values.add(request(id, label));
        }
        Thread producer = new Thread(() -> {
            long pause = over.toMillis() * 10 / n;
            try {
                for (int i = 0; i < n; i++) {
                    kafka.send("scale.requests", phase + "-" + i, values.get(i));
                    if (pause > 0 && i % 10 == 9) {
                        Thread.sleep(pause);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "scale-producer-" + phase);
        producer.start();
        return sent;
    }

    private static String request(String id, int label) {
        return "{\"RequestId\":\"" + id + "\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"" + DEVICE + "\",\"Identifier\":\"Operation_Service\","
                + "\"Args\":{\"NumberA\":" + label + ",\"NumberB\":1}}";
    }

    /** A file of n lines into this instance's inbox; returns each line's RequestId and label. */
    private Map<String, Integer> dropFile(Instance instance, String name, int n) throws IOException {
        Map<String, Integer> sent = new HashMap<>();
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int label = labels.incrementAndGet();
            String id = name + "-" + instance.index() + "-" + i;
            sent.put(id, label);
            content.append(request(id, label)).append('\n');
        }
        Path staging = Files.writeString(instance.dir().resolve(name + ".jsonl"), content);
        Files.move(staging, Files.createDirectories(instance.dir().resolve("data/inbox")).resolve(name + ".jsonl"));
        return sent;
    }

    /** The result file of this batch file, once the instance has written it (within 90 s), one JSON object per line. */
    private static List<JsonNode> awaitResultFile(Instance instance, String name) throws IOException {
        Path resultFile = instance.dir().resolve("data/outbox/" + name + ".results.jsonl");
        await(() -> Files.exists(resultFile), Duration.ofSeconds(90), "the result file of " + instance.name());
        return Files.readAllLines(resultFile).stream().map(ScaleOutIT::json).toList();
    }

    private boolean hasResult(String requestId) {
        return results.stream().anyMatch(r -> r.path("RequestId").asText().equals(requestId));
    }

    private Map<String, List<JsonNode>> resultsByRequest() {
        return results.stream().collect(Collectors.groupingBy(r -> r.path("RequestId").asText()));
    }

    /** Reads the results topic from its start, as an application would, until the test ends. */
    private Thread readResults() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("group.id", "scale-results");
        p.put("auto.offset.reset", "earliest");
        Thread reader = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("scale.results"));
                while (reading) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> results.add(json(r.value())));
                }
            }
        }, "scale-results");
        reader.start();
        return reader;
    }

    /** The forwarded async replies of these MessageIds, by MessageId. */
    private Map<String, List<JsonNode>> forwardsOf(Set<String> messageIds) {
        return forwards.received().stream().map(m -> json(m.payload())).filter(f -> messageIds.contains(f.path("messageId").asText()))
                .collect(Collectors.groupingBy(f -> f.path("messageId").asText()));
    }

    // ---- helpers

    /** The NumberA the device echoed in the reply an answer carries (Data.Result), or -1. */
    private static int echoedLabel(JsonNode answer) {
        String result = answer.path("Data").path("Result").asText(null);
        return result == null ? -1 : json(result).path("data").path("NumberA").asInt(-1);
    }

    private static long nanosSince(long nanos) {
        return nanos == Long.MAX_VALUE ? Long.MIN_VALUE : System.nanoTime() - nanos;
    }

    private static long seconds(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sinceNanos);
    }

    private static void await(Checked condition, Duration timeout, String what) {
        Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(condition::get);
    }

    @FunctionalInterface
    private interface Checked {
        boolean get() throws Exception;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }

    /**
     * mosquitto's count of the PUBLISH packets it sent ($SYS/broker/publish/messages/sent, every second with
     * sys_interval 1), read by a client subscribed to it alone. A reading counts what was sent before it, its own
     * predecessors included, so what others got between two readings is their difference less the readings between.
     */
    private static final class BrokerCounter implements AutoCloseable {
        private static final String TOPIC = "$SYS/broker/publish/messages/sent";
        private final MqttClient client;
        private final List<Long> readings = new CopyOnWriteArrayList<>();

        record Reading(int index, long value) {
            long sentBetween(Reading earlier) {
                return value - earlier.value - (index - earlier.index);
            }
        }

        BrokerCounter(String url) throws Exception {
            client = new MqttClient(url, "scale-counter", new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            client.connect(options);
            client.subscribe(new MqttSubscription[] {new MqttSubscription(TOPIC, 0)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) ->
                            readings.add(Long.parseLong(new String(message.getPayload(), StandardCharsets.UTF_8).strip()))});
        }

        /**
         * The first reading after which the broker sent nothing but its readings for a whole interval (so every
         * message of the work before has been delivered), within 20 s.
         */
        Reading awaitQuiet() {
            Reading[] last = {nextReading()};
            await(() -> {
                Reading next = nextReading();
                boolean quiet = next.sentBetween(last[0]) == 0;
                last[0] = next;
                return quiet;
            }, Duration.ofSeconds(20), "the broker quiet for a second");
            return last[0];
        }

        /** The first reading published after this call (within a few seconds). */
        Reading nextReading() {
            int seen = readings.size();
            await(() -> readings.size() > seen, Duration.ofSeconds(10), "the broker's next $SYS reading");
            int index = readings.size() - 1;
            return new Reading(index, readings.get(index));
        }

        @Override
        public void close() throws Exception {
            client.disconnect();
            client.close();
        }
    }
}
