package org.thingservice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.thingservice.gateway.api.ApiException;

class HttpRequestReaderTest {

    @Test
    void decodesPercentEscapesPlusAndUtf8() {
        assertThat(HttpRequestReader.decode("%7B%22a%22%3A1%7D")).isEqualTo("{\"a\":1}");
        assertThat(HttpRequestReader.decode("a+b%20c")).isEqualTo("a b c");
        assertThat(HttpRequestReader.decode("%E7%81%AF")).isEqualTo("灯");
        assertThat(HttpRequestReader.decode("%2A")).isEqualTo("*");
    }

    @Test
    void plainAsciiComesBackAsItIsAndRawUtf8AlongsideEscapesIsKept() {
        assertThat(HttpRequestReader.decode("InvokeThingService")).isEqualTo("InvokeThingService");
        assertThat(HttpRequestReader.decode("")).isEmpty();
        assertThat(HttpRequestReader.decode("灯")).isEqualTo("灯");
        assertThat(HttpRequestReader.decode("x%20灯")).isEqualTo("x 灯");
    }

    @Test
    void malformedEscapesAndInvalidUtf8AreErrorsNotGuesses() {
        for (String bad : new String[] {"%", "%4", "%ZZ", "%FF", "%C3%28", "%ED%A0%80"}) {
            assertThatThrownBy(() -> HttpRequestReader.decode(bad))
                    .as(bad).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
        }
    }
}
