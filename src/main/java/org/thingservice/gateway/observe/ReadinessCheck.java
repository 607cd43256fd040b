package org.thingservice.gateway.observe;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check of something every call needs from outside the process (the MQTT broker, the database): part of readiness
 * (/observe/health/ready: while it is DOWN no call can succeed, so no caller should be sent here), not of liveness
 * (/observe/health/live): a restart cures no broker or database outage, and the gateway recovers by itself once
 * the outage is over.
 */
abstract class ReadinessCheck extends AbstractHealthCheck {

    ReadinessCheck(String group, String id) {
        super(group, id);
    }

    @Override
    public final boolean isReadiness() {
        return true;
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }
}
