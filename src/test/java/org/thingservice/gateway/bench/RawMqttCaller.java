package org.thingservice.gateway.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The raw baseline: the Alink request out at QoS 1, the reply awaited by its id. */
final class RawMqttCaller implements Caller {
    private static final AtomicLong IDS = new AtomicLong(1_000_000);
    private final RawMqttConnection connection;

    RawMqttCaller(RawMqttConnection connection) {
        this.connection = connection;
    }

    @Override
    public void call(int param) throws Exception {
        String id = Long.toString(IDS.getAndIncrement());
        byte[] request = ("{\"id\":\"" + id + "\",\"version\":\"1.0\",\"params\":{\"param1\":" + param
                + "},\"method\":\"thing.service.Blink\"}").getBytes(StandardCharsets.UTF_8);
        String answer = connection.send(id, request).get(10, TimeUnit.SECONDS);
        if (!answer.startsWith("{\"id\":\"" + id + "\",\"code\":200,") || !answer.contains("\"param1\":" + param + "}")) {
            throw new IllegalStateException("wrong reply to " + id + ": " + answer);
        }
    }

    @Override
    public void close() {
    }
}
