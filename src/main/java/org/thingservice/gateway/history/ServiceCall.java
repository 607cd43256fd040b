package org.thingservice.gateway.history;

/**
 * One service call as the history keeps it (table service_call). Times are epoch ms; messageId is null for a call
 * refused before its request was made (bad Args, throttled); reply is the device's Alink reply as it came, null until
 * one came; late when it came after the call had ended.
 */
public record ServiceCall(String id, long calledAt, long endedAt, String iotId, String productKey, String deviceName,
        String identifier, String args, String messageId, String requestId, String source, String outcome,
        String reply, Long repliedAt, boolean late) {
}
