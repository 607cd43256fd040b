package org.thingservice.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Strict form decoding, with and without anything to decode. */
class HttpRequestReaderDecodeTest {

    @Test
    void plainAsciiComesBackAsItIs() {
        assertThat(HttpRequestReader.decode("InvokeThingService")).isEqualTo("InvokeThingService");
        assertThat(HttpRequestReader.decode("")).isEmpty();
    }

    @Test
    void escapesPlusesAndUtf8AreDecoded() {
        assertThat(HttpRequestReader.decode("%7B%22param1%22%3A1%7D")).isEqualTo("{\"param1\":1}");
        assertThat(HttpRequestReader.decode("a+b")).isEqualTo("a b");
        assertThat(HttpRequestReader.decode("%E4%BA%AE")).isEqualTo("亮");
        assertThat(HttpRequestReader.decode("x%20亮")).isEqualTo("x 亮");
    }

    @Test
    void malformedEscapesAndInvalidUtf8AreRefused() {
        assertThatThrownBy(() -> HttpRequestReader.decode("%7")).isInstanceOf(ApiException.class).hasMessageContaining("percent");
        assertThatThrownBy(() -> HttpRequestReader.decode("%ZZ")).isInstanceOf(ApiException.class).hasMessageContaining("percent");
        assertThatThrownBy(() -> HttpRequestReader.decode("%C3%28")).isInstanceOf(ApiException.class).hasMessageContaining("UTF-8");
    }
}
