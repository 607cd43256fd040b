package org.thingservice.gateway.files;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One input file on its way through: its lines, and the result of each once it has one. */
public final class Batch {

    /** One request line; request is null when the line could not be parsed (problem says why). */
    public record Line(int index, int number, JsonNode request, String problem) {
    }

    private final String fileName;
    private final String id;
    private final List<Line> lines;
    private final JsonNode[] results;
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final long startNanos = System.nanoTime();
    private int done;
    private int replayed;
    private long lastProgressNanos = startNanos;

    Batch(String fileName, String id, List<Line> lines) {
        this.fileName = fileName;
        this.id = id;
        this.lines = lines;
        this.results = new JsonNode[lines.size()];
    }

    public String fileName() {
        return fileName;
    }

    /** What identifies this drop of the file: its content, and its modification time when repeats are allowed. */
    public String id() {
        return id;
    }

    public List<Line> lines() {
        return lines;
    }

    synchronized int record(int index, JsonNode result, String outcome, boolean fromStore) {
        results[index] = result;
        replayed += fromStore ? 1 : 0;
        outcomes.merge(outcome, 1, Integer::sum);
        return ++done;
    }

    /** Lines answered so far. */
    synchronized int answered() {
        return done;
    }

    synchronized JsonNode result(int index) {
        return results[index];
    }

    synchronized Map<String, Integer> outcomes() {
        return new TreeMap<>(outcomes);
    }

    /** Lines answered with the result stored when the same content was processed before. */
    synchronized int replayed() {
        return replayed;
    }

    /** True at most once per interval: time to log progress. */
    synchronized boolean progressDue(long intervalNanos) {
        long now = System.nanoTime();
        if (now - lastProgressNanos < intervalNanos) {
            return false;
        }
        lastProgressNanos = now;
        return true;
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
