package org.thingservice.gateway.bench;

import java.util.Locale;

/**
 * What bench/run's Kafka and file loads share: the request of line or record i (every {@code silentEvery}-th one,
 * from the middle of each block, for the silent device with a Timeout), and the RESULT line they print.
 */
final class BenchLoad {

    static final String PK = "a1LampDemo1";
    static final String SILENT_DEVICE = "lamp-silent";

    private BenchLoad() {
    }

    /** Whether request i of a load goes to the silent device (silentEvery 0: none does). */
    static boolean silent(int i, int silentEvery) {
        return silentEvery > 0 && i % silentEvery == silentEvery / 2;
    }

    /** The JSON request i, as a Kafka record's value or a batch file's line. */
    static String request(String runId, int i, int silentEvery, int silentTimeout) {
        boolean silent = silent(i, silentEvery);
        String device = silent ? SILENT_DEVICE : "lamp-" + (i % 2 + 1);
        String timeout = silent ? ",\"Timeout\":" + silentTimeout : "";
        return "{\"RequestId\":\"" + runId + "-" + i + "\",\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"" + device + "\"" + timeout
                + ",\"Identifier\":\"Blink\",\"Args\":{\"param1\":" + (i % 10) + "}}";
    }

    static void printResult(String kind, String label, int n, int silentCount, int ok, int timedOut, int other,
                            double secondsAll, double secondsRest, boolean complete) {
        System.out.printf(Locale.ROOT, "RESULT %s label=%s n=%d silent=%d ok=%d timeout=%d other=%d complete=%s seconds_all=%.3f seconds_rest=%.3f rate=%.1f%n",
                kind, label, n, silentCount, ok, timedOut, other, complete, secondsAll, secondsRest, (n - silentCount) / secondsRest);
    }
}
