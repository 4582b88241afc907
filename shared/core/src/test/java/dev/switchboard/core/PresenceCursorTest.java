package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.protocol.Limits;
import org.junit.jupiter.api.Test;

class PresenceCursorTest {

    @Test
    void aCursorReadsBackAsThePositionItWasMadeFor() {
        for (PresenceCursor cursor : new PresenceCursor[] {PresenceCursor.START, new PresenceCursor(3, null),
                new PresenceCursor(0, "L0SM9cOFvHcCIhw="), new PresenceCursor(63, "id#with%odd/chars"),
                new PresenceCursor(1, "\u00e9t\u00e9-\ud83d\ude00")}) {
            String text = cursor.encode("team-42:general");
            assertThat(Limits.isWellFormedCursor(text)).as(text).isTrue();
            assertThat(PresenceCursor.decode("team-42:general", text, 64)).contains(cursor);
        }
    }

    @Test
    void theLongestCursorFitsTheProtocolsLimit() {
        String longest = new PresenceCursor(0xFFFF, "x".repeat(PresenceCursor.MAX_AFTER_BYTES))
                .encode("r".repeat(Limits.MAX_ROOM_LENGTH));

        assertThat(longest.length()).isLessThanOrEqualTo(Limits.MAX_CURSOR_LENGTH);
    }

    @Test
    void aCursorIsBoundToItsRoomAndToTheShardsTheStoreHas() {
        String text = new PresenceCursor(2, "abc=").encode("lobby");

        assertThat(PresenceCursor.decode("lobby", text, 3)).isPresent();
        assertThat(PresenceCursor.decode("lobby2", text, 3)).isEmpty();
        assertThat(PresenceCursor.decode("Lobby", text, 3)).isEmpty();
        assertThat(PresenceCursor.decode("lobby", text, 2)).as("shard 2 of 2 does not exist").isEmpty();
    }

    @Test
    void onlyTheCanonicalSpellingIsAccepted() {
        String text = PresenceCursor.START.encode("lobby");
        // 11 bytes: the last character carries 2 unused bits, which must be zero.
        char last = text.charAt(text.length() - 1);
        String strayBits = text.substring(0, text.length() - 1) + (char) (last + 1);

        assertThat(PresenceCursor.decode("lobby", strayBits, 1)).isEmpty();
        assertThat(PresenceCursor.decode("lobby", text + "=", 1)).isEmpty();
        assertThat(PresenceCursor.decode("lobby", "AQAAPLrr/8ZAIO5jNQ", 1)).as("base64, not base64url").isEmpty();
        assertThat(PresenceCursor.decode("lobby", "", 1)).isEmpty();
        assertThat(PresenceCursor.decode("lobby", "A".repeat(Limits.MAX_CURSOR_LENGTH + 4), 1)).isEmpty();
    }

    @Test
    void connectionIdsThatCannotBePositionsAreRefusedWhenMade() {
        assertThatThrownBy(() -> new PresenceCursor(0, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PresenceCursor(0, "a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PresenceCursor(0, "x".repeat(PresenceCursor.MAX_AFTER_BYTES + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PresenceCursor(0, "lone \ud800 surrogate"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PresenceCursor(-1, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
