package org.thingservice.gateway.bench;


interface CallerFactory {
    Caller create(int index) throws Exception;
}
