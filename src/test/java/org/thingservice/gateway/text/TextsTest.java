package org.thingservice.gateway.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextsTest {

    @Test
    void clipCountsCodePointsAndNeverSplitsASurrogatePair() {
        String plain = "abc";
        assertThat(Texts.clip(plain, 3, "...")).isSameAs(plain);
        assertThat(Texts.clip("abcd", 3, "...")).isEqualTo("abc...");
        assertThat(Texts.clip("😀".repeat(3), 3, "…")).isEqualTo("😀".repeat(3));
        assertThat(Texts.clip("😀".repeat(4), 3, "…")).isEqualTo("😀".repeat(3) + "…");
    }

    @Test
    void shortenMakesControlCharactersVisibleAfterClipping() {
        assertThat(Texts.shorten("a\nb", 80)).isEqualTo("a\\u000ab");
        assertThat(Texts.shorten("\r".repeat(5), 2)).isEqualTo("\\u000d\\u000d…");
        assertThat(Texts.shorten("x".repeat(81), 80)).isEqualTo("x".repeat(80) + "…");
    }
}
