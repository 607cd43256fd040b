package org.thingservice.gateway.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Server binaries some tests run as child processes (installed from Debian packages, not from Maven). A missing one
 * skips the test, loudly; with GATEWAY_TESTS_REQUIRE_BINARIES=true (CI) it fails it, so nothing is skipped unnoticed.
 */
public final class ExternalBinaries {

    public static final String REQUIRE_VARIABLE = "GATEWAY_TESTS_REQUIRE_BINARIES";
    // Debian installs it in /usr/sbin, which is not on every user's PATH
    private static final List<Path> MOSQUITTO_LOCATIONS = List.of(Path.of("/usr/sbin/mosquitto"));
    // Debian keeps the PostgreSQL server programs out of PATH, in a folder per major version
    private static final List<Path> PG_CTL_LOCATIONS = List.of(Path.of("/usr/lib/postgresql/17/bin/pg_ctl"),
            Path.of("/usr/lib/postgresql/16/bin/pg_ctl"), Path.of("/usr/lib/postgresql/15/bin/pg_ctl"));

    private ExternalBinaries() {
    }

    /** The mosquitto MQTT broker; aborts (or fails) the calling test when it is not installed. */
    public static Path mosquitto() {
        return require("mosquitto", "mosquitto", MOSQUITTO_LOCATIONS, required());
    }

    public static boolean hasMosquitto() {
        return locate("mosquitto", MOSQUITTO_LOCATIONS).isPresent();
    }

    /** mosquitto_passwd, which writes mosquitto's password files (in the mosquitto package). */
    public static Path mosquittoPasswd() {
        return require("mosquitto_passwd", "mosquitto", List.of(Path.of("/usr/bin/mosquitto_passwd")), required());
    }

    /** openssl, for throwaway test certificates. */
    public static Path openssl() {
        return require("openssl", "openssl", List.of(Path.of("/usr/bin/openssl")), required());
    }

    /** Python 3, which runs bin/invoke. */
    public static Path python3() {
        return require("python3", "python3", List.of(Path.of("/usr/bin/python3")), required());
    }

    public static boolean hasPython3() {
        return locate("python3", List.of(Path.of("/usr/bin/python3"))).isPresent();
    }

    /** Node.js, which runs the official Alibaba device SDK for Node.js. */
    public static Path node() {
        return require("node", "nodejs", List.of(Path.of("/usr/bin/node")), required());
    }

    /** The npm package version of the Alibaba Node.js device SDK the tests run, as .ci/run installs it. */
    public static final String NODE_DEVICE_SDK = "alibabacloud-iot-device-sdk@1.2.8";

    /**
     * The official Alibaba device SDK for Node.js, unmodified from npm, in the git-ignored .node/ of the project
     * (.ci/run: npm install --prefix .node alibabacloud-iot-device-sdk@1.2.8); aborts (or fails) the calling test
     * when it is not there.
     */
    public static Path nodeDeviceSdk() {
        node();
        Path sdk = Path.of(".node", "node_modules", "alibabacloud-iot-device-sdk").toAbsolutePath();
        if (Files.isRegularFile(sdk.resolve("package.json"))) {
            return sdk;
        }
        return missing("The Alibaba Node.js device SDK is not installed in " + sdk + ". Install it with: "
                + "npm install --prefix .node --no-audit --no-fund " + NODE_DEVICE_SDK, required());
    }

