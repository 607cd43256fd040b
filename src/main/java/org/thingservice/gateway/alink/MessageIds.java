package org.thingservice.gateway.alink;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Alink message ids: numeric strings in 0..4294967295, as the protocol requires. The top 12 bits are the instance's
 * prefix (see GatewayInstances), the low 20 bits a counter: every request of an instance gets a different id until
 * 2^20 (about a million) requests later, far beyond any request still in flight, and instances sharing a broker
 * never pick the same ids and can tell each other's replies apart.
 */
public final class MessageIds {

    public static final int PREFIXES = 1 << 12;
    private static final int COUNTER_BITS = 20;
    private static final long COUNTER_MASK = (1L << COUNTER_BITS) - 1;

    private final long prefix;
    private final AtomicLong next;

    public MessageIds(int prefix) {
        this(prefix, ThreadLocalRandom.current().nextLong(1L << COUNTER_BITS));
    }

    MessageIds(int prefix, long start) {
        if (prefix < 0 || prefix >= PREFIXES) {
            throw new IllegalArgumentException("prefix " + prefix + " is not in 0.." + (PREFIXES - 1));
        }
        this.prefix = (long) prefix << COUNTER_BITS;
        next = new AtomicLong(start);
    }

    public String next() {
        return Long.toString(prefix | (next.getAndIncrement() & COUNTER_MASK));
    }

    /** The prefix of the instance that made this id; -1 for anything that is not an Alink id. */
    public static int prefixOf(String id) {
        long value;
        try {
            value = Long.parseLong(id);
        } catch (NumberFormatException e) {
            return -1;
        }
        return value < 0 || value > 0xFFFF_FFFFL ? -1 : (int) (value >>> COUNTER_BITS);
    }
}
