package org.thingservice.gateway.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormEncodingTest {

    @Test
    void pairsComeInOrderStillEncodedEmptyOnesSkipped() {
        List<String> seen = new ArrayList<>();
        FormEncoding.forEachPair("a=1&&b&c=%20=x&", (name, value) -> seen.add(name + "|" + value));
        assertThat(seen).containsExactly("a|1", "b|", "c|%20=x");
        FormEncoding.forEachPair(null, (name, value) -> seen.add("none"));
        FormEncoding.forEachPair("", (name, value) -> seen.add("none"));
        assertThat(seen).hasSize(3);
    }

    @Test
    void strictDecodingSaysWhyAValueDoesNotDecode() {
        assertThat(FormEncoding.decode("a+b%20%E7%81%AF")).isEqualTo("a b 灯");
        assertThatThrownBy(() -> FormEncoding.decode("%4")).isInstanceOf(FormEncoding.MalformedException.class)
                .hasMessage("malformed percent-encoding");
        assertThatThrownBy(() -> FormEncoding.decode("%FF")).isInstanceOf(FormEncoding.MalformedException.class)
                .hasMessage("the value is not valid UTF-8");
    }

    @Test
    void lenientDecodingKeepsWhatDoesNotDecode() {
        assertThat(FormEncoding.decodeOrKeep("%7B%7D")).isEqualTo("{}");
        assertThat(FormEncoding.decodeOrKeep("%ZZ")).isEqualTo("%ZZ");
        assertThat(FormEncoding.decodeOrKeep("x%FF")).isEqualTo("x%FF");
    }
}
