package org.thingservice.gateway.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * bench/run's raw MQTT baseline, a process of its own: the Alink RRPC round trip with no gateway, through the same
 * broker and device responder. Caller threads share one paho MQTT 5 client (InvokeBenchmark's raw caller: QoS 1
 * requests within the broker's Receive Maximum, replies handed to the waiting caller by id), each doing one call
 * after the other. A warm-up at the first number of callers, then for each a measured part bounded in seconds and
 * in calls.
 * Prints one {@code RESULT raw …} line per number of callers.
 *
 * <p>Not a test: {@code java -cp … org.thingservice.gateway.bench.BenchRawMqttMain tcp://127.0.0.1:1883 64,1 10 200000 5}
 * (broker, callers, seconds, most calls, warm-up seconds).
 */
public final class BenchRawMqttMain {

    private BenchRawMqttMain() {
    }

    public static void main(String[] args) throws Exception {
        String brokerUrl = args[0];
        int[] callerCounts = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        double seconds = Double.parseDouble(args[2]);
        long maxCalls = Long.parseLong(args[3]);
        double warmupSeconds = Double.parseDouble(args[4]);
        try (RawMqttConnection connection = new RawMqttConnection(brokerUrl, 0)) {
            run(connection, callerCounts[0], warmupSeconds, maxCalls);
            for (int callers : callerCounts) {
                long[] figures = run(connection, callers, seconds, maxCalls);
                long calls = figures.length - 2;
                long[] nanos = Arrays.copyOfRange(figures, 2, figures.length);
                Arrays.sort(nanos);
                double elapsed = figures[0] / 1e9;
                System.out.printf(Locale.ROOT, "RESULT raw callers=%d calls=%d errors=%d seconds=%.3f rate=%.1f p50_ms=%.3f p99_ms=%.3f%n",
                        callers, calls, figures[1], elapsed, calls / elapsed, percentile(nanos, 0.50), percentile(nanos, 0.99));
            }
        }
    }

    /** {elapsed ns, errors, latency ns of each successful call...}, callers threads until the time or the calls run out. */
    private static long[] run(RawMqttConnection connection, int callers, double seconds, long maxCalls) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong budget = new AtomicLong(maxCalls);
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        List<long[]> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < callers; c++) {
            long[][] mine = {new long[1024]};
            int[] count = {0};
            RawMqttCaller caller = new RawMqttCaller(connection);
            Thread thread = new Thread(() -> {
                for (int i = 0; System.nanoTime() < deadline && budget.getAndDecrement() > 0; i++) {
                    long t0 = System.nanoTime();
                    try {
                        caller.call(i % 10);
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e);
                        continue;
                    }
                    if (count[0] == mine[0].length) {
                        mine[0] = Arrays.copyOf(mine[0], count[0] * 2);
                    }
                    mine[0][count[0]++] = System.nanoTime() - t0;
                }
                synchronized (perThread) {
                    perThread.add(Arrays.copyOf(mine[0], count[0]));
                }
            }, "raw-caller-" + c);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join((long) (seconds * 1000) + 30_000);
        }
        long elapsed = System.nanoTime() - start;
        if (firstError.get() != null) {
            System.err.println("raw MQTT: " + errors.get() + " calls failed, the first: " + firstError.get());
        }
        long[] all = perThread.stream().flatMapToLong(Arrays::stream).toArray();
        long[] figures = new long[all.length + 2];
        figures[0] = elapsed;
        figures[1] = errors.get();
        System.arraycopy(all, 0, figures, 2, all.length);
        return figures;
    }

    static double percentile(long[] sortedNanos, double p) {
        return sortedNanos.length == 0 ? Double.NaN : sortedNanos[Math.min(sortedNanos.length - 1, (int) (sortedNanos.length * p))] / 1e6;
    }
}
