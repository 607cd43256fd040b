package org.thingservice.gateway.device;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.thingservice.gateway.support.ExternalBinaries;
import org.thingservice.gateway.support.Waits;

/**
 * A device on the official Alibaba Node.js device SDK: a node process running src/test/resources/node/sdk-device.js
 * (Blink answered sync, SetColor async) for one device triple; its output lines, as they come.
 */
public final class NodeSdkDevice implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    /** brokerUrl: mqtt://host:port, as the SDK takes it. */
    public NodeSdkDevice(String brokerUrl, String productKey, String deviceName, String secret) throws IOException {
        Path script = Files.createTempFile("sdk-device", ".js");
        try (var in = NodeSdkDevice.class.getResourceAsStream("/node/sdk-device.js")) {
            Files.write(script, in.readAllBytes());
        }
        process = new ProcessBuilder(ExternalBinaries.node().toString(), script.toString(), ExternalBinaries.nodeDeviceSdk().toString(),
                productKey, deviceName, secret, brokerUrl).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "sdk-device-" + deviceName);
        reader.setDaemon(true);
        reader.start();
    }

    public List<String> lines() {
        return lines;
    }

    /** The first output line that starts with prefix, waiting for it up to timeout; null if none came. */
    public String await(String prefix, Duration timeout) throws InterruptedException {
        Waits.until(timeout, Duration.ofMillis(20), () -> lines.stream().anyMatch(line -> line.startsWith(prefix)));
        return lines.stream().filter(line -> line.startsWith(prefix)).findFirst().orElse(null);
    }

    @Override
    public void close() {
        process.destroy();
    }
}
