package org.thingservice.gateway.kafka;

/** A record that cannot be read at all (no value, not UTF-8): it goes to the dead-letter topic with this reason. */
public class UnreadableRecordException extends RuntimeException {
    public UnreadableRecordException(String reason) {
        super(reason, null, false, false);
    }
}
