package org.thingservice.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The broker and database checks hold readiness, never liveness: an outage must not get a healthy gateway restarted. */
class ReadinessCheckTest {

    @Test
    void theMqttAndDatabaseChecksArePartOfReadinessOnly() {
        for (ReadinessCheck check : new ReadinessCheck[] {new MqttHealthCheck(null), new DatabaseHealthCheck(null)}) {
            assertThat(check.isReadiness()).as(check.getId()).isTrue();
            assertThat(check.isLiveness()).as(check.getId()).isFalse();
        }
    }
}
