package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuoteTest {
    @Test
    void textBecomesAJsonStringLiteral() {
        assertThat(FrameCodec.quote("he said \"hi\"\n\\ é {}")).isEqualTo("\"he said \\\"hi\\\"\\n\\\\ é {}\"");
        assertThat(FrameCodec.quote("")).isEqualTo("\"\"");
    }
}
