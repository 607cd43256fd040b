package org.thingservice.gateway.bench;

import java.util.Locale;
import java.util.UUID;

/**
 * What bench/run's Kafka and file loads share: their arguments and requests (a {@link Plan}) and the RESULT line they
 * print.
 */
final class BenchLoad {

    static final String PK = "a1LampDemo1";
    static final String SILENT_DEVICE = "lamp-silent";

    private BenchLoad() {
    }

    /**
     * A load: n requests, every silentEvery-th for the silent device with Timeout silentTimeout ms, bounded by maxSeconds,
     * named label; runId (the label and a random part) makes its RequestIds, record keys and file name its own.
     */
    record Plan(int n, int silentEvery, int silentTimeout, double maxSeconds, String label, String runId) {
        /** From the arguments n silentEvery silentTimeout maxSeconds label, at args[from] on. */
        static Plan parse(String[] args, int from) {
            String label = args[from + 4];
            return new Plan(Integer.parseInt(args[from]), Integer.parseInt(args[from + 1]), Integer.parseInt(args[from + 2]),
                    Double.parseDouble(args[from + 3]), label, label + "-" + UUID.randomUUID().toString().substring(0, 8));
        }

        /** Whether request i goes to the silent device (silentEvery 0: none does), from the middle of each block. */
        boolean silent(int i) {
            return silentEvery > 0 && i % silentEvery == silentEvery / 2;
        }

        /** The JSON request i, as a Kafka record's value or a batch file's line. */
        String request(int i) {
            boolean silent = silent(i);
            String device = silent ? SILENT_DEVICE : "lamp-" + (i % 2 + 1);
            String timeout = silent ? ",\"Timeout\":" + silentTimeout : "";
            return "{\"RequestId\":\"" + runId + "-" + i + "\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"" + device + "\"" + timeout
                    + ",\"Identifier\":\"Blink\",\"Args\":{\"param1\":" + (i % 10) + "}}";
        }
    }

    static void printResult(String kind, String label, int n, int silentCount, int ok, int timedOut, int other,
                            double secondsAll, double secondsRest, boolean complete) {
        System.out.printf(Locale.ROOT, "RESULT %s label=%s n=%d silent=%d ok=%d timeout=%d other=%d complete=%s seconds_all=%.3f seconds_rest=%.3f rate=%.1f%n",
                kind, label, n, silentCount, ok, timedOut, other, complete, secondsAll, secondsRest, (n - silentCount) / secondsRest);
    }
}
