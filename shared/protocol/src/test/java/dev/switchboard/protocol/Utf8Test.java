package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {

    @Test
    void eachCodePointTakesOneToFourBytes() {
        assertThat(Utf8.codePointLength('a')).isEqualTo(1);
        assertThat(Utf8.codePointLength('é')).isEqualTo(2);
        assertThat(Utf8.codePointLength('€')).isEqualTo(3);
        assertThat(Utf8.codePointLength("😀".codePointAt(0))).isEqualTo(4);
        assertThat(Utf8.codePointLength(0x7F)).isEqualTo(1);
        assertThat(Utf8.codePointLength(0x80)).isEqualTo(2);
        assertThat(Utf8.codePointLength(0x7FF)).isEqualTo(2);
        assertThat(Utf8.codePointLength(0x800)).isEqualTo(3);
        assertThat(Utf8.codePointLength(0xFFFF)).isEqualTo(3);
        assertThat(Utf8.codePointLength(0x10000)).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii", "aé€😀", "日本語のテキスト", "😀😀😀", "mixed ü and 😀 and 中"})
    void aTextCountsAsItsEncoding(String text) {
        assertThat(Utf8.length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void anUnpairedSurrogateCountsAsThreeBytes() {
        assertThat(Utf8.length("a\uD83D")).isEqualTo(1 + 3);
        assertThat(Utf8.length("\uDE00b")).isEqualTo(3 + 1);
        assertThat(Utf8.length(new StringBuilder("\uD83D\uDE00"))).isEqualTo(4);
    }
}
