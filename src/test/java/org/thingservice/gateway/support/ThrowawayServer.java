package org.thingservice.gateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * A server a test runs from its installed binary, in a temporary folder of its own that holds its files and its log.
 * It never outlives the JVM: close() shuts it down and deletes the folder, and a shutdown hook does the same should a
 * test end without closing it.
 */
public abstract class ThrowawayServer implements AutoCloseable {

    protected final Path home;
    protected final Path log;
    private final Thread shutdownHook;

    protected ThrowawayServer(String name) throws IOException {
        this.home = Files.createTempDirectory("tsg-" + name);
        this.log = home.resolve(name + ".log");
        this.shutdownHook = new Thread(this::shutDownAndDeleteFiles, name + "-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Ends the server, however it is doing, as quickly as it can. */
    protected abstract void shutDown();

    @Override
    public synchronized void close() {
        try {
            shutDownAndDeleteFiles();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: nothing left to unregister
            }
        }
    }

    /** What the server logged so far: the first thing to read when a test against it fails. */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    private void shutDownAndDeleteFiles() {
        try {
            shutDown();
        } finally {
            deleteQuietly(home);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }
}
