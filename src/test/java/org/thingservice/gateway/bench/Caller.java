package org.thingservice.gateway.bench;


interface Caller extends AutoCloseable {
    /** One round trip, checked; throws when it failed or came back wrong. */
    void call(int param) throws Exception;
}
