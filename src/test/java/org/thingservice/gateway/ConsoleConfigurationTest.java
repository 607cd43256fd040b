package org.thingservice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Whether the console is served, without Camel. */
class ConsoleConfigurationTest {

    @Test
    void unsetItIsOnOnlyOnALoopbackAddress() {
        assertThat(ConsoleConfiguration.enabled(null, "127.0.0.1")).isTrue();
        assertThat(ConsoleConfiguration.enabled(null, "::1")).isTrue();
        assertThat(ConsoleConfiguration.enabled(null, "localhost")).isTrue();
        assertThat(ConsoleConfiguration.enabled(null, "0.0.0.0")).isFalse();
        assertThat(ConsoleConfiguration.enabled(null, null)).as("every address").isFalse();
    }

    @Test
    void setItIsAsSetWherever() {
        assertThat(ConsoleConfiguration.enabled("true", "0.0.0.0")).isTrue();
        assertThat(ConsoleConfiguration.enabled("false", "127.0.0.1")).isFalse();
    }
}
