package org.thingservice.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.api.ResponseFormat;

class RequestValidatorTest {

    private final RequestValidator validator = new RequestValidator(8000, 60000, 100);

    private static Invocation call(String iotId, String pk, String dn, String identifier, String args, String timeout) {
        return new Invocation(new InvokeRequest("R", iotId, pk, dn, identifier, args, timeout, false), ResponseFormat.JSON);
    }

    @Test
    void iotIdWinsSoProductKeyAndDeviceNameAreNotChecked() {
        Invocation invocation = call("Iot-1", "bad/pk", "bad#dn", "Blink", "{\"a\":1}", null);

        validator.validate(invocation);

        assertThat(invocation.args().path("a").asInt()).isEqualTo(1);
        assertThat(invocation.timeoutMillis()).isEqualTo(8000);
    }

    @Test
    void moduleQualifiedIdentifiersAreAccepted() {
        validator.validate(call(null, "pk", "dn", "fb_1:Open", "{}", "100"));
    }

    @Test
    void timeoutIsBoundedByTheMaximum() {
        assertThatThrownBy(() -> validator.validate(call(null, "pk", "dn", "Blink", "{}", "60001")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_TIMEOUT));
        validator.validate(call(null, "pk", "dn", "Blink", "{}", "60000"));
    }

    @Test
    void topicCharactersAreRefusedInEveryName() {
        for (String evil : new String[] {"a+b", "a#", "a/b", "a\u0000", "a\nb", "a b", ""}) {
            assertThatThrownBy(() -> validator.validate(call(null, evil.isEmpty() ? "x".repeat(65) : evil, "dn", "Blink", "{}", null)))
                    .isInstanceOf(ApiException.class);
            assertThatThrownBy(() -> validator.validate(call(null, "pk", evil.isEmpty() ? "x".repeat(65) : evil, "Blink", "{}", null)))
                    .isInstanceOf(ApiException.class);
            assertThatThrownBy(() -> validator.validate(call(null, "pk", "dn", evil.isEmpty() ? "x".repeat(51) : evil, "{}", null)))
                    .isInstanceOf(ApiException.class);
        }
    }

    @Test
    void echoedValuesShowControlCharactersAndAreShortened() {
        assertThat(RequestValidator.shorten("a\r\nb")).isEqualTo("a\\u000d\\u000ab");
        assertThat(RequestValidator.shorten("x".repeat(100))).hasSize(41).endsWith("…");
        String plain = "灯-" + "x".repeat(38);
        assertThat(RequestValidator.shorten(plain)).isSameAs(plain);
        assertThat(RequestValidator.shorten("灯".repeat(41))).isEqualTo("灯".repeat(40) + "…");
    }
}
