package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.mqtt.NoDelaySocketFactory;

/**
 * Throughput and latency of sync InvokeThingService calls through the gateway, next to the same Alink RRPC round
 * trip done directly by MQTT clients, on the same embedded broker and the same machine. Not a timed test: it prints
 * a table (and the targets, PASS/MISS) and asserts only that every call succeeded with the right echo.
 *
 * <p>Run with {@code mvn -B verify -Pbenchmark}; a normal build excludes the tag. Knobs (system properties, e.g.
 * {@code -Dbench.calls=5000}): bench.warmup.calls (10000), bench.warmup.seconds (10), bench.calls (20000),
 * bench.seconds (20), bench.callers (64,1: in this order, so that the JIT has compiled the busy paths before the
 * latency at 1 caller is measured; broker, gateway, device and callers share one JVM and 2 cores), bench.http (socket, jdk or both: the HTTP client the callers use),
 * bench.raw (true; false skips the raw baseline, e.g. while profiling the gateway), bench.raw.connections (1: how
 * many MQTT connections the raw callers share), bench.workers (the gateway's gateway.http.worker-threads), bench.set
 * (gateway settings for an experiment, key=value;key=value).
 *
 * <ul>
 * <li>raw: the caller threads share one MQTT 5 "caller" client (paho MqttAsyncClient, TCP_NODELAY), as the gateway's
 * calls share its one connection: each publishes the Alink request at QoS 1 to /sys/{pk}/bench-00/rrpc/request/{id}
 * and waits for the reply that the client's subscription to the response topic hands over by id. (One connection
 * per caller, -Dbench.raw.connections=64, was slower on 2 cores.)</li>
 * <li>gateway: each caller thread makes sync calls (Blink on lamp-1) over an HTTP/1.1 keep-alive connection.</li>
 * </ul>
 * Both are answered by the same fast device: one raw paho client subscribed to /sys/+/+/rrpc/request/+ that echoes
 * params at once from its callback thread. The gateway runs with its simulator off, and its reply route is stopped
 * during the raw phases so that it does not also digest (and log) the raw callers' replies.
 */
@Tag("benchmark")
class InvokeBenchmark extends GatewayTestSupport {

    private static final int WARMUP_CALLS = Integer.getInteger("bench.warmup.calls", 10_000);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup.seconds", 10);
    private static final int CALLS = Integer.getInteger("bench.calls", 20_000);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    private static final int[] CALLERS = Arrays.stream(System.getProperty("bench.callers", "64,1").split(","))
            .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    private static final String HTTP_CLIENTS = System.getProperty("bench.http", "socket");
    private static final boolean RAW = Boolean.parseBoolean(System.getProperty("bench.raw", "true"));
    private static final int RAW_CONNECTIONS = Integer.getInteger("bench.raw.connections", 1);

    /** the targets */
    private static final double MIN_THROUGHPUT_RATIO = 0.5;
    private static final double MAX_P50_OVERHEAD_MS = 1.5;

