package org.thingservice.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.api.ApiException;

class InFlightLimitTest {

    private final CamelContext camel = new DefaultCamelContext();

    @Test
    void pastTheLimitACallIsThrottledAtOnceUntilAPlaceIsFree() {
        InFlightLimit limit = new InFlightLimit(2);
        Exchange first = exchange();
        limit.enter(first);
        limit.enter(exchange());

        assertThatThrownBy(() -> limit.enter(exchange())).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo("Throttling.User");
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.getMessage()).contains("gateway.invoke.max-in-flight", "2");
        });
        assertThat(limit.inFlight()).isEqualTo(2);

        limit.leave(first);
        limit.enter(exchange());
        assertThat(limit.inFlight()).isEqualTo(2);
    }

    @Test
    void onlyAnExchangeThatEnteredGivesAPlaceBackAndOnlyOnce() {
        InFlightLimit limit = new InFlightLimit(1);
        Exchange inside = exchange();
        limit.enter(inside);
        Exchange throttled = exchange();
        assertThatThrownBy(() -> limit.enter(throttled)).isInstanceOf(ApiException.class);

        limit.leave(throttled);
        limit.leave(inside);
        limit.leave(inside);

        assertThat(limit.inFlight()).isZero();
        limit.enter(exchange());
        assertThatThrownBy(() -> limit.enter(exchange())).as("still one place, not three").isInstanceOf(ApiException.class);
    }

    @Test
    void aLimitBelowOneIsASettingError() {
        assertThatThrownBy(() -> new InFlightLimit(0)).hasMessageContaining("gateway.invoke.max-in-flight");
    }

    private Exchange exchange() {
        return new DefaultExchange(camel);
    }
}
