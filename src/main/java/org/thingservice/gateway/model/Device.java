package org.thingservice.gateway.model;

/** A device as the registry knows it. */
public record Device(String iotId, String productKey, String deviceName) {
}
