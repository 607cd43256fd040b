package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.Mosquitto;
import org.thingservice.gateway.support.PackagedGateway;
import org.thingservice.gateway.support.Postgres;
import org.thingservice.gateway.support.PrometheusText;

/**
 * A rolling upgrade from a version before the reply groups, as Kubernetes does one: two packaged gateways on one real
 * mosquitto and one PostgreSQL, one taking every reply itself (gateway.mqtt.reply-group empty: the old version's
 * subscriptions), one in the group. Calls through both each get their reply, and neither instance hands over, counts
 * late or gets twice a reply of the other's: each leaves the other's replies to it.
 */
@ExtendWith({ExternalBinaries.RequireMosquitto.class, ExternalBinaries.RequirePostgres.class})
class RollingUpgradeIT {

    private static final int CALLS = 10;

    @Test
    void instancesWithAndWithoutTheReplyGroupEachGetTheirOwnRepliesOnce() throws Exception {
        Path workDir = Files.createTempDirectory("tsg-rolling-upgrade");
        try (Mosquitto mosquitto = Mosquitto.launch(); Postgres postgres = Postgres.launch()) {
            Map<String, String> settings = new HashMap<>();
            settings.put("gateway.mqtt.url", mosquitto.url());
            settings.put("gateway.registry.url", postgres.jdbcUrl());
            settings.put("gateway.registry.user", Postgres.USER);
            settings.put("gateway.auth.enabled", "false");
            Map<String, String> old = new HashMap<>(settings);
            old.put("gateway.mqtt.reply-group", "");
            old.put("gateway.simulator.enabled", "true"); // the devices answer from here, once
            // the old one first: it migrates the database, as the running version already had
            try (PackagedGateway oldOne = PackagedGateway.start(Files.createDirectories(workDir.resolve("old")), "gateway.log", old);
                    PackagedGateway newOne = PackagedGateway.start(Files.createDirectories(workDir.resolve("new")), "gateway.log", settings)) {
                for (int i = 0; i < CALLS; i++) {
                    for (PackagedGateway gateway : List.of(oldOne, newOne)) {
                        String answer = get(gateway, "/?Action=InvokeThingService&ProductKey=a1LampDemo1&DeviceName=lamp-1"
                                + "&Identifier=Blink&Args=%7B%22param1%22%3A1%7D");
                        assertThat(answer).contains("\"Success\":true");
                    }
                }
                for (PackagedGateway gateway : List.of(oldOne, newOne)) {
                    // each receives every reply (the group has one member): the other's are left to it
                    Awaitility.await("the other's replies counted").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                            .until(() -> ignored(gateway, "other-instance") >= CALLS);
                }
                Thread.sleep(500); // room for a hand-over or a second copy
                for (PackagedGateway gateway : List.of(oldOne, newOne)) {
                    gateway.check(() -> {
                        String metrics = get(gateway, "/observe/metrics");
                        assertThat(PrometheusText.sum(metrics, "gateway_replies_handed_over_total", "")).as("handed over").isZero();
                        assertThat(ignored(gateway, "other-instance")).as("the other's replies").isEqualTo(CALLS);
                        assertThat(ignored(gateway, "late")).as("late").isZero();
                        assertThat(ignored(gateway, "duplicate")).as("twice").isZero();
                        assertThat(ignored(gateway, "unknown")).as("unknown").isZero();
                    });
                }
            }
        } finally {
            PackagedGateway.delete(workDir);
        }
    }

    private static double ignored(PackagedGateway gateway, String kind) throws Exception {
        return PrometheusText.sum(get(gateway, "/observe/metrics"), "gateway_replies_ignored_total", "kind=\"" + kind + "\"");
    }

    private static String get(PackagedGateway gateway, String pathAndQuery) throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
