package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CapabilitiesTest {

    private static Capabilities parse(Object rooms, Object direct) {
        return Capabilities.fromClaims(rooms, direct);
    }

    @Test
    void exactAndPrefixPatternsGrantWhatTheyList() {
        Capabilities caps = parse(Map.of("lobby", List.of("join", "send"),
                "team-42:*", List.of("join", "history", "presence", "send")), null);

        assertThat(caps.rightsIn("lobby")).isEqualTo(Rights.of(RoomAction.JOIN, RoomAction.SEND));
        assertThat(caps.rightsIn("team-42:general")).isEqualTo(Rights.ALL);
        assertThat(caps.rightsIn("team-42:")).isEqualTo(Rights.ALL);
        assertThat(caps.rightsIn("lobby2")).as("an exact pattern is not a prefix").isEqualTo(Rights.NONE);
        assertThat(caps.rightsIn("team-4")).isEqualTo(Rights.NONE);
        assertThat(caps.rightsIn("team-7:general")).as("deny by default").isEqualTo(Rights.NONE);
    }

    @Test
    void overlappingPatternsAddUp() {
        Capabilities caps = parse(Map.of("*", List.of("join"), "news", List.of("history")), null);

        assertThat(caps.rightsIn("news")).isEqualTo(Rights.of(RoomAction.JOIN, RoomAction.HISTORY));
        assertThat(caps.rightsIn("anything")).isEqualTo(Rights.of(RoomAction.JOIN));
    }

    @Test
    void directPatternsMatchUsers() {
        Capabilities caps = parse(null, List.of("bob", "support-*"));

        assertThat(caps.mayDirect("bob")).isTrue();
        assertThat(caps.mayDirect("support-7")).isTrue();
        assertThat(caps.mayDirect("bobby")).isFalse();
        assertThat(caps.mayDirect("mallory")).isFalse();
        assertThat(parse(null, List.of("*")).mayDirect("anyone")).isTrue();
        assertThat(Capabilities.NONE.mayDirect("bob")).isFalse();
    }

    @Test
    void claimsThatArriveAsJsonTextAreReadTheSame() {
        Capabilities fromText = parse("{\"lobby\":[\"join\",\"send\"]}", "[\"bob\"]");

        assertThat(fromText).isEqualTo(parse(Map.of("lobby", List.of("join", "send")), List.of("bob")));
    }

    @Test
    void theCompactFormReadsBackExactly() {
        Map<String, Object> rooms = new LinkedHashMap<>();
        rooms.put("lobby", List.of("send", "join"));
        rooms.put("team-42:*", List.of("join", "history", "presence", "send"));
        rooms.put("*", List.of("presence"));
        Capabilities caps = parse(rooms, List.of("bob", "odd,user%name", "support-*"));

        String compact = caps.compact();

        assertThat(compact).isEqualTo("lobby=js;team-42:*=jhps;*=p|bob,odd%2Cuser%25name,support-*");
        assertThat(Capabilities.fromCompact(compact)).isEqualTo(caps);
        assertThat(Capabilities.fromCompact("|")).isEqualTo(Capabilities.NONE);
        assertThat(Capabilities.NONE.compact()).isEqualTo("|");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lobby=js", "lobby=jx|", "bad room=j|", "lobby=j|a%2", "lobby=j|a%41",
        "lobby=j;|", "|,", "lo#bby=j|"})
    void aCompactFormThatDoesNotReadExactlyIsRefused(String compact) {
        assertThatThrownBy(() -> Capabilities.fromCompact(compact)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedClaimsAreRefusedWithAReason() {
        assertThatThrownBy(() -> parse(List.of("lobby"), null)).hasMessageContaining("object of pattern to actions");
        assertThatThrownBy(() -> parse(Map.of("lobby", "join"), null)).hasMessageContaining("list of actions");
        assertThatThrownBy(() -> parse(Map.of("lobby", List.of()), null)).hasMessageContaining("list of actions");
        assertThatThrownBy(() -> parse(Map.of("lobby", List.of("admin")), null)).hasMessageContaining("unknown action");
        assertThatThrownBy(() -> parse(Map.of("lobby", List.of(7)), null)).hasMessageContaining("unknown action");
        assertThatThrownBy(() -> parse(Map.of("bad room", List.of("join")), null))
                .hasMessageContaining("invalid room pattern");
        assertThatThrownBy(() -> parse(Map.of("a*b", List.of("join")), null))
                .hasMessageContaining("invalid room pattern");
        assertThatThrownBy(() -> parse(Map.of("", List.of("join")), null)).hasMessageContaining("invalid room pattern");
        assertThatThrownBy(() -> parse(null, Map.of("bob", true))).hasMessageContaining("list of user patterns");
        assertThatThrownBy(() -> parse(null, List.of(""))).hasMessageContaining("invalid user pattern");
        assertThatThrownBy(() -> parse(null, List.of("bob\u0000"))).hasMessageContaining("invalid user pattern");
        assertThatThrownBy(() -> parse("{\"lobby\":", null)).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("{\"a\":[\"join\"],\"a\":[\"send\"]}", null)).hasMessageContaining("repeats");
        assertThatThrownBy(() -> parse("{\"a\":[[[\"join\"]]]}", null)).hasMessageContaining("not an object");
    }

    @Test
    void tooManyOrTooLongPatternsAreRefused() {
        Map<String, Object> many = new LinkedHashMap<>();
        IntStream.range(0, Capabilities.MAX_PATTERNS + 1).forEach(i -> many.put("room-" + i, List.of("join")));
        assertThatThrownBy(() -> parse(many, null)).hasMessageContaining("at most");

        Map<String, Object> long_ = new LinkedHashMap<>();
        IntStream.range(0, 20).forEach(i -> long_.put("r".repeat(120) + i, List.of("join")));
        assertThatThrownBy(() -> parse(long_, null)).hasMessageContaining("exceed");
    }
}
