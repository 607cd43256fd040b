package org.thingservice.gateway.invoke;

/**
 * One InvokeThingService call as any source (HTTP, Kafka, file) hands it to the shared pipeline:
 * the raw parameters as the caller sent them, not yet validated.
 */
public record InvokeRequest(
        String requestId,
        String iotId,
        String productKey,
        String deviceName,
        String identifier,
        String args,
        String timeout,
        boolean waitForAsyncReply) {

    /** the API Action this pipeline serves (HTTP hands every other Action to device management) */
    public static final String ACTION = "InvokeThingService";
}
