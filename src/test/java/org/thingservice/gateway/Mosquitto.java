package org.thingservice.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * A real mosquitto broker as a child process on a free loopback port, for tests against an external broker. It can be
 * stopped and started again on the same port (a broker outage), and it never outlives the JVM: close() it, and a
 * shutdown hook kills it should a test end without doing so.
 */
public final class Mosquitto implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 20;

    private final Path binary;
    private final int port;
    private final Path home;
    private final Path config;
    private final Path log;
    private final Thread shutdownHook = new Thread(this::killAndDeleteFiles, "mosquitto-shutdown-hook");
    private volatile Process process;

    private Mosquitto(Path binary) throws IOException {
        this.binary = binary;
        this.port = FreePorts.next();
        this.home = Files.createTempDirectory("tsg-mosquitto");
        this.config = home.resolve("mosquitto.conf");
        this.log = home.resolve("mosquitto.log");
        Files.writeString(config, """
                listener %d 127.0.0.1
                allow_anonymous true
                persistence false
                log_dest stderr
                log_timestamp_format %%H:%%M:%%S
                """.formatted(port), StandardCharsets.UTF_8);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a mosquitto (skipping or failing the test when the binary is missing, see ExternalBinaries). */
    public static Mosquitto launch() {
        Path binary = ExternalBinaries.mosquitto();
        Mosquitto mosquitto;
        try {
            mosquitto = new Mosquitto(binary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            mosquitto.start();
        } catch (RuntimeException e) {
            mosquitto.close();
            throw e;
        }
        return mosquitto;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Starts the broker (again) on its port and returns once the port accepts connections. */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("mosquitto is already running on port " + port);
        }
        try {
            process = new ProcessBuilder(binary.toString(), "-c", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + binary, e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (long polls = 0; !accepts(port); polls++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with " + process.exitValue() + " on port " + port + ":\n" + logText());
            }
            if (System.nanoTime() > deadline || polls > READY_TIMEOUT.toMillis() / POLL_MILLIS) {
                kill();
                throw new IllegalStateException("mosquitto did not accept connections on port " + port + " within " + READY_TIMEOUT + ":\n" + logText());
            }
            sleep(POLL_MILLIS);
        }
        if (!process.isAlive()) { // someone else's server on our port, which mosquitto then failed to bind
            throw new IllegalStateException("mosquitto exited with " + process.exitValue() + " on port " + port + ":\n" + logText());
        }
    }

    /** Kills the broker, as an outage would, and returns once it has exited and its port is closed. */
    public synchronized void stop() {
        kill();
        long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
        for (long polls = 0; accepts(port); polls++) {
            if (System.nanoTime() > deadline || polls > EXIT_TIMEOUT.toMillis() / POLL_MILLIS) {
                throw new IllegalStateException("port " + port + " still accepts connections after mosquitto was killed");
            }
            sleep(POLL_MILLIS);
        }
    }

    @Override
    public synchronized void close() {
        try {
            killAndDeleteFiles();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: nothing left to unregister
            }
        }
    }

    /** What mosquitto logged so far: the first thing to read when a test against it fails. */
    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    private void killAndDeleteFiles() {
        try {
            kill();
        } finally {
            deleteQuietly(home);
        }
    }

    private void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            if (!p.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("mosquitto (pid " + p.pid() + ") did not exit within " + EXIT_TIMEOUT + " of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for mosquitto", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }
}
