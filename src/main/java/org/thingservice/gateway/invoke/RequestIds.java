package org.thingservice.gateway.invoke;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** RequestIds for calls that come without one: random (version 4) UUIDs in upper case, as Alibaba's are. */
public final class RequestIds {

    private RequestIds() {
    }

    /**
     * From ThreadLocalRandom rather than UUID.randomUUID(): a RequestId must be unique, not unguessable, and
     * randomUUID's SecureRandom is a lock that every call would take (JFR showed callers blocked on it at 64 callers).
     */
    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString().toUpperCase(Locale.ROOT);
    }
}
