package org.thingservice.gateway.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounded memory of (AccessKeyId, nonce) pairs with their first-use time. Entries are kept in insertion order,
 * which is time order, so expired entries are evicted from the head. When full of unexpired entries the store
 * refuses new ones rather than grow. Thread-safe.
 */
final class NonceStore {
    enum Outcome { RECORDED, USED, FULL }

    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
    private final long windowMillis;
    private final int maxEntries;

    NonceStore(long windowMillis, int maxEntries) {
        this.windowMillis = windowMillis;
        this.maxEntries = maxEntries;
    }

    synchronized Outcome checkAndRecord(String key, long nowMillis) {
        evictExpired(nowMillis);
        Long firstSeen = seen.get(key);
        if (firstSeen != null) {
            if (nowMillis - firstSeen <= windowMillis) {
                return Outcome.USED;
            }
            seen.remove(key); // expired but not at the head (clock moved back): forget and re-record at the tail
        }
        if (seen.size() >= maxEntries) {
            return Outcome.FULL;
        }
        seen.put(key, nowMillis);
        return Outcome.RECORDED;
    }

    private void evictExpired(long nowMillis) {
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            if (nowMillis - it.next().getValue() > windowMillis) {
                it.remove();
            } else {
                break;
            }
        }
    }

    synchronized int size() {
        return seen.size();
    }
}
