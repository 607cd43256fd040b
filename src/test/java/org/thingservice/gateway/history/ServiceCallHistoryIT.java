package org.thingservice.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.Mosquitto;
import org.thingservice.gateway.support.MqttSpy;
import org.thingservice.gateway.support.PackagedGateway;
import org.thingservice.gateway.support.Postgres;
import org.thingservice.gateway.support.Waits;

/**
 * The history from outside: the packaged jar as its own process on a real mosquitto, the test playing the device (it
 * sees each request on the broker and answers when it chooses), QueryDeviceServiceData over plain HTTP. A reply that
 * comes after its call timed out, after the gateway restarted, or after the calling instance of two sharing a
 * PostgreSQL database stopped, lands on its call, marked late.
 */
@ExtendWith(ExternalBinaries.RequireMosquitto.class)
class ServiceCallHistoryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PK = "a1LampDemo1";

    private static Map<String, String> settings(Mosquitto mosquitto) {
        Map<String, String> settings = PackagedGateway.onBroker(mosquitto.url(), "");
        settings.put("gateway.simulator.enabled", "false"); // the test is the device
        return settings;
    }

    private static JsonNode get(PackagedGateway gateway, String... nameValues) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            params.put(nameValues[i], nameValues[i + 1]);
        }
        return JSON.readTree(gateway.http().send(request(gateway, params), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static HttpRequest request(PackagedGateway gateway, Map<String, String> params) {
        String query = params.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + "/?" + query)).timeout(Duration.ofSeconds(30)).build();
    }

    /** A sync Blink on the device that nobody answers within 1 s: the MessageId its request carried. */
    private static String timedOutCall(PackagedGateway gateway, MqttSpy device, String deviceName, int param) throws Exception {
        device.received().clear();
        JsonNode answer = get(gateway, "Action", "InvokeThingService", "ProductKey", PK, "DeviceName", deviceName, "Identifier", "Blink",
                "Args", "{\"param1\":" + param + "}", "Timeout", "1000");
        assertThat(answer.path("Code").asText()).as(answer.toString()).isEqualTo("iot.messagebroker.TIMEOUT");
        MqttSpy.Message request = device.await("/sys/" + PK + "/" + deviceName + "/rrpc/request/", Duration.ofSeconds(5));
        assertThat(request).isNotNull();
        return request.topic().substring(request.topic().lastIndexOf('/') + 1);
    }

    private static void reply(MqttSpy device, String deviceName, String messageId, int param) throws Exception {
        device.publish("/sys/" + PK + "/" + deviceName + "/rrpc/response/" + messageId,
                "{\"id\":\"" + messageId + "\",\"code\":200,\"data\":{\"param1\":" + param + "},\"message\":\"success\",\"version\":\"1.0\"}");
    }

    /** Waits until the device's call with this MessageId is in the history as wanted; returns it as last read. */
    private static JsonNode awaitCall(PackagedGateway gateway, String deviceName, String messageId, boolean late) {
        AtomicReference<JsonNode> found = new AtomicReference<>();
        Waits.until(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
            JsonNode page = get(gateway, "Action", "QueryDeviceServiceData", "ProductKey", PK, "DeviceName", deviceName,
                    "StartTime", "0", "EndTime", Long.toString(System.currentTimeMillis() + 60_000), "PageSize", "50");
            for (JsonNode info : page.path("Data").path("List").path("ServiceInfo")) {
                if (info.path("MessageId").asText().equals(messageId)) {
                    found.set(info);
                    return info.path("Late").asBoolean() == late;
                }
            }
            return false;
        });
        assertThat(found.get()).as("call " + messageId + " in the history").isNotNull();
        assertThat(found.get().path("Late").asBoolean()).as(found.get().toString()).isEqualTo(late);
        return found.get();
    }

    @Test
    void aSyncCallItsLateReplyAndOneAfterARestartAreOnRecord() throws Exception {
        Path workDir = Files.createTempDirectory("tsg-history-it");
        try (Mosquitto mosquitto = Mosquitto.launch(); MqttSpy device = new MqttSpy(mosquitto.url(), "/sys/" + PK + "/+/rrpc/request/+")) {
            Map<String, String> settings = settings(mosquitto);
            PackagedGateway gateway = PackagedGateway.start(workDir, "gateway-1.log", settings);
            String beforeRestart;
            try {
                PackagedGateway running = gateway;
                gateway.check(() -> {
                    // answered in time
                    CompletableFuture<HttpResponse<String>> call = running.http().sendAsync(request(running, Map.of("Action",
                            "InvokeThingService", "ProductKey", PK, "DeviceName", "lamp-1", "Identifier", "Blink", "Args", "{\"param1\":5}")),
                            HttpResponse.BodyHandlers.ofString());
                    MqttSpy.Message request = device.await("/sys/" + PK + "/lamp-1/rrpc/request/", Duration.ofSeconds(10));
                    assertThat(request).isNotNull();
                    String answered = request.topic().substring(request.topic().lastIndexOf('/') + 1);
                    reply(device, "lamp-1", answered, 5);
                    assertThat(JSON.readTree(call.get(30, TimeUnit.SECONDS).body()).path("Success").asBoolean()).isTrue();
                    JsonNode ok = awaitCall(running, "lamp-1", answered, false);
                    assertThat(ok.path("Outcome").asText()).isEqualTo("Success");
                    assertThat(ok.path("OutputData").asText()).isEqualTo("{\"param1\":5}");

                    // answered after the timeout
                    String late = timedOutCall(running, device, "lamp-2", 6);
                    reply(device, "lamp-2", late, 6);
                    JsonNode lateCall = awaitCall(running, "lamp-2", late, true);
                    assertThat(lateCall.path("Outcome").asText()).isEqualTo("iot.messagebroker.TIMEOUT");
                    assertThat(lateCall.path("OutputData").asText()).isEqualTo("{\"param1\":6}");
                });
                beforeRestart = timedOutCall(gateway, device, "lamp-2", 7);
                gateway.sigterm();
                gateway.awaitExit(Duration.ofSeconds(60));
            } finally {
                gateway.close();
            }
            // answered once the gateway is back
            PackagedGateway restarted = PackagedGateway.start(workDir, "gateway-2.log", settings);
            try {
                restarted.check(() -> {
                    assertThat(awaitCall(restarted, "lamp-2", beforeRestart, false).path("Outcome").asText())
                            .as("written at the graceful stop").isEqualTo("iot.messagebroker.TIMEOUT");
                    reply(device, "lamp-2", beforeRestart, 7);
                    assertThat(awaitCall(restarted, "lamp-2", beforeRestart, true).path("OutputData").asText()).isEqualTo("{\"param1\":7}");
                });
            } finally {
                restarted.close();
            }
        } finally {
            PackagedGateway.delete(workDir);
        }
    }

    @Test
    @ExtendWith(ExternalBinaries.RequirePostgres.class)
    void twoInstancesOnPostgresALateReplyLandsOnItsCallAfterTheCallingInstanceStopped() throws Exception {
        Path dirA = Files.createTempDirectory("tsg-history-a");
        Path dirB = Files.createTempDirectory("tsg-history-b");
        try (Mosquitto mosquitto = Mosquitto.launch(); Postgres postgres = Postgres.launch();
             MqttSpy device = new MqttSpy(mosquitto.url(), "/sys/" + PK + "/+/rrpc/request/+")) {
            Map<String, String> settings = settings(mosquitto);
            settings.put("gateway.registry.url", postgres.jdbcUrl());
            settings.put("gateway.registry.user", Postgres.USER);
            PackagedGateway a = PackagedGateway.start(dirA, "gateway-a.log", settings);
            PackagedGateway b = PackagedGateway.start(dirB, "gateway-b.log", settings);
            try {
                String messageId = timedOutCall(a, device, "lamp-2", 8);
                b.check(() -> assertThat(awaitCall(b, "lamp-2", messageId, false).path("Outcome").asText())
                        .as("A's call, read through B").isEqualTo("iot.messagebroker.TIMEOUT"));
                a.sigterm();
                a.awaitExit(Duration.ofSeconds(60));
                // B learns that A stopped at its next heartbeat (every 10 s); until then it leaves A's replies to A
                Thread.sleep(11_000);
                reply(device, "lamp-2", messageId, 8);
                b.check(() -> assertThat(awaitCall(b, "lamp-2", messageId, true).path("OutputData").asText()).isEqualTo("{\"param1\":8}"));
            } finally {
                a.close();
                b.close();
            }
        } finally {
            PackagedGateway.delete(dirA);
            PackagedGateway.delete(dirB);
        }
    }
}
