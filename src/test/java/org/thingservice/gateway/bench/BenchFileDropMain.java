package org.thingservice.gateway.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.thingservice.gateway.support.Waits;

/**
 * bench/run's file drop, a process of its own: writes a .jsonl file of n requests (every silentEvery-th for the
 * silent device with Timeout silentTimeout ms) beside the inbox, moves it in, and waits for its result file in the
 * outbox. The clock runs from the move to the moment the result file is there (the gateway renames it into place
 * when complete). A result file is written whole, so "rest" is the same moment. Prints one {@code RESULT file …} line.
 *
 * <p>Not a test: {@code java -cp … BenchFileDropMain inbox outbox n silentEvery silentTimeout maxSeconds label}.
 */
public final class BenchFileDropMain {

    private BenchFileDropMain() {
    }

    public static void main(String[] args) throws Exception {
        Path inbox = Path.of(args[0]);
        Path outbox = Path.of(args[1]);
        BenchLoad.Plan plan = BenchLoad.Plan.parse(args, 2);
        int n = plan.n();
        String name = "bench-" + plan.runId();

        Files.createDirectories(inbox);
        Path staging = Files.writeString(inbox.resolveSibling(name + ".jsonl"), IntStream.range(0, n)
                .mapToObj(i -> plan.request(i)).collect(Collectors.joining("\n", "", "\n")));
        int silentCount = (int) IntStream.range(0, n).filter(i -> plan.silent(i)).count();
        Path result = outbox.resolve(name + ".results.jsonl");
        long start = System.nanoTime();
        Files.move(staging, inbox.resolve(name + ".jsonl"), StandardCopyOption.ATOMIC_MOVE);
        // polled every 5 ms: the poll is the resolution of the time measured
        Waits.until(Duration.ofMillis((long) (plan.maxSeconds() * 1000)), Duration.ofMillis(5), () -> Files.exists(result));
        long end = System.nanoTime();
        boolean complete = Files.exists(result);
        int ok = 0;
        int timedOut = 0;
        int other = 0;
        if (complete) {
            List<String> lines = Files.readAllLines(result, StandardCharsets.UTF_8);
            for (String line : lines) {
                if (line.contains("\"Success\":true")) {
                    ok++;
                } else if (line.contains("iot.messagebroker.TIMEOUT")) {
                    timedOut++;
                } else if (!line.isBlank()) {
                    other++;
                    if (other == 1) {
                        System.err.println("file " + plan.label() + ": a result neither Success nor TIMEOUT: " + line);
                    }
                }
            }
        }
        double seconds = (end - start) / 1e9;
        BenchLoad.printResult("file", plan.label(), n, silentCount, ok, timedOut, other, seconds, seconds, complete);
    }
}
