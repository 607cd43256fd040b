package org.thingservice.gateway.device;

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
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.FreePorts;
import org.thingservice.gateway.support.PackagedGateway;
import org.thingservice.gateway.support.Waits;

/**
 * The packaged jar as operators run it, on its defaults (embedded broker with device authentication, the sample
 * registry inside the jar), and the official Node.js device SDK as its own process, logging in as the sample device
 * lamp-2 with the DeviceSecret of the seed's devices.csv: a sync call goes through, and the device is ONLINE.
 */
@ExtendWith(ExternalBinaries.RequireNodeDeviceSdk.class)
class NodeDeviceSdkIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSdkAnswersTheSampleDeviceOfThePackagedGateway() throws Exception {
        Path workDir = Files.createTempDirectory("tsg-node-sdk-it");
        int mqttPort = FreePorts.next();
        try (PackagedGateway gateway = PackagedGateway.start(workDir, "gateway.log", Map.of(
                "gateway.mqtt.embedded.port", Integer.toString(mqttPort),
                "gateway.simulator.enabled", "false"));
                NodeSdkDevice device = new NodeSdkDevice("mqtt://127.0.0.1:" + mqttPort, "a1LampDemo1", "lamp-2",
                        "DemoSecretLamp2NotForProduction2")) {
            assertThat(device.await("connected", Duration.ofSeconds(30))).as("the SDK's output: " + device.lines()).isNotNull();
            AtomicReference<String> last = new AtomicReference<>("");
            Waits.until(Duration.ofSeconds(10), Duration.ofMillis(50), () -> {
                last.set(call(gateway, "Action=GetDeviceStatus&ProductKey=a1LampDemo1&DeviceName=lamp-2").path("Data").path("Status").asText());
                return "ONLINE".equals(last.get());
            });
            String status = last.get();
            assertThat(status).isEqualTo("ONLINE");
            Thread.sleep(500); // the SDK subscribes its RRPC topic right after connecting

            JsonNode answer = call(gateway, "Action=InvokeThingService&ProductKey=a1LampDemo1&DeviceName=lamp-2&Identifier=Blink&Args="
                    + URLEncoder.encode("{\"param1\":9}", StandardCharsets.UTF_8));
            assertThat(answer.path("Success").asBoolean()).as(answer.toString()).isTrue();
            assertThat(JSON.readTree(answer.path("Data").path("Result").asText()).path("data").path("param1").asInt()).isEqualTo(9);
        } finally {
            PackagedGateway.delete(workDir);
        }
    }

    private static JsonNode call(PackagedGateway gateway, String query) throws Exception {
        HttpResponse<String> response = gateway.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + "/?" + query))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
