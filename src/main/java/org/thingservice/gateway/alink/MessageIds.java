package org.thingservice.gateway.alink;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Alink message ids: numeric strings in 0..4294967295, as the protocol requires. A counter gives every request a
 * different id until 2^32 calls later, far beyond any request still in flight; it starts at a random point so that
 * gateway instances sharing a broker rarely pick the same ids.
 */
public final class MessageIds {

    private static final long RANGE = 1L << 32;
    private final AtomicLong next;

    public MessageIds() {
        this(ThreadLocalRandom.current().nextLong(RANGE));
    }

    MessageIds(long start) {
        next = new AtomicLong(start);
    }

    public String next() {
        return Long.toString(Math.floorMod(next.getAndIncrement(), RANGE));
    }
}
