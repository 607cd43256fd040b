package org.thingservice.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real mosquitto broker as a child process on a free loopback port, for tests against an external broker. It can be
 * stopped and started again on the same port (a broker outage), and it never outlives the JVM: close() it, and a
 * shutdown hook kills it should a test end without doing so.
 */
public final class Mosquitto extends ThrowawayServer {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 20;

    private final Path binary;
    private final int port;
    private final Path config;
    private volatile Process process;

    private final boolean tls;

    private Mosquitto(Path binary, String user, String password, String plugin, String extraSettings) throws IOException {
        super("mosquitto");
        this.binary = binary;
        this.port = FreePorts.next();
        this.config = home.resolve("mosquitto.conf");
        this.tls = user != null;
        // started as root, mosquitto would become the user "mosquitto", who cannot read the files in our temp folder
        String security = "user " + System.getProperty("user.name") + "\nallow_anonymous true\n";
        if (plugin != null) {
            security = "user " + System.getProperty("user.name") + "\n" + plugin;
        } else if (tls) {
            writeCertificates();
            run(ExternalBinaries.mosquittoPasswd().toString(), "-b", "-c", home.resolve("passwd").toString(), user, password);
            security = """
                    user %s
                    allow_anonymous false
                    password_file %s
                    cafile %s
                    certfile %s
                    keyfile %s
                    """.formatted(System.getProperty("user.name"), home.resolve("passwd"), caCertificate(), home.resolve("server.crt"), home.resolve("server.key"));
        }
        Files.writeString(config, """
                per_listener_settings false
                listener %d 127.0.0.1
                %spersistence false
                log_dest stderr
                log_timestamp_format %%H:%%M:%%S
                %s""".formatted(port, security, extraSettings), StandardCharsets.UTF_8);
    }

    /** Starts a mosquitto (skipping or failing the test when the binary is missing, see ExternalBinaries). */
    public static Mosquitto launch() {
        return launch(null, null);
    }

    /**
     * Starts a mosquitto with these lines added to its configuration, e.g. {@code sys_interval 1} for its $SYS
     * counters (what a test counts on the broker itself).
     */
    public static Mosquitto launchWith(String extraSettings) {
        return launch(null, null, null, extraSettings);
    }

    /**
     * Starts a mosquitto that takes only TLS connections (a throwaway CA, made here, signs its certificate for
     * 127.0.0.1) from clients with this user name and password.
     */
    public static Mosquitto launchSecured(String user, String password) {
        return launch(user, password);
    }

    /** The sample configuration shipped beside the plugin, which the tests run as it is (but for paths and ports). */
    private static final Path PLUGIN_SAMPLE = Path.of("broker", "mosquitto", "mosquitto.conf");

    /**
     * Starts a mosquitto that lets clients in, and to topics, as the gateway's plugin (broker/mosquitto, built here)
     * learns from the gateway's /broker/auth at this URL with this secret: the settings of the shipped sample
     * broker/mosquitto/mosquitto.conf, with this plugin, URL and secret, on this broker's loopback listener.
     */
    public static Mosquitto launchWithAuthPlugin(String endpointUrl, String secret) {
        Path plugin = ExternalBinaries.mosquittoAuthPlugin();
        Map<String, String> replaced = Map.of("plugin", plugin.toString(), "plugin_opt_url", endpointUrl, "plugin_opt_secret", secret);
        StringBuilder settings = new StringBuilder();
        try {
            for (String line : Files.readAllLines(PLUGIN_SAMPLE, StandardCharsets.UTF_8)) {
                String[] words = line.strip().split("\\s+", 2);
                if (line.isBlank() || line.startsWith("#") || words[0].equals("per_listener_settings") || words[0].equals("listener")) {
                    continue; // this broker's own listener (free loopback port) replaces the sample's
                }
                settings.append(replaced.containsKey(words[0]) ? words[0] + " " + replaced.get(words[0]) : line.strip()).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return launch(null, null, settings.toString(), "");
    }

    private static Mosquitto launch(String user, String password) {
        return launch(user, password, null, "");
    }

    private static Mosquitto launch(String user, String password, String plugin, String extraSettings) {
        Path binary = ExternalBinaries.mosquitto();
        Mosquitto mosquitto;
        try {
            mosquitto = new Mosquitto(binary, user, password, plugin, extraSettings);
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
        return (tls ? "ssl" : "tcp") + "://127.0.0.1:" + port;
    }

    /** The PEM certificate of the CA that signed a secured broker's certificate: what its clients trust. */
    public Path caCertificate() {
        return home.resolve("ca.crt");
    }

    /**
     * A throwaway CA and a server certificate it signs for 127.0.0.1, made with openssl for this broker alone and
     * deleted with it: nothing a user could take for a real key is ever committed.
     */
    private void writeCertificates() throws IOException {
        String openssl = ExternalBinaries.openssl().toString();
        Files.writeString(home.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n", StandardCharsets.UTF_8);
        run(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=Thing Service Gateway throwaway test CA", "-keyout", "ca.key", "-out", "ca.crt",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
        run(openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr");
        run(openssl, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "1", "-extfile", "server.ext", "-out", "server.crt");
    }

    /** Runs a tool in the broker's folder; fails with its output when it fails. */
    private void run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
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
        try {
            poll(READY_TIMEOUT).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited with " + process.exitValue() + " on port " + port + ":\n" + logText());
                }
                return accepts(port);
            });
        } catch (ConditionTimeoutException e) {
            kill();
            throw new IllegalStateException("mosquitto did not accept connections on port " + port + " within " + READY_TIMEOUT + ":\n" + logText());
        }
        if (!process.isAlive()) { // someone else's server on our port, which mosquitto then failed to bind
            throw new IllegalStateException("mosquitto exited with " + process.exitValue() + " on port " + port + ":\n" + logText());
        }
    }

    /** Kills the broker, as an outage would, and returns once it has exited and its port is closed. */
    public synchronized void stop() {
        kill();
        try {
            poll(EXIT_TIMEOUT).until(() -> !accepts(port));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("port " + port + " still accepts connections after mosquitto was killed");
        }
    }

    /**
     * Freezes the broker (SIGSTOP): its connections stay open and take what is written to them, but nothing is
     * answered, as with a broker that hangs. {@link #thaw()} lets it go on.
     */
    public synchronized void freeze() {
        signal("-STOP");
    }

    public synchronized void thaw() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).redirectErrorStream(true).start();
            if (!kill.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void shutDown() {
        kill();
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

    /** Polls at once, then every POLL_MILLIS, for at most {@code timeout}. */
    private static ConditionFactory poll(Duration timeout) {
        return Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(POLL_MILLIS));
    }

}