    @Override
    protected Map<String, String> settings() {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("gateway.simulator.enabled", "false"));
        if (System.getProperty("bench.workers") != null) {
            settings.put("gateway.http.worker-threads", System.getProperty("bench.workers"));
        }
        for (String setting : System.getProperty("bench.set", "").split(";")) { // experiments: -Dbench.set=key=value;key=value
            if (setting.contains("=")) {
                settings.put(setting.substring(0, setting.indexOf('=')).trim(), setting.substring(setting.indexOf('=') + 1).trim());
            }
        }
        return settings;
    }

    @Test
    void gatewayNextToRawMqtt() throws Exception {
        FileAppender<ILoggingEvent> invocationLog = invocationLogToFile();
        List<Result> results = new ArrayList<>();
        try (FastDevice device = new FastDevice(brokerUrl())) {
            context.getRouteController().stopRoute("rrpc-replies");
            for (int callers : RAW ? CALLERS : new int[0]) {
                int count = Math.max(1, Math.min(RAW_CONNECTIONS, callers));
                List<RawMqttConnection> connections = new ArrayList<>();
                try {
                    for (int i = 0; i < count; i++) {
                        connections.add(new RawMqttConnection(brokerUrl(), i));
                    }
                    results.add(measure("raw MQTT", callers, i -> new RawMqttCaller(connections.get(i % count))));
                } finally {
                    for (RawMqttConnection connection : connections) {
                        connection.close();
                    }
                }
            }
            context.getRouteController().startRoute("rrpc-replies");
            for (String client : HTTP_CLIENTS.split(",")) {
                List<String> kinds = client.equals("both") ? List.of("socket", "jdk") : List.of(client.trim());
                for (String kind : kinds) {
                    HttpClient jdk = kind.equals("jdk") ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build() : null;
                    for (int callers : CALLERS) {
                        results.add(measure("gateway (" + kind + " http)", callers,
                                i -> jdk != null ? new JdkHttpCaller(jdk, httpPort()) : new SocketHttpCaller(httpPort())));
                    }
                }
            }
            System.out.println(table(results, device));
        } finally {
            invocationLog.stop();
        }
        for (Result r : results) {
            assertThat(r.errors).as(r.name + " at " + r.callers + " callers failed calls, first: " + r.firstError).isZero();
            assertThat(r.calls).as(r.name + " at " + r.callers + " callers").isPositive();
        }
    }

    /**
     * The gateway writes one INFO line per call; here it goes to a file, as in production, rather than through the
     * test runner's console pipe (which costs far more than a log file and would flood the build output).
     */
    private static FileAppender<ILoggingEvent> invocationLogToFile() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(logging);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(logging);
        file.setName("benchmark-invocations");
        file.setFile("target/benchmark-invocations.log");
        file.setAppend(false);
        file.setEncoder(encoder);
        file.start();
        Logger invocations = (Logger) LoggerFactory.getLogger("org.thingservice.gateway.Invocations");
        invocations.setAdditive(false);
        invocations.addAppender(file);
        return file;
    }

    // ---------------------------------------------------------------------------------------------------------
    // the measurement

    interface Caller extends AutoCloseable {
        /** One round trip, checked; throws when it failed or came back wrong. */
        void call(int param) throws Exception;
    }

    interface CallerFactory {
        Caller create(int index) throws Exception;
    }

    record Result(String name, int callers, long calls, long errors, String firstError, double seconds, long[] sortedNanos, long cpuNanos,
                  Map<String, Long> cpuByGroup) {
        String cpuBreakdown() {
            StringBuilder out = new StringBuilder();
            cpuByGroup.forEach((group, nanos) -> {
                if (group.equals("gc count")) {
                    out.append(String.format(Locale.ROOT, "(%d collections in the phase), ", nanos));
                } else if (group.equals("allocated bytes")) {
                    out.append(String.format(Locale.ROOT, "allocated %.1f KB/call, ", calls == 0 ? 0 : nanos / 1024.0 / calls));
                } else if (calls > 0 && nanos / 1e3 / calls >= 1) {
                    out.append(String.format(Locale.ROOT, "%s %.0f, ", group, nanos / 1e3 / calls));
                }
            });
            return out.length() == 0 ? "" : out.substring(0, out.length() - 2);
        }

        double throughput() {
            return calls / seconds;
        }

        /** CPU time of this whole JVM (broker, gateway, device and callers) per call: steadier than time when the machine is shared */
        double cpuMicrosPerCall() {
            return calls == 0 ? Double.NaN : cpuNanos / 1e3 / calls;
        }

        double meanMillis() {
            return sortedNanos.length == 0 ? Double.NaN : Arrays.stream(sortedNanos).average().orElse(0) / 1e6;
        }

        double percentileMillis(double p) {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
        }
    }

    private static Result measure(String name, int callers, CallerFactory factory) throws Exception {
        List<Caller> pool = new ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                pool.add(factory.create(i));
            }
            Result warm = run(name, pool, WARMUP_CALLS, WARMUP_SECONDS);
            System.gc();
            Result measured = run(name, pool, CALLS, SECONDS);
            if (warm.errors > 0) { // counted with the measured ones: the benchmark asserts zero errors overall
                measured = new Result(name, callers, measured.calls, measured.errors + warm.errors,
                        measured.firstError != null ? measured.firstError : warm.firstError, measured.seconds, measured.sortedNanos,
                        measured.cpuNanos, measured.cpuByGroup);
            }
            System.out.printf(Locale.ROOT, "%-22s %3d callers: %8.0f calls/s  p50 %6.3f ms  p90 %6.3f ms  p99 %7.3f ms  "
                            + "max %7.3f ms  cpu %4.0f us/call  (%d calls in %.1f s, %d errors)%n",
                    name, callers, measured.throughput(), measured.percentileMillis(50), measured.percentileMillis(90),
                    measured.percentileMillis(99), measured.percentileMillis(100), measured.cpuMicrosPerCall(), measured.calls,
                    measured.seconds, measured.errors);
            return measured;
        } finally {
            for (Caller c : pool) {
                c.close();
            }
        }
    }

    /** All callers call back to back until maxCalls calls were started or maxSeconds passed, whichever comes first. */
    private static Result run(String name, List<Caller> callers, int maxCalls, int maxSeconds) throws InterruptedException {
        AtomicLong started = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong callerCpu = new AtomicLong(); // the caller threads end before the CPU snapshot: they count their own
        AtomicLong callerAlloc = new AtomicLong();
        long[][] latencies = new long[callers.size()][];
        int[] counts = new int[callers.size()];
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] window = new long[2];
        for (int t = 0; t < callers.size(); t++) {
            int index = t;
            Caller caller = callers.get(t);
            latencies[t] = new long[maxCalls];
            threads.add(new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long deadline = window[0] + TimeUnit.SECONDS.toNanos(maxSeconds);
                long[] mine = latencies[index];
                int n = 0;
                for (long seq = started.getAndIncrement(); seq < maxCalls && System.nanoTime() < deadline; seq = started.getAndIncrement()) {
                    long t0 = System.nanoTime();
                    try {
                        caller.call((int) (seq % 11)); // Blink's param1 is an int 0..10
                        mine[n++] = System.nanoTime() - t0;
                    } catch (Throwable e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                }
                counts[index] = n;
                callerCpu.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean) {
                    callerAlloc.addAndGet(bean.getCurrentThreadAllocatedBytes());
                }
            }, "bench-caller-" + t));
        }
        threads.forEach(Thread::start);
        long alloc0 = allocatedBytes();
        long[] gc0 = gc();
        long cpu0 = processCpuNanos();
        Map<Long, Long> threadCpu0 = threadCpuNanos();
        window[0] = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        window[1] = System.nanoTime();
        long cpu = processCpuNanos() - cpu0;
        Map<String, Long> byGroup = cpuByGroup(threadCpu0, threadCpuNanos(), cpu, callerCpu.get());
        long[] gc1 = gc();
        byGroup.put("allocated bytes", allocatedBytes() - alloc0 + callerAlloc.get());
        byGroup.put("gc pauses (wall)", TimeUnit.MILLISECONDS.toNanos(gc1[1] - gc0[1]));
        byGroup.put("gc count", gc1[0] - gc0[0]);
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < latencies.length; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        return new Result(name, callers.size(), total, errors.get(), firstError.get(), (window[1] - window[0]) / 1e9, all, cpu, byGroup);
    }

    /** Who used the CPU: thread name patterns, in the order they are tried. */
    private static final String[][] THREAD_GROUPS = {
            {"broker (HiveMQ)", "hivemq.*|embedded-hivemq.*|scheduled-persistence.*"},
            {"HTTP event loop", "vert\\.x-eventloop.*|vert\\.x-acceptor.*"},
            {"route workers", "vert\\.x-worker.*"},
            {"gateway MQTT+Camel", "MQTT .*(camel-paho|tsg-publisher).*|Camel .*"},
            {"device", "MQTT .*bench-device.*"},
            {"raw caller client", "MQTT .*bench-caller.*"},
            {"callers (bench)", "bench-caller-.*|HttpClient.*"},
    };

    private static Map<Long, Long> threadCpuNanos() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new java.util.HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long nanos = threads.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }

    /** CPU time per thread group between two snapshots; "other" is what no Java thread accounts for (JIT, GC, ...). */
    private static Map<String, Long> cpuByGroup(Map<Long, Long> before, Map<Long, Long> after, long processNanos, long callerNanos) {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> groups = new java.util.LinkedHashMap<>();
        for (String[] group : THREAD_GROUPS) {
            groups.put(group[0], 0L);
        }
        groups.put("other Java threads", 0L);
        long accounted = 0;
        for (Map.Entry<Long, Long> entry : after.entrySet()) {
            long used = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
            java.lang.management.ThreadInfo info = threads.getThreadInfo(entry.getKey());
            String threadName = info == null ? "" : info.getThreadName();
            String group = "other Java threads";
            for (String[] g : THREAD_GROUPS) {
                if (threadName.matches(g[1])) {
                    group = g[0];
                    break;
                }
            }
            groups.merge(group, used, Long::sum);
            accounted += used;
        }
        groups.merge("callers (bench)", callerNanos, Long::sum);
        accounted += callerNanos;
        groups.put("JVM (JIT, GC) and ended threads", Math.max(0, processNanos - accounted));
        return groups;
    }

    /** bytes allocated so far by the live threads (steadier than time or CPU on a shared machine) */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean) {
            return Arrays.stream(bean.getThreadAllocatedBytes(bean.getAllThreadIds())).filter(b -> b > 0).sum();
        }
        return 0;
    }

    /** collections so far and their total time in ms, over all collectors */
    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    private static String table(List<Result> results, FastDevice device) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%n=== InvokeThingService benchmark (%d cores; warm-up %d calls/%d s; measured up to %d calls/%d s) ===%n",
                Runtime.getRuntime().availableProcessors(), WARMUP_CALLS, WARMUP_SECONDS, CALLS, SECONDS));
        out.append(String.format(Locale.ROOT, "%-22s %8s %10s %9s %9s %9s %12s %8s %7s%n", "", "callers", "calls/s", "p50 ms", "p99 ms",
                "mean ms", "cpu us/call", "calls", "errors"));
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "%-22s %8d %10.0f %9.3f %9.3f %9.3f %12.0f %8d %7d%n", r.name, r.callers, r.throughput(),
                    r.percentileMillis(50), r.percentileMillis(99), r.meanMillis(), r.cpuMicrosPerCall(), r.calls, r.errors));
        }
        out.append("CPU us per call by thread group:\n");
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "  %-22s %3d: %s%n", r.name, r.callers, r.cpuBreakdown()));
        }
        for (Result g : results) {
            if (!g.name.startsWith("gateway")) {
                continue;
            }
            Result raw = results.stream().filter(r -> r.name.startsWith("raw") && r.callers == g.callers).findFirst().orElse(null);
            if (raw == null) {
                continue;
            }
            if (g.callers == 1) {
                double overhead = g.percentileMillis(50) - raw.percentileMillis(50);
                out.append(String.format(Locale.ROOT, "%s at 1 caller: p50 - raw p50 = %.3f ms (target <= %.1f ms): %s%n",
                        g.name, overhead, MAX_P50_OVERHEAD_MS, overhead <= MAX_P50_OVERHEAD_MS ? "PASS" : "MISS"));
            } else {
                double ratio = g.throughput() / raw.throughput();
                out.append(String.format(Locale.ROOT, "%s at %d callers: throughput / raw = %.2f (target >= %.2f at 64): %s%n",
                        g.name, g.callers, ratio, MIN_THROUGHPUT_RATIO, g.callers != 64 ? "n/a" : ratio >= MIN_THROUGHPUT_RATIO ? "PASS" : "MISS"));
            }
        }
        out.append(String.format(Locale.ROOT, "fast device answered %d requests (broker Receive Maximum %d); "
                + "issue's reference: raw ~8,000/s at 64 callers, raw p50 ~0.2 ms at 1 caller, Node-RED ~1,300/s%n",
                device.answered.get(), device.receiveMaximum));
        return out.toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // MQTT: the fast device and the raw callers

    private static MqttConnectionOptions options() {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setSocketFactory(new NoDelaySocketFactory());
        options.setAutomaticReconnect(false);
        return options;
    }

    /** Connects and returns the broker's Receive Maximum: how many QoS 1 publishes may await their PUBACK. */
    private static int connect(MqttAsyncClient client) throws MqttException {
        IMqttToken token = client.connect(options());
        token.waitForCompletion(10_000);
        MqttProperties connack = token.getResponseProperties();
        Integer max = connack == null ? null : connack.getReceiveMaximum();
        return max == null ? 65_535 : max;
    }

    /**
     * QoS 1 publishes on one connection within the broker's Receive Maximum (paho refuses more than that with
     * "too many publishes in progress" instead of queueing them): the surplus waits here, without blocking the
     * caller, and goes out as PUBACKs come back.
     */
    static final class Publisher {
        private record Pending(String topic, byte[] payload) {
        }

        private final MqttAsyncClient client;
        private final Semaphore permits;
        private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
        private final MqttActionListener done = new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                permits.release();
                drain();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                permits.release();
                drain();
            }
        };

        Publisher(MqttAsyncClient client, int receiveMaximum) {
            this.client = client;
            this.permits = new Semaphore(receiveMaximum);
        }

        void publish(String topic, byte[] payload) {
            queue.add(new Pending(topic, payload));
            drain();
        }

        private void drain() {
            while (!queue.isEmpty() && permits.tryAcquire()) {
                Pending next = queue.poll();
                if (next == null) {
                    permits.release();
                    continue;
                }
                try {
                    client.publish(next.topic, next.payload, 1, false, null, done);
                } catch (MqttException e) {
                    permits.release();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** A device that answers every RRPC request at once, echoing its params, from paho's callback thread. */
    static final class FastDevice implements AutoCloseable {
        final AtomicLong answered = new AtomicLong();
        final int receiveMaximum;
        private final MqttAsyncClient client;
        private final Publisher publisher;

        FastDevice(String brokerUrl) throws MqttException {
            client = new MqttAsyncClient(brokerUrl, "bench-device-" + UUID.randomUUID(), new MemoryPersistence());
            client.setCallback(new MqttMessageCallback() {
                @Override
                public void messageArrived(String topic, MqttMessage message) throws Exception {
                    answer(topic, message.getPayload());
                }
            });
            receiveMaximum = connect(client);
            publisher = new Publisher(client, receiveMaximum);
            client.subscribe("/sys/+/+/rrpc/request/+", 1).waitForCompletion(10_000);
        }

        private void answer(String topic, byte[] request) throws IOException {
            String id = topic.substring(topic.lastIndexOf('/') + 1);
            JsonNode params = JSON.readTree(request).path("params");
            byte[] reply = ("{\"id\":\"" + id + "\",\"code\":200,\"data\":" + params + "}").getBytes(StandardCharsets.UTF_8);
            publisher.publish(topic.replace("/rrpc/request/", "/rrpc/response/"), reply);
            answered.incrementAndGet();
        }

        @Override
        public void close() throws MqttException {
            client.disconnect().waitForCompletion(5_000);
            client.close();
        }
    }

    /**
     * One raw caller connection: an MQTT client with its own device name, publishing Alink requests at QoS 1 and
     * handing each reply on its response topic to the caller waiting for that id.
     */
    static final class RawMqttConnection implements AutoCloseable {
        private final MqttAsyncClient client;
        private final Publisher publisher;
        private final String requestTopic;
        private final Map<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();

        RawMqttConnection(String brokerUrl, int index) throws MqttException {
            String device = String.format(Locale.ROOT, "bench-%02d", index);
            requestTopic = "/sys/" + PK + "/" + device + "/rrpc/request/";
            client = new MqttAsyncClient(brokerUrl, "bench-caller-" + UUID.randomUUID(), new MemoryPersistence());
            client.setCallback(new MqttMessageCallback() {
                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    CompletableFuture<String> reply = waiting.remove(topic.substring(topic.lastIndexOf('/') + 1));
                    if (reply != null) {
                        reply.complete(new String(message.getPayload(), StandardCharsets.UTF_8));
                    }
                }
            });
            publisher = new Publisher(client, connect(client));
            client.subscribe("/sys/" + PK + "/" + device + "/rrpc/response/+", 1).waitForCompletion(10_000);
        }

        CompletableFuture<String> send(String id, byte[] request) {
            CompletableFuture<String> reply = new CompletableFuture<>();
            waiting.put(id, reply);
            publisher.publish(requestTopic + id, request);
            return reply;
        }

        @Override
        public void close() throws MqttException {
            client.disconnect().waitForCompletion(5_000);
            client.close();
        }
    }

    /** The raw baseline: the Alink request out at QoS 1, the reply awaited by its id. */
    static final class RawMqttCaller implements Caller {
        private static final AtomicLong IDS = new AtomicLong(1_000_000);
        private final RawMqttConnection connection;

        RawMqttCaller(RawMqttConnection connection) {
            this.connection = connection;
        }

        @Override
        public void call(int param) throws Exception {
            String id = Long.toString(IDS.getAndIncrement());
            byte[] request = ("{\"id\":\"" + id + "\",\"version\":\"1.0\",\"params\":{\"param1\":" + param
                    + "},\"method\":\"thing.service.Blink\"}").getBytes(StandardCharsets.UTF_8);
            String answer = connection.send(id, request).get(10, TimeUnit.SECONDS);
            if (!answer.startsWith("{\"id\":\"" + id + "\",\"code\":200,") || !answer.contains("\"param1\":" + param + "}")) {
                throw new IllegalStateException("wrong reply to " + id + ": " + answer);
            }
        }

        @Override
        public void close() {
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // HTTP: sync calls to the gateway

    private static String query(int param) {
        return "/?Action=InvokeThingService&ProductKey=" + PK + "&DeviceName=lamp-1&Identifier=Blink&Args=%7B%22param1%22%3A" + param + "%7D";
    }

    /** A sync call's answer: Success, the device's reply as Result, its id the MessageId, params echoed. */
    private static void check(int status, String body, int param) throws IOException {
        JsonNode answer = JSON.readTree(body);
        if (status != 200 || !answer.path("Success").asBoolean()) {
            throw new IllegalStateException("HTTP " + status + ": " + body);
        }
        JsonNode data = answer.path("Data");
        JsonNode reply = JSON.readTree(data.path("Result").asText());
        if (!reply.path("id").asText().equals(data.path("MessageId").asText()) || reply.path("code").asInt() != 200
                || reply.path("data").path("param1").asInt(-1) != param) {
            throw new IllegalStateException("wrong answer for param1=" + param + ": " + body);
        }
    }

    /** java.net.http.HttpClient, HTTP/1.1: its pool keeps one keep-alive connection per concurrent caller. */
    static final class JdkHttpCaller implements Caller {
        private final HttpClient client;
        private final String base;

        JdkHttpCaller(HttpClient client, int port) {
            this.client = client;
            this.base = "http://127.0.0.1:" + port;
        }

        @Override
        public void call(int param) throws Exception {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + query(param)))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            check(response.statusCode(), response.body(), param);
        }

        @Override
        public void close() {
        }
    }

    /**
     * A lean HTTP/1.1 client on one keep-alive socket: writes the GET, reads the status line, the headers and a
     * Content-Length (or chunked) body. No thread hops, so the numbers are the gateway's rather than the client's.
     */
    static final class SocketHttpCaller implements Caller {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String host;

        SocketHttpCaller(int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            host = "127.0.0.1:" + port;
        }

        @Override
        public void call(int param) throws Exception {
            out.write(("GET " + query(param) + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 ")) {
                throw new IOException("bad status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String h = header.toLowerCase(Locale.ROOT);
                if (h.startsWith("content-length:")) {
                    length = Integer.parseInt(h.substring(15).trim());
                } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                    chunked = true;
                } else if (h.startsWith("connection:") && h.contains("close")) {
                    close = true;
                }
            }
            byte[] body;
            if (chunked) {
                java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
                for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                    buffer.write(in.readNBytes(size));
                    line();
                }
                line();
                body = buffer.toByteArray();
            } else if (length >= 0) {
                body = in.readNBytes(length);
            } else {
                throw new IOException("no Content-Length and not chunked");
            }
            if (close) {
                throw new IOException("the server closed the keep-alive connection");
            }
            check(code, new String(body, StandardCharsets.UTF_8), param);
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
