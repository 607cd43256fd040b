package org.thingservice.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server for tests: a fresh cluster made by initdb in a temporary folder, run by pg_ctl on a free
 * loopback port, with trust authentication for the user {@value #USER}. It can be stopped and started again on the
 * same port (a database outage), and it never outlives the JVM: close() it, and a shutdown hook stops it should a
 * test end without doing so. initdb refuses to run as root: as root, the server runs as the postgres user.
 */
public final class Postgres extends ThrowawayServer {

    public static final String USER = "gateway";
    private static final long TIMEOUT_SECONDS = 60;

    private final Path bin;
    private final int port;
    private final Path data;
    private final boolean asPostgresUser;

    private Postgres(Path pgCtl) throws IOException {
        super("postgres");
        this.bin = pgCtl.getParent();
        this.port = FreePorts.next();
        this.asPostgresUser = "root".equals(System.getProperty("user.name"));
        this.data = home.resolve("data");
        if (asPostgresUser) {
            UserPrincipal postgres = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(home, postgres);
        }
    }

    /** Makes a cluster and starts it (skipping or failing the test when PostgreSQL is missing, see ExternalBinaries). */
    public static Postgres launch() {
        Path pgCtl = ExternalBinaries.pgCtl();
        Postgres postgres;
        try {
            postgres = new Postgres(pgCtl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            postgres.run("initdb", "-D", postgres.data.toString(), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync");
            postgres.start();
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
        return postgres;
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of the cluster's postgres database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Starts the server (again) on its port; returns once it accepts connections. */
    public void start() {
        // TCP on loopback only; the Unix socket in our own folder, not in /var/run/postgresql
        run("pg_ctl", "-D", data.toString(), "-l", log.toString(), "-w", "-t", Long.toString(TIMEOUT_SECONDS),
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + home + " -c fsync=off", "start");
    }

    /** Stops the server, as an outage would (fast: open connections are cut), and returns once it is down. */
    public void stop() {
        run("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", Long.toString(TIMEOUT_SECONDS), "stop");
    }

    @Override
    protected void shutDown() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
            }
        } catch (RuntimeException e) {
            System.err.println("Could not stop the test PostgreSQL in " + data + ": " + e.getMessage());
        }
    }

    private void run(String program, String... args) {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile("tsg-pg-" + program, ".out");
            try {
                // not the pipes: pg_ctl start leaves the server holding them, and reading them would wait for it
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
                            + Files.readString(output) + "\n" + logText());
                }
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + program, e);
        }
    }

}
