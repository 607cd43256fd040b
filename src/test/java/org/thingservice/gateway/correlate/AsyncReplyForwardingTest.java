package org.thingservice.gateway.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.mqtt.EmbeddedBroker;
import org.thingservice.gateway.registry.GatewayInstances;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.InProcessGateway;
import org.thingservice.gateway.support.MigratedDatabase;
import org.thingservice.gateway.support.Mosquitto;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.Postgres;
import org.thingservice.gateway.support.Waits;

/**
 * The reply to an async call is forwarded to /{pk}/{dn}/thing/downlink/reply/message exactly once, whichever gateway
 * receives it: the one that made the call, the same gateway after a restart, or another instance sharing the
 * database. A real MQTT client plays the device and the application listening for forwarded replies.
 */
class AsyncReplyForwardingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PK = "a1LampDemo1";
    private static final String FORWARDS = "/" + PK + "/lamp-1/thing/downlink/reply/message";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aReplyThatArrivesAfterARestartIsStillForwardedOnce() throws Exception {
        EmbeddedBroker mqtt = new EmbeddedBroker(FreePorts.next());
        mqtt.start();
        try (MqttSpy device = new MqttSpy(mqtt.url(), "/sys/+/+/thing/service/SetColor", "/+/+/thing/downlink/reply/message")) {
            Properties settings = settings(mqtt.url(), MigratedDatabase.url(Files.createTempDirectory("tsg-async-restart").resolve("gateway.db").toString()));
            Main first = InProcessGateway.start(settings);
            String messageId;
            try {
                messageId = callSetColor(first, "before-restart");
                assertThat(device.awaitExactly("/sys/" + PK + "/lamp-1/thing/service/SetColor", Duration.ofSeconds(10)))
                        .as("the request reached the device").isNotNull();
            } finally {
                first.stop();
            }

            Main second = InProcessGateway.start(settings);
            try {
                ReplyCorrelator correlator = correlator(second);
                reply(device, messageId);
                MqttSpy.Message forwarded = device.await(FORWARDS, Duration.ofSeconds(10));
                assertThat(forwarded).as("the reply was forwarded by the restarted gateway").isNotNull();
                JsonNode message = JSON.readTree(forwarded.payload());
                assertThat(message.path("messageId").asText()).isEqualTo(messageId);
                assertThat(message.path("identifier").asText()).isEqualTo("SetColor");
                assertThat(message.path("iotId").asText()).isEqualTo("LampDemoIotId0000001");
                assertThat(message.path("data").path("label").asText()).isEqualTo("answer-" + messageId);

                long duplicates = correlator.duplicateReplies();
                reply(device, messageId); // the device sends its reply again
                Waits.until(Duration.ofSeconds(10), Duration.ofMillis(20), () -> correlator.duplicateReplies() != duplicates);
                assertThat(correlator.duplicateReplies()).as("the second reply was seen as a duplicate").isGreaterThan(duplicates);
                assertThat(forwards(device)).as("forwarded once").hasSize(1);
            } finally {
                second.stop();
            }
        } finally {
            mqtt.stop();
        }
    }

    @Test
    @ExtendWith(ExternalBinaries.RequirePostgres.class)
    void twoInstancesSharingADatabaseForwardEachReplyExactlyOnce() throws Exception {
        int calls = 30;
        EmbeddedBroker mqtt = new EmbeddedBroker(FreePorts.next());
        mqtt.start();
        try (Postgres postgres = Postgres.launch();
             MqttSpy device = new MqttSpy(mqtt.url(), "/sys/+/+/thing/service/SetColor", "/+/+/thing/downlink/reply/message")) {
            Properties settings = settings(mqtt.url(), postgres.jdbcUrl());
            settings.setProperty("gateway.registry.user", Postgres.USER);
            Main one = InProcessGateway.start(settings);
            Main other = InProcessGateway.start(settings);
            try {
                List<String> messageIds = new ArrayList<>();
                for (int i = 0; i < calls; i++) {
                    messageIds.add(callSetColor(i % 2 == 0 ? one : other, "call-" + i));
                }
                // both instances receive every reply: each must be forwarded by one of them, once
                for (String id : messageIds) {
                    reply(device, id);
                }
                Waits.until(Duration.ofSeconds(20), Duration.ofMillis(20), () -> forwards(device).size() >= calls);
                Thread.sleep(500); // room for a second forward of any reply
                Map<String, Long> forwardsPerCall = forwards(device).stream().collect(Collectors.groupingBy(
                        m -> text(m.payload(), "messageId"), Collectors.counting()));
                assertThat(forwardsPerCall.keySet()).as("every reply forwarded").containsExactlyInAnyOrderElementsOf(messageIds);
                assertThat(forwardsPerCall.values()).as("none forwarded twice").allMatch(n -> n == 1);
                assertThat(correlator(one).unknownReplies() + correlator(other).unknownReplies())
                        .as("a reply for the other instance is not unknown").isZero();
            } finally {
                other.stop();
                one.stop();
            }
        } finally {
            mqtt.stop();
        }
    }

    @Test
    void eachReplyReachesOneInstanceWhichHandsAnotherInstancesReplyToIt() throws Exception {
        EmbeddedBroker mqtt = new EmbeddedBroker(FreePorts.next());
        mqtt.start();
        try {
            handsOverAndCountsTheGoneOwnersReplyLate(mqtt.url());
        } finally {
            mqtt.stop();
        }
    }

    @Test
    @ExtendWith(ExternalBinaries.RequireMosquitto.class)
    void mosquittoSharesTheRepliesAndTellsOfAGoneOwner() throws Exception {
        try (Mosquitto mosquitto = Mosquitto.launch()) {
            handsOverAndCountsTheGoneOwnersReplyLate(mosquitto.url());
        }
    }

    /**
     * Two instances on one database and broker, one running the simulated devices; calls through both. Each reply
     * reaches one instance (shared subscriptions); one that lands on the instance whose call it is not is handed to
     * the other, and every call gets its reply. A reply for an instance that is registered but subscribes to nothing
     * (it is gone) is completed where it lands, as late.
     */
    private void handsOverAndCountsTheGoneOwnersReplyLate(String brokerUrl) throws Exception {
        int calls = 20;
        String database = MigratedDatabase.url(Files.createTempDirectory("tsg-hand-over").resolve("gateway.db").toString());
        Properties settings = settings(brokerUrl, database);
        Main one = InProcessGateway.start(withSimulatedDevices(settings));
        Main other = InProcessGateway.start(settings);
        try {
            // not one instance after the other: mosquitto deals a shared subscription's messages out in turn, which
            // would give every reply to its own instance
            for (int i = 0; i < calls; i++) {
                assertThat(text(call(i % 3 == 0 ? other : one, "Blink", "{\"param1\":1}"), "Success")).isEqualTo("true");
            }
            ReplyHandOver atOne = handOver(one);
            ReplyHandOver atOther = handOver(other);
            assertThat(atOne.fromBroker() + atOther.fromBroker()).as("each reply delivered to one instance").isEqualTo(calls);
            assertThat(atOne.fromBroker()).as("one's share").isBetween(1L, calls - 1L);
            assertThat(atOne.delivered() + atOther.delivered()).as("handed over").isPositive()
                    .isEqualTo(atOne.fromInstances() + atOther.fromInstances());
            assertThat(correlator(one).otherInstanceReplies() + correlator(other).otherInstanceReplies()).isZero();

            // an instance of the group registered in the database that subscribes to nothing: as good as gone
            int gone = 0;
            while (gone == prefix(one) || gone == prefix(other)) {
                gone++;
            }
            long now = System.currentTimeMillis();
            try (Connection db = DriverManager.getConnection(database);
                 PreparedStatement insert = db.prepareStatement(
                         "INSERT INTO gateway_instance (id_prefix, started_at, seen_at, reply_group) VALUES (?, ?, ?, ?)")) {
                insert.setInt(1, gone);
                insert.setLong(2, now);
                insert.setLong(3, now);
                insert.setString(4, "thing-service-gateway");
                insert.executeUpdate();
            }
            int goneOne = gone;
            Waits.until(Duration.ofSeconds(5), Duration.ofMillis(50), () -> instances(one).isAnotherInstance(goneOne)
                    && instances(other).isAnotherInstance(goneOne));
            try (MqttSpy device = new MqttSpy(brokerUrl, "/nothing")) {
                device.publish("/sys/" + PK + "/lamp-1/rrpc/response/" + (((long) gone << 20) + 1), "{\"code\":200}");
            }
            Waits.until(Duration.ofSeconds(10), Duration.ofMillis(20), () -> atOne.ownerGone() + atOther.ownerGone() != 0);
            assertThat(atOne.ownerGone() + atOther.ownerGone()).as("the broker said nobody takes it").isEqualTo(1);
            Waits.until(Duration.ofSeconds(5), Duration.ofMillis(20),
                    () -> correlator(one).lateReplies() + correlator(other).lateReplies() != 0);
            assertThat(correlator(one).lateReplies() + correlator(other).lateReplies()).as("counted late").isEqualTo(1);
        } finally {
            other.stop();
            one.stop();
        }
    }

    /**
     * A rolling upgrade: an instance that takes every reply itself (no group, as every version before the groups did)
     * beside one in the group, on a real mosquitto. Each receives the other's replies and leaves them to it: nothing
     * handed over, nothing late, nothing twice. Before, the grouped instance handed the other's replies to it: a second
     * copy for an instance that already had them, and for a version without hand-overs a reply nobody took, recorded
     * late on a call it had answered.
     */
    @Test
    @ExtendWith(ExternalBinaries.RequireMosquitto.class)
    void anInstanceWithoutTheGroupBesideOneInItGetsEachOfItsRepliesOnce() throws Exception {
        int calls = 12;
        try (Mosquitto mosquitto = Mosquitto.launch()) {
            Properties settings = settings(mosquitto.url(), MigratedDatabase.url(Files.createTempDirectory("tsg-mixed-groups").resolve("gateway.db").toString()));
            Properties withoutGroup = withSimulatedDevices(settings);
            withoutGroup.setProperty("gateway.mqtt.reply-group", "");
            Main plain = InProcessGateway.start(withoutGroup);
            Main grouped = InProcessGateway.start(settings);
            try {
                for (int i = 0; i < calls; i++) {
                    assertThat(text(call(i % 2 == 0 ? plain : grouped, "Blink", "{\"param1\":1}"), "Success")).isEqualTo("true");
                }
                // each receives every reply (the group has one member): the other's half is left to the other
                Waits.until(Duration.ofSeconds(10), Duration.ofMillis(20), () -> correlator(plain).otherInstanceReplies() >= calls / 2
                        && correlator(grouped).otherInstanceReplies() >= calls / 2);
                Thread.sleep(500); // room for a hand-over or a second copy
                assertThat(handOver(grouped).delivered() + handOver(grouped).ownerGone()).as("nothing handed over").isZero();
                for (Main gateway : List.of(plain, grouped)) {
                    assertThat(correlator(gateway).otherInstanceReplies()).as("the other's replies").isEqualTo(calls / 2);
                    assertThat(correlator(gateway).duplicateReplies()).as("no second copy").isZero();
                    assertThat(correlator(gateway).lateReplies()).as("nothing late").isZero();
                }
            } finally {
                grouped.stop();
                plain.stop();
            }
        }
    }

    @Test
    void withoutAReplyGroupEveryInstanceGetsEveryReplyAndTellsAnothersFromOneNobodyWaitsFor() throws Exception {
        int calls = 10;
        EmbeddedBroker mqtt = new EmbeddedBroker(FreePorts.next());
        mqtt.start();
        try {
            // two instances on one database (in this JVM, one SQLite file can be shared); one runs the simulated devices
            Properties settings = settings(mqtt.url(), MigratedDatabase.url(Files.createTempDirectory("tsg-two-instances").resolve("gateway.db").toString()));
            settings.setProperty("gateway.mqtt.reply-group", "");
            Main one = InProcessGateway.start(withSimulatedDevices(settings));
            Main other = InProcessGateway.start(settings);
            try {
                ReplyCorrelator correlator = correlator(one);
                for (int i = 0; i < calls; i++) {
                    assertThat(text(call(other, "Blink", "{\"param1\":1}"), "Success")).isEqualTo("true");
                }
                // one receives each of those replies too, and knows other's MessageIds
                Waits.until(Duration.ofSeconds(10), Duration.ofMillis(20), () -> correlator.otherInstanceReplies() >= calls);
                assertThat(correlator.otherInstanceReplies()).as("replies to other's calls").isEqualTo(calls);
                assertThat(correlator.unknownReplies()).isZero();
                assertThat(handOver(one).delivered()).as("nothing handed over").isZero();

                // a reply that no instance is waiting for is still unknown
                int nobodys = 0;
                while (nobodys == prefix(one) || nobodys == prefix(other)) {
                    nobodys++;
                }
                try (MqttSpy device = new MqttSpy(mqtt.url(), "/nothing")) {
                    device.publish("/sys/" + PK + "/lamp-1/rrpc/response/" + (((long) nobodys << 20) + 1), "{\"code\":200}");
                }
                Waits.until(Duration.ofSeconds(10), Duration.ofMillis(20), () -> correlator.unknownReplies() != 0);
                assertThat(correlator.unknownReplies()).isEqualTo(1);
            } finally {
                other.stop();
                one.stop();
            }
        } finally {
            mqtt.stop();
        }
    }

    private static GatewayInstances instances(Main gateway) {
        return gateway.getCamelContext().getRegistry().lookupByNameAndType("gatewayInstances", GatewayInstances.class);
    }

    private static ReplyHandOver handOver(Main gateway) {
        return gateway.getCamelContext().getRegistry().lookupByNameAndType("handOverReply", ReplyHandOver.class);
    }

    private static int prefix(Main gateway) {
        return instances(gateway).prefix();
    }

    private static ReplyCorrelator correlator(Main gateway) {
        return gateway.getCamelContext().getRegistry().lookupByNameAndType("replyCorrelator", ReplyCorrelator.class);
    }

    /** These settings, and the simulated devices answering (one instance of a pair runs them). */
    private static Properties withSimulatedDevices(Properties settings) {
        Properties withDevices = new Properties();
        withDevices.putAll(settings);
        withDevices.setProperty("gateway.simulator.enabled", "true");
        return withDevices;
    }

    private static Properties settings(String brokerUrl, String registryUrl) {
        Properties settings = new Properties();
        settings.setProperty("gateway.mqtt.url", brokerUrl);
        settings.setProperty("gateway.simulator.enabled", "false"); // the test's client is the device
        settings.setProperty("gateway.auth.enabled", "false");
        settings.setProperty("gateway.registry.url", registryUrl);
        return settings;
    }

    /** An async SetColor call to lamp-1 over HTTP; returns its MessageId. */
    private String callSetColor(Main gateway, String label) throws Exception {
        String body = call(gateway, "SetColor", "{\"color\":1,\"label\":\"" + label + "\"}");
        assertThat(text(body, "Success")).as(body).isEqualTo("true");
        return JSON.readTree(body).path("Data").path("MessageId").asText();
    }

    /** A call of this service of lamp-1 over HTTP; returns the answer. */
    private String call(Main gateway, String identifier, String args) throws Exception {
        String port = gateway.getCamelContext().getPropertiesComponent().resolveProperty("camel.server.port").orElseThrow();
        Map<String, String> params = new HashMap<>(Map.of("Action", "InvokeThingService", "ProductKey", PK, "DeviceName", "lamp-1",
                "Identifier", identifier, "Args", args));
        String query = params.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/?" + query))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void reply(MqttSpy device, String messageId) throws Exception {
        device.publish("/sys/" + PK + "/lamp-1/thing/service/SetColor_reply",
                "{\"id\":\"" + messageId + "\",\"code\":200,\"data\":{\"label\":\"answer-" + messageId + "\"}}");
    }

    private static List<MqttSpy.Message> forwards(MqttSpy device) {
        return device.received().stream().filter(m -> m.topic().equals(FORWARDS)).toList();
    }

    private static String text(String json, String field) {
        try {
            return JSON.readTree(json).path(field).asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
