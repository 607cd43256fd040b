package org.thingservice.gateway.kafka;

import java.util.TreeSet;

/**
 * One partition's records as this instance took them: which were dispatched and which of those are not finished
 * yet. What may be committed is the offset of the first unfinished one (every record before it is finished), or the
 * one after the last dispatched when none is unfinished: never past a record whose result is not written. Records
 * are dispatched in offset order; they finish in any order. Thread-safe: dispatched on the poll thread, finished on
 * whichever thread completed the record's exchange.
 */
final class FinishedOffsets {

    private final TreeSet<Long> unfinished = new TreeSet<>();
    private long next = -1;
    private boolean revoked;

    synchronized void dispatched(long offset) {
        unfinished.add(offset);
        next = Math.max(next, offset + 1);
    }

    synchronized void finished(long offset) {
        unfinished.remove(offset);
    }

    /** The offset to commit (the next record to read), or -1 when nothing was dispatched. */
    synchronized long committable() {
        return unfinished.isEmpty() ? next : unfinished.first();
    }

    /** The partition went to another member: what finishes from now on is not this instance's to commit. */
    synchronized void revoke() {
        revoked = true;
    }

    synchronized boolean revoked() {
        return revoked;
    }
}
