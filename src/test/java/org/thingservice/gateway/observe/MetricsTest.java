package org.thingservice.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.GatewayTestSupport;
import org.thingservice.gateway.support.MqttSpy;

/** /observe/metrics in Prometheus text: the gateway's own meters after real calls from HTTP and a batch file. */
class MetricsTest extends GatewayTestSupport {

    @Override
    protected Map<String, String> settings() {
        return Map.of("gateway.files.settle-time", "200", "gateway.simulator.delays", "lamp-slow:2000");
    }

    @Test
    void callsRepliesAndFileLinesAreCounted() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(json(get(blink("lamp-1"))).path("Success").asBoolean()).isTrue();
        }
        get(blink("nobody"));
        // a device-management action that fails the same way is no invocation
        assertThat(json(get(params("Action", "QueryDeviceDetail", "ProductKey", PK, "DeviceName", "nobody"))).path("Code").asText())
                .isEqualTo("iot.device.NotExistedDevice");
        get(invoke("ProductKey", PK, "DeviceName", "lamp-silent", "Identifier", "Blink", "Args", "{\"param1\":1}", "Timeout", "300"));
        // a reply nobody waits for, as a confused device would send it
        try (MqttSpy device = new MqttSpy(brokerUrl(), "/nothing")) {
            device.publish("/sys/" + PK + "/lamp-1/rrpc/response/777", "{\"id\":\"777\",\"code\":200,\"data\":{}}");
        }
        // a call still waiting for its device while the metrics are read
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + httpPort() + "/?" + encode(blink("lamp-slow")))).build(), HttpResponse.BodyHandlers.ofString());
        Path staging = Files.writeString(Files.createDirectories(dataDir().resolve("staging")).resolve("m.jsonl"),
                "{\"ProductKey\":\"" + PK + "\",\"DeviceName\":\"lamp-1\",\"Identifier\":\"Blink\",\"Args\":{\"param1\":1}}\nnot JSON\n");
        Files.move(staging, Files.createDirectories(dataDir().resolve("inbox")).resolve("m.jsonl"), StandardCopyOption.ATOMIC_MOVE);

        String metrics = awaitMetric("gateway_file_lines_total", 2);
        assertThat(value(metrics, "gateway_invocations_in_flight")).as(metrics).isEqualTo(1);
        assertThat(slow.get().body()).contains("\"Success\":true");
        metrics = awaitMetric("gateway_replies_ignored_total{kind=\"unknown\"}", 1);

        assertThat(value(metrics, "gateway_invocations_total{code=\"OK\",outcome=\"Success\",source=\"http\"}")).as("gateway_invocations_total{code=\"OK\",outcome=\"Success\",source=\"http\"}" + " in\n" + metrics).isEqualTo(4);
        assertThat(value(metrics, "gateway_invocations_total{code=\"iot.device.NotExistedDevice\",outcome=\"Failure\",source=\"http\"}")).as("gateway_invocations_total{code=\"iot.device.NotExistedDevice\",outcome=\"Failure\",source=\"http\"}" + " in\n" + metrics).isEqualTo(1);
        assertThat(value(metrics, "gateway_invocations_total{code=\"iot.messagebroker.TIMEOUT\",outcome=\"Failure\",source=\"http\"}")).as("gateway_invocations_total{code=\"iot.messagebroker.TIMEOUT\",outcome=\"Failure\",source=\"http\"}" + " in\n" + metrics).isEqualTo(1);
        assertThat(value(metrics, "gateway_invocations_total{code=\"OK\",outcome=\"Success\",source=\"file\"}")).as("gateway_invocations_total{code=\"OK\",outcome=\"Success\",source=\"file\"}" + " in\n" + metrics).isEqualTo(1);
        assertThat(value(metrics, "gateway_invocations_total{code=\"iot.common.InvalidFormattedParameter\",outcome=\"Failure\",source=\"file\"}")).as("gateway_invocations_total{code=\"iot.common.InvalidFormattedParameter\",outcome=\"Failure\",source=\"file\"}" + " in\n" + metrics).isEqualTo(1);
        assertThat(value(metrics, "gateway_invocation_duration_seconds_count{source=\"http\"}")).as("gateway_invocation_duration_seconds_count{source=\"http\"}" + " in\n" + metrics).isEqualTo(6);
        assertThat(metrics).contains("gateway_invocation_duration_seconds_bucket{source=\"http\",le=");
        assertThat(value(metrics, "gateway_invocations_in_flight")).as("gateway_invocations_in_flight" + " in\n" + metrics).isEqualTo(0);
        assertThat(value(metrics, "gateway_replies_ignored_total{kind=\"late\"}")).as("gateway_replies_ignored_total{kind=\"late\"}" + " in\n" + metrics).isEqualTo(0);
        assertThat(value(metrics, "gateway_kafka_records_total")).as("gateway_kafka_records_total" + " in\n" + metrics).isEqualTo(0);
    }

    private static Map<String, String> blink(String device) {
        return invoke("ProductKey", PK, "DeviceName", device, "Identifier", "Blink", "Args", "{\"param1\":1}");
    }
}
