package org.thingservice.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthenticationPolicyTest {

    @Test
    void theEmbeddedDemoOnLoopbackIsOffByDefaultWithAWarning() {
        AuthenticationPolicy policy = AuthenticationPolicy.decide(null, true, "127.0.0.1", false);

        assertThat(policy.enabled()).isFalse();
        assertThat(policy.warning()).contains("off", "embedded demo", "gateway.auth.enabled=true");
    }

    @Test
    void anExternalBrokerMeansOnByDefaultEvenOnLoopback() {
        assertThat(AuthenticationPolicy.decide(null, false, "127.0.0.1", false)).isEqualTo(new AuthenticationPolicy(true, null));
    }

    @Test
    void theEmbeddedDemoOnANonLoopbackAddressIsOnByDefault() {
        assertThat(AuthenticationPolicy.decide(null, true, "0.0.0.0", false).enabled()).isTrue();
        assertThat(AuthenticationPolicy.decide(null, true, "", false).enabled()).as("unset: every address").isTrue();
    }

    @Test
    void saidOnIsOnEverywhere() {
        assertThat(AuthenticationPolicy.decide("true", true, "127.0.0.1", false).enabled()).isTrue();
        assertThat(AuthenticationPolicy.decide("true", false, "0.0.0.0", false).enabled()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"})
    void saidOffOnLoopbackIsOffWithAWarning(String host) {
        AuthenticationPolicy policy = AuthenticationPolicy.decide("false", false, host, false);

        assertThat(policy.enabled()).isFalse();
        assertThat(policy.warning()).contains("off");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "192.0.2.10", "no-such-host.invalid"})
    void saidOffOnANonLoopbackAddressRefusesToStart(String host) {
        assertThatThrownBy(() -> AuthenticationPolicy.decide("false", true, host, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Refusing to start").hasMessageContaining(host).hasMessageContaining("gateway.auth.allow-insecure=true");
    }

    @Test
    void saidOffOnANonLoopbackAddressWithAllowInsecureIsOffWithALoudWarning() {
        AuthenticationPolicy policy = AuthenticationPolicy.decide("false", false, "0.0.0.0", true);

        assertThat(policy.enabled()).isFalse();
        assertThat(policy.warning()).contains("OFF", "0.0.0.0", "anyone");
    }
}
