package org.thingservice.gateway.invoke;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ResponseFormat;
import org.thingservice.gateway.model.Device;
import org.thingservice.gateway.model.ThingService;
import org.thingservice.gateway.text.Texts;

/**
 * One call on its way through the invoke pipeline: what the caller asked, and what each step found out.
 * Each step fills its own part; the response is built from it at the end.
 */
public final class Invocation {

    private final InvokeRequest request;
    private final ResponseFormat format;
    private final long startNanos = System.nanoTime();
    private ObjectNode args;
    private long timeoutMillis;
    private Device device;
    private ThingService service;
    private String messageId;
    private final CompletableFuture<String> reply = new CompletableFuture<>();

    public Invocation(InvokeRequest request, ResponseFormat format) {
        this.request = request;
        this.format = format;
    }

    /**
     * An async call made before a restart, or by another gateway instance, brought back from the database so that
     * its device's reply can still be forwarded: what forwarding needs, and nothing waits on it.
     */
    public static Invocation awaitingForward(String requestId, Device device, String identifier, String messageId) {
        Invocation invocation = new Invocation(new InvokeRequest(requestId, device.iotId(), device.productKey(), device.deviceName(),
                identifier, null, null, false), ResponseFormat.JSON);
        invocation.device(device);
        invocation.service(new ThingService(identifier, false, null, false));
        invocation.messageId(messageId);
        return invocation;
    }

    public InvokeRequest request() {
        return request;
    }

    public String requestId() {
        return request.requestId();
    }

    public ResponseFormat format() {
        return format;
    }

    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    public ObjectNode args() {
        return args;
    }

    public long timeoutMillis() {
        return timeoutMillis;
    }

    void validated(ObjectNode args, long timeoutMillis) {
        this.args = args;
        this.timeoutMillis = timeoutMillis;
    }

    public Device device() {
        return device;
    }

    public void device(Device device) {
        this.device = device;
    }

    public ThingService service() {
        return service;
    }

    public void service(ThingService service) {
        this.service = service;
    }

    public String messageId() {
        return messageId;
    }

    public void messageId(String messageId) {
        this.messageId = messageId;
    }

    /** Completed with the device's reply text, or exceptionally with the ApiException that ends the call. */
    public CompletableFuture<String> reply() {
        return reply;
    }

    /** Whether the caller gets the device's answer (sync service, or a source that waits for async replies too). */
    public boolean waitsForReply() {
        return service != null && (service.sync() || request.waitForAsyncReply());
    }

    /** For the log line: the names as the caller sent them may be anything until they are validated. */
    @Override
    public String toString() {
        String target = device != null ? device.productKey() + "/" + device.deviceName()
                : request.iotId() != null ? visible(request.iotId()) : visible(request.productKey()) + "/" + visible(request.deviceName());
        return "RequestId=" + visible(requestId()) + " MessageId=" + messageId + " device=" + target
                + " Identifier=" + visible(request.identifier());
    }

    private static String visible(String value) {
        return value == null ? null : Texts.shorten(value, 80);
    }
}