    /** Like RequireMosquitto, for the Node.js device SDK. */
    public static final class RequireNodeDeviceSdk implements BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            nodeDeviceSdk();
        }
    }

    /** The headers the mosquitto plugin of broker/mosquitto is built against, each with its Debian package. */
    private static final Map<String, String> PLUGIN_HEADERS = Map.of("mosquitto_broker.h", "mosquitto-dev", "mosquitto.h", "libmosquitto-dev",
            "curl/curl.h", "libcurl4-openssl-dev", "cjson/cJSON.h", "libcjson-dev");

    /**
     * The gateway's mosquitto plugin (broker/mosquitto/tsg_auth.c), built by its Makefile into target/mosquitto-plugin
     * with make and gcc; aborts (or fails) the calling test when a tool or header is missing, fails it when the
     * build fails.
     */
    public static synchronized Path mosquittoAuthPlugin() {
        require("make", "make", List.of(Path.of("/usr/bin/make")), required());
        require("gcc", "gcc", List.of(Path.of("/usr/bin/gcc")), required());
        PLUGIN_HEADERS.forEach((header, aptPackage) -> {
            if (!hasHeader(header)) {
                missing("The header " + header + " is not installed. Install it with: apt-get install -y " + aptPackage, required());
            }
        });
        Path out = Path.of("target", "mosquitto-plugin").toAbsolutePath();
        try {
            Process make = new ProcessBuilder("make", "-C", Path.of("broker", "mosquitto").toAbsolutePath().toString(), "OUT=" + out)
                    .redirectErrorStream(true).start();
            String output = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!make.waitFor(120, TimeUnit.SECONDS) || make.exitValue() != 0) {
                Assertions.fail("Building the mosquitto plugin failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out.resolve("tsg_auth.so");
    }

    /** Whether /usr/include has the header, or a folder of it for one architecture (Debian keeps curl's there). */
    private static boolean hasHeader(String header) {
        Path include = Path.of("/usr/include");
        if (Files.isRegularFile(include.resolve(header))) {
            return true;
        }
        try (var folders = Files.list(include)) {
            return folders.anyMatch(folder -> Files.isRegularFile(folder.resolve(header)));
        } catch (IOException e) {
            return false;
        }
    }

    /** Like RequireMosquitto, for a broker with the gateway's plugin, which the test builds first. */
    public static final class RequireMosquittoAuthPlugin implements BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            mosquitto();
            mosquittoAuthPlugin();
        }
    }

    /** Debian's chromium, the browser the console's test drives (headless). */
    public static Path chromium() {
        return require("chromium", "chromium", List.of(Path.of("/usr/bin/chromium")), required());
    }

    /** Debian's chromedriver for that chromium (same package version), so Selenium Manager downloads nothing. */
    public static Path chromedriver() {
        return require("chromedriver", "chromium-driver", List.of(Path.of("/usr/bin/chromedriver")), required());
    }

    /** Like RequireMosquitto, for the browser and its driver. */
    public static final class RequireChromium implements BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            chromium();
            chromedriver();
        }
    }

    /** PostgreSQL's pg_ctl (initdb is beside it); aborts (or fails) the calling test when it is not installed. */
    public static Path pgCtl() {
        return require("pg_ctl", "postgresql", PG_CTL_LOCATIONS, required());
    }

    public static boolean hasPostgres() {
        return locate("pg_ctl", PG_CTL_LOCATIONS).isPresent();
    }

    /** Skips (or fails) each test of a class when PostgreSQL is missing, before a gateway is started (see RequireMosquitto). */
    public static final class RequirePostgres implements BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            pgCtl();
        }
    }

    /**
     * Skips (or fails) each test of a class when mosquitto is missing. Declared on the class with @ExtendWith, it runs
     * before Camel's test support creates the context, so a gateway without its broker is never started; and it
     * reports every test as skipped, where an abort while the test instance is constructed is counted nowhere.
     */
    public static final class RequireMosquitto implements BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            mosquitto();
        }
    }

    /** Like RequireMosquitto, for bin/invoke's interpreter. */
    public static final class RequirePython3 implements BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            python3();
        }
    }

    /** Like RequireMosquitto, for a broker with a password file and a TLS listener whose certificates openssl makes. */
    public static final class RequireSecuredMosquitto implements BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            mosquitto();
            mosquittoPasswd();
            openssl();
        }
    }

    static boolean required() {
        return "true".equalsIgnoreCase(System.getenv(REQUIRE_VARIABLE));
    }

    /** The first of {@code candidates} that is an executable file, else the first {@code name} on PATH. */
    static Optional<Path> locate(String name, List<Path> candidates) {
        List<Path> looked = new ArrayList<>(candidates);
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    looked.add(Path.of(dir, name));
                }
            }
        }
        return looked.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
    }

    /** The executable {@code name}; missing, it aborts the calling test or, when {@code required}, fails it. */
    static Path require(String name, String aptPackage, List<Path> candidates, boolean required) {
        Optional<Path> found = locate(name, candidates);
        if (found.isPresent()) {
            return found.get();
        }
        return missing("The " + name + " binary is not installed (looked in " + candidates + " and on PATH). Install it with: "
                + "apt-get install -y " + aptPackage, required);
    }

    /** Something a test needs is missing: it aborts the test, loudly, or, when {@code required}, fails it. */
    private static Path missing(String message, boolean required) {
        if (required) {
            Assertions.fail(message + " (" + REQUIRE_VARIABLE + "=true: a missing binary fails the build)");
        }
        System.err.println("""

                ********************************************************************************
                * TEST SKIPPED: %s
                * Set %s=true to make this a failure instead.
                ********************************************************************************
                """.formatted(message, REQUIRE_VARIABLE));
        return Assumptions.abort(message);
    }
}
