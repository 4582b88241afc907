package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FrameCodecTest {

    @Test
    void decodesEveryClientAction() {
        assertThat(FrameCodec.decodeClient("{\"action\":\"join\",\"room\":\"lobby\",\"id\":\"1\"}"))
                .isEqualTo(new ClientFrame.Join("1", "lobby"));
        assertThat(FrameCodec.decodeClient("{\"action\":\"leave\",\"room\":\"lobby\"}"))
                .isEqualTo(new ClientFrame.Leave(null, "lobby"));
        assertThat(FrameCodec.decodeClient("{\"action\":\"ping\",\"id\":\"p-9\"}"))
                .isEqualTo(new ClientFrame.Ping("p-9"));
        assertThat(FrameCodec.decodeClient("{\"action\":\"send\",\"room\":\"r\",\"data\":{\"text\":\"hi\",\"n\":[1,2]}}"))
                .isEqualTo(new ClientFrame.Send(null, "r", "{\"text\":\"hi\",\"n\":[1,2]}"));
    }

    @Test
    void ignoresUnknownFieldsForForwardCompatibility() {
        assertThat(FrameCodec.decodeClient("{\"action\":\"ping\",\"future\":{\"x\":[1,{}]},\"id\":\"a\"}"))
                .isEqualTo(new ClientFrame.Ping("a"));
    }

    @Test
    void sendDataKeepsAnyJsonValue() {
        for (String data : new String[] {"\"text\"", "42", "true", "null", "[1,\"a\"]", "{\"u\":\"\\u00e9\"}"}) {
            ClientFrame frame = FrameCodec.decodeClient("{\"action\":\"send\",\"room\":\"r\",\"data\":" + data + "}");
            assertThat(((ClientFrame.Send) frame).data()).isEqualTo(data.replace("\\u00e9", "é"));
        }
    }

    static Stream<Arguments> badFrames() {
        String big = "x".repeat(Limits.MAX_DATA_BYTES + 1);
        return Stream.of(
                Arguments.of("not json at all", ErrorCode.MALFORMED_JSON, null),
                Arguments.of("", ErrorCode.MALFORMED_JSON, null),
                Arguments.of("[1,2]", ErrorCode.MALFORMED_JSON, null),
                Arguments.of("{\"action\":\"join\",\"room\":\"a\"", ErrorCode.MALFORMED_JSON, null),
                Arguments.of("{\"action\":\"ping\"} {}", ErrorCode.MALFORMED_JSON, null),
                Arguments.of("{\"id\":\"7\",\"action\":\"ping\",\"action\":\"join\"}", ErrorCode.MALFORMED_JSON, "7"),
                Arguments.of("{\"id\":\"7\"}", ErrorCode.MISSING_FIELD, "7"),
                Arguments.of("{\"action\":\"dance\",\"id\":\"8\"}", ErrorCode.UNKNOWN_ACTION, "8"),
                Arguments.of("{\"action\":\"$connect\"}", ErrorCode.UNKNOWN_ACTION, null),
                Arguments.of("{\"action\":\"join\",\"id\":\"9\"}", ErrorCode.MISSING_FIELD, "9"),
                Arguments.of("{\"action\":\"send\",\"room\":\"r\",\"id\":\"10\"}", ErrorCode.MISSING_FIELD, "10"),
                Arguments.of("{\"action\":\"join\",\"room\":\"no spaces\",\"id\":\"11\"}", ErrorCode.INVALID_FIELD,
                        "11"),
                Arguments.of("{\"action\":\"join\",\"room\":\"" + "r".repeat(129) + "\"}", ErrorCode.INVALID_FIELD,
                        null),
                Arguments.of("{\"action\":\"join\",\"room\":42,\"id\":\"12\"}", ErrorCode.INVALID_FIELD, "12"),
                Arguments.of("{\"action\":[\"join\"]}", ErrorCode.INVALID_FIELD, null),
                Arguments.of("{\"action\":\"ping\",\"id\":\"" + "i".repeat(65) + "\"}", ErrorCode.INVALID_FIELD,
                        null),
                Arguments.of("{\"action\":\"ping\",\"id\":5}", ErrorCode.INVALID_FIELD, null),
                Arguments.of("{\"action\":\"join\",\"room\":\"r\",\"after\":-1,\"id\":\"a1\"}",
                        ErrorCode.INVALID_FIELD, "a1"),
                Arguments.of("{\"action\":\"join\",\"room\":\"r\",\"after\":\"5\"}", ErrorCode.INVALID_FIELD, null),
                Arguments.of("{\"action\":\"resume\",\"room\":\"r\",\"id\":\"a2\"}", ErrorCode.MISSING_FIELD, "a2"),
                Arguments.of("{\"action\":\"direct\",\"data\":1,\"id\":\"a3\"}", ErrorCode.MISSING_FIELD, "a3"),
                Arguments.of("{\"action\":\"direct\",\"user\":\"\\u0000\",\"data\":1}", ErrorCode.INVALID_FIELD, null),
                Arguments.of("{\"action\":\"direct\",\"user\":\"bob\"}", ErrorCode.MISSING_FIELD, null),
                Arguments.of("{\"action\":\"send\",\"room\":\"r\",\"id\":\"13\",\"data\":\"" + big + "\"}",
                        ErrorCode.PAYLOAD_TOO_LARGE, "13"),
                Arguments.of("{\"action\":\"send\",\"room\":\"r\",\"data\":" + "[".repeat(100) + "]".repeat(100) + "}",
                        ErrorCode.PAYLOAD_TOO_LARGE, null),
                Arguments.of("{\"action\":\"presence\",\"room\":\"r\",\"id\":\"c1\",\"cursor\":\""
                        + "A".repeat(Limits.MAX_CURSOR_LENGTH + 1) + "\"}", ErrorCode.INVALID_FIELD, "c1"),
                Arguments.of("{\"action\":\"presence\",\"room\":\"r\",\"id\":\"c2\",\"cursor\":\"\"}",
                        ErrorCode.INVALID_FIELD, "c2"),
                Arguments.of("{\"action\":\"presence\",\"room\":\"r\",\"id\":\"c3\",\"cursor\":\"AQ/+\"}",
                        ErrorCode.INVALID_FIELD, "c3"),
                Arguments.of("{\"action\":\"presence\",\"room\":\"r\",\"id\":\"c4\",\"cursor\":\"AQ==\"}",
                        ErrorCode.INVALID_FIELD, "c4"),
                Arguments.of("{\"action\":\"presence\",\"room\":\"r\",\"id\":\"c5\",\"cursor\":17}",
                        ErrorCode.INVALID_FIELD, "c5"),
                Arguments.of("{\"action\":\"presence\",\"room\":\"r\",\"id\":\"c6\",\"cursor\":{\"shard\":1}}",
                        ErrorCode.INVALID_FIELD, "c6"));
    }

    @ParameterizedTest
    @MethodSource("badFrames")
    void badFramesBecomeProtocolErrorsWithTheirIdWhenReadable(String body, ErrorCode code, String id) {
        assertThatThrownBy(() -> FrameCodec.decodeClient(body))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.frameId()).isEqualTo(id);
                    assertThat(e.getMessage()).isNotBlank();
                });
    }

    @Test
    void wholeFrameOverTheMessageLimitIsRefusedBeforeParsing() {
        String body = "{\"action\":\"send\",\"room\":\"r\",\"data\":\"" + "é".repeat(Limits.MAX_MESSAGE_BYTES / 2)
                + "\"}";
        assertThatThrownBy(() -> FrameCodec.decodeClient(body))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
    }

    @Test
    void nullBodyIsMalformed() {
        assertThatThrownBy(() -> FrameCodec.decodeClient(null))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON));
    }

    @Test
    void unknownActionInErrorMessageIsSanitisedAndShortened() {
        String body = "{\"action\":\"" + "\\u0007".repeat(3) + "z".repeat(100) + "\"}";
        assertThatThrownBy(() -> FrameCodec.decodeClient(body))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.getMessage()).doesNotContain("\u0007").hasSizeLessThan(80);
                });
    }

    @Test
    void serverFramesEncodeAsDocumented() {
        assertThat(FrameCodec.encode(new ServerFrame.Message("m1", "lobby", "u1", "{\"t\":\"hi\"}", 1700000000000L, 7)))
                .isEqualTo("{\"type\":\"message\",\"id\":\"m1\",\"room\":\"lobby\",\"from\":\"u1\","
                        + "\"data\":{\"t\":\"hi\"},\"ts\":1700000000000,\"seq\":7}");
        assertThat(FrameCodec.encode(new ServerFrame.Ack("c1", "send", "m1")))
                .isEqualTo("{\"type\":\"ack\",\"id\":\"c1\",\"action\":\"send\",\"messageId\":\"m1\"}");
        assertThat(FrameCodec.encode(new ServerFrame.Ack(null, "join", null)))
                .isEqualTo("{\"type\":\"ack\",\"action\":\"join\"}");
        assertThat(FrameCodec.encode(new ServerFrame.Error(ErrorCode.THROTTLED, "slow down", "c2")))
                .isEqualTo("{\"type\":\"error\",\"id\":\"c2\",\"code\":\"THROTTLED\",\"message\":\"slow down\","
                        + "\"temporary\":true}");
        assertThat(FrameCodec.encode(new ServerFrame.Pong("p", 5))).isEqualTo("{\"type\":\"pong\",\"id\":\"p\",\"ts\":5}");
    }

    @Test
    void errorMessagesAreJsonEscaped() {
        String json = FrameCodec.encode(new ServerFrame.Error(ErrorCode.INVALID_FIELD, "bad \"room\"\n", null));
        assertThat(FrameCodec.decodeServer(json)).contains(new ServerFrame.Error(ErrorCode.INVALID_FIELD,
                "bad \"room\"\n", null));
    }

    @Test
    void everyFrameRoundTrips() {
        ServerFrame[] server = {
                new ServerFrame.Message("m", "r", "u", "[1,{\"a\":null}]", 3, 4),
                new ServerFrame.Ack("s", "send", "m", 4L),
                new ServerFrame.History("h", "r", List.of(new ServerFrame.Message("m", "r", "u", "1", 3, 4),
                        new ServerFrame.Message("n", "r", "v", "{}", 5, 5)), true, 9),
                new ServerFrame.Reset("j", "r", 12, "gone"),
                new ServerFrame.Presence("p", "r", List.of(new ServerFrame.Member("alice", 2))),
                new ServerFrame.Presence("p", "r", List.of(new ServerFrame.Member("bob", 1)), "AQAB"),
                new ServerFrame.PresenceChange("r", "join", "bob"),
                new ServerFrame.Direct("d", "alice", "\"hi\"", 8),
                new ServerFrame.Reply("t", "typing", "{\"typing\":[\"bob\"]}"),
                new ServerFrame.Reply(null, "vote", "3"),
                new ServerFrame.Ack("i", "leave", null),
                new ServerFrame.Error(ErrorCode.NOT_IN_ROOM, "no", "i"),
                new ServerFrame.Pong(null, 9)};
        for (ServerFrame frame : server) {
            assertThat(FrameCodec.decodeServer(FrameCodec.encode(frame))).contains(frame);
        }
        ClientFrame[] client = {
                new ClientFrame.Join("a", "r"), new ClientFrame.Leave("b", "r"),
                new ClientFrame.Send("c", "r", "{\"x\":1}"), new ClientFrame.Ping(null),
                new ClientFrame.Join("d", "r", 41L), new ClientFrame.Resume("e", "r", 0),
                new ClientFrame.Presence("f", "r"), new ClientFrame.Presence("f", "r", "AQAB-_"),
                new ClientFrame.Direct("g", "bob", "[1]"),
                new ClientFrame.Refresh("h", "eyJ.x.y"), new ClientFrame.Join("i", "inbox~alice")};
        for (ClientFrame frame : client) {
            assertThat(FrameCodec.decodeClient(FrameCodec.encode(frame))).isEqualTo(frame);
        }
    }

    @Test
    void presenceAsksForAPageAndTheReplySaysWhetherMoreFollow() {
        assertThat(FrameCodec.decodeClient("{\"action\":\"presence\",\"room\":\"r\",\"id\":\"p\",\"cursor\":\"AQAB-_9\"}"))
                .isEqualTo(new ClientFrame.Presence("p", "r", "AQAB-_9"));
        assertThat(FrameCodec.decodeClient("{\"action\":\"presence\",\"room\":\"r\",\"cursor\":null}"))
                .isEqualTo(new ClientFrame.Presence(null, "r"));
        assertThat(FrameCodec.encode(new ClientFrame.Presence("p", "r", "AQAB")))
                .isEqualTo("{\"action\":\"presence\",\"id\":\"p\",\"room\":\"r\",\"cursor\":\"AQAB\"}");

        ServerFrame.Presence page = new ServerFrame.Presence("p", "r", List.of(new ServerFrame.Member("alice", 2)),
                "AQAB");
        ServerFrame.Presence last = new ServerFrame.Presence("q", "r", List.of());
        assertThat(FrameCodec.encode(page)).isEqualTo("{\"type\":\"presence\",\"id\":\"p\",\"room\":\"r\","
                + "\"members\":[{\"user\":\"alice\",\"connections\":2}],\"more\":true,\"cursor\":\"AQAB\"}");
        assertThat(FrameCodec.encode(last))
                .isEqualTo("{\"type\":\"presence\",\"id\":\"q\",\"room\":\"r\",\"members\":[],\"more\":false}");
        assertThat(FrameCodec.decodeServer(FrameCodec.encode(page))).contains(page);
        assertThat(page.more()).isTrue();
        assertThat(last.more()).isFalse();
        assertThat(FrameCodec.decodeServer("{\"type\":\"presence\",\"room\":\"r\",\"members\":[]}"))
                .as("a server from before pages answered with every member at once")
                .contains(new ServerFrame.Presence(null, "r", List.of()));
        assertThat(FrameCodec.decodeServer("{\"type\":\"presence\",\"room\":\"r\",\"members\":[],\"cursor\":[1]}"))
                .contains(new ServerFrame.Presence(null, "r", List.of()));
    }

    @Test
    void clientsIgnoreServerFramesOfUnknownType() {
        assertThat(FrameCodec.decodeServer("{\"type\":\"typing\",\"room\":\"r\"}")).isEmpty();
    }

    @Test
    void actionOfNeverThrows() {
        assertThat(FrameCodec.actionOf("{\"action\":\"send\"}")).contains("send");
        assertThat(FrameCodec.actionOf("{")).isEmpty();
        assertThat(FrameCodec.actionOf("x".repeat(Limits.MAX_MESSAGE_BYTES + 1))).isEmpty();
        assertThat(FrameCodec.actionOf("[" .repeat(10_000))).isEmpty();
    }

    @Test
    void aMalformedPublishRequestNamesItsIdOnlyWhenTheIdIsValid() {
        // Found by fuzzing: the id read before the JSON broke off went into the error unchecked.
        assertThatThrownBy(() -> FrameCodec.decodePublish("{\"id\":\"evt 42\\n\",\"room\":"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON);
                    assertThat(e.frameId()).isNull();
                });
        assertThatThrownBy(() -> FrameCodec.decodePublish("{\"id\":\"evt-42\",\"room\":\"a\"} []"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.frameId()).isEqualTo("evt-42"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"message\",\"room\":\"r\",\"from\":\"u\",\"data\":1}          | id",
            "{\"type\":\"message\",\"id\":\"m\",\"from\":\"u\"}                     | room",
            "{\"type\":\"ack\",\"id\":\"1\"}                                           | action",
            "{\"type\":\"presence_change\",\"room\":\"r\",\"user\":\"u\"}             | event",
            "{\"type\":\"presence\",\"room\":\"r\",\"members\":[{\"connections\":1}]} | user",
            "{\"type\":\"direct\",\"id\":\"d\",\"from\":\"u\"}                      | data",
            "{\"type\":\"reply\",\"id\":\"t\",\"data\":1}                       | action",
            "{\"type\":\"reply\",\"id\":\"t\",\"action\":\"typing\"}             | data",
            "{\"type\":\"history\",\"messages\":[]}                                  | room"
    })
    void aServerFrameMissingARequiredFieldNamesIt(String text, String field) {
        assertThatThrownBy(() -> FrameCodec.decodeServer(text))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD);
                    assertThat(e.getMessage()).isEqualTo("server frame misses " + field);
                });
    }

    @Test
    void utf8LengthCountsBytes() {
        assertThat(FrameCodec.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
    }

    @Test
    void refreshCarriesAToken() {
        assertThat(FrameCodec.decodeClient("{\"action\":\"refresh\",\"id\":\"7\",\"token\":\"eyJ.a.b\"}"))
                .isEqualTo(new ClientFrame.Refresh("7", "eyJ.a.b"));
        assertThatThrownBy(() -> FrameCodec.decodeClient("{\"action\":\"refresh\",\"id\":\"7\"}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD);
                    assertThat(e.frameId()).isEqualTo("7");
                });
        assertThatThrownBy(() -> FrameCodec.decodeClient("{\"action\":\"refresh\",\"token\":\""
                + "x".repeat(Limits.MAX_TOKEN_LENGTH + 1) + "\"}"))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
        assertThatThrownBy(() -> FrameCodec.decodeClient("{\"action\":\"refresh\",\"token\":7}"))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
        assertThat(new ClientFrame.Refresh("7", "secret.token.value").toString()).doesNotContain("secret");
    }

    @Test
    void aRefreshAckCarriesTheNewExpiryAndTheRoomsLeft() {
        ServerFrame.Ack ack = new ServerFrame.Ack("7", "refresh", null, null, 1_795_600_000L, List.of("lobby", "x"));

        assertThat(FrameCodec.encode(ack))
                .isEqualTo("{\"type\":\"ack\",\"id\":\"7\",\"action\":\"refresh\",\"exp\":1795600000,"
                        + "\"revoked\":[\"lobby\",\"x\"]}");
        assertThat(FrameCodec.decodeServer(FrameCodec.encode(ack))).contains(ack);
    }

    @Test
    void aSendAckSaysHowManyRecipientsWereQueuedForLaterAndSaysNothingWhenNoneWere() {
        ServerFrame.Ack ack = new ServerFrame.Ack("s", "send", "m", 9L, null, List.of(), 3);

        assertThat(FrameCodec.encode(ack))
                .isEqualTo("{\"type\":\"ack\",\"id\":\"s\",\"action\":\"send\",\"messageId\":\"m\",\"seq\":9,"
                        + "\"deferred\":3}");
        assertThat(FrameCodec.decodeServer(FrameCodec.encode(ack))).contains(ack);
        assertThat(FrameCodec.encode(new ServerFrame.Ack("s", "send", "m", 9L, null, List.of(), 0)))
                .doesNotContain("deferred");
    }
}
