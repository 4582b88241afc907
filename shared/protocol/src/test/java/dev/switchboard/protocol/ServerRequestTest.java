package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The publish queue's operations as backends write them, and what is refused. */
class ServerRequestTest {

    @Test
    void aRequestWithoutAnOpIsAPublishAsBefore() {
        assertThat(FrameCodec.decodeServerRequest("{\"room\":\"news\",\"data\":{\"a\":1},\"id\":\"e1\"}"))
                .isEqualTo(new PublishRequest("news", null, "{\"a\":1}", null, "e1"));
        assertThat(FrameCodec.decodeServerRequest("{\"op\":\"publish\",\"user\":\"alice\",\"data\":2}"))
                .isEqualTo(new PublishRequest(null, "alice", "2", null, null));
    }

    @Test
    void eachOperationDecodesAndReEncodesToItself() {
        List<ServerRequest> requests = List.of(
                new ServerRequest.Disconnect("alice", null, "d1"),
                new ServerRequest.Disconnect(null, "L0SM9cOFvHcCIhw=", null),
                new ServerRequest.AddMember("alice", "order-42", List.of("history", "send"), "a1"),
                new ServerRequest.AddMember("alice", "order-42", null, null),
                new ServerRequest.RemoveMember("alice", "order-42", "r1"),
                new PublishRequest("news", null, "\"hi\"", "desk", "p1"));
        for (ServerRequest request : requests) {
            assertThat(FrameCodec.decodeServerRequest(FrameCodec.encode(request))).isEqualTo(request);
        }
        assertThat(FrameCodec.encode(new ServerRequest.Disconnect("alice", null, null)))
                .isEqualTo("{\"op\":\"disconnect\",\"user\":\"alice\"}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"op":"kick","user":"alice"}                                          | INVALID_FIELD | unknown op
            {"op":"disconnect"}                                                   | MISSING_FIELD | exactly one
            {"op":"disconnect","user":"alice","connectionId":"abc="}              | MISSING_FIELD | exactly one
            {"op":"disconnect","connectionId":"../abc"}                           | INVALID_FIELD | connection id
            {"op":"disconnect","user":"alice","room":"lobby"}                     | INVALID_FIELD | 'room'
            {"op":"disconnect","user":"alice","data":1}                           | INVALID_FIELD | 'data'
            {"op":"addMember","user":"alice"}                                     | MISSING_FIELD | required
            {"op":"addMember","room":"lobby"}                                     | MISSING_FIELD | required
            {"op":"addMember","user":"alice","room":"no spaces"}                  | INVALID_FIELD | room
            {"op":"addMember","user":"","room":"lobby"}                           | INVALID_FIELD | user
            {"op":"addMember","user":"alice","room":"lobby","rights":"send"}      | INVALID_FIELD | rights
            {"op":"addMember","user":"alice","room":"lobby","rights":["send",1]}  | INVALID_FIELD | rights
            {"op":"addMember","user":"alice","room":"lobby","rights":["a","b","c","d","e","f","g","h","i"]} | INVALID_FIELD | rights
            {"op":"addMember","user":"alice","room":"lobby","data":1}             | INVALID_FIELD | 'data'
            {"op":"removeMember","user":"alice","room":"lobby","rights":[]}       | INVALID_FIELD | 'rights'
            {"op":"removeMember","user":"alice"}                                  | MISSING_FIELD | required
            {"room":"lobby","data":1,"connectionId":"abc="}                        | INVALID_FIELD | 'connectionId'
            {"op":7,"room":"lobby","data":1}                                       | INVALID_FIELD | unknown op
            """)
    void aMalformedOperationIsRefusedWithACode(String body, ErrorCode code, String words) {
        assertThatThrownBy(() -> FrameCodec.decodeServerRequest(body)).isInstanceOfSatisfying(ProtocolException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(words);
                });
    }

    @Test
    void decodePublishRefusesTheOtherOperations() {
        assertThatThrownBy(() -> FrameCodec.decodePublish("{\"op\":\"disconnect\",\"user\":\"alice\",\"id\":\"x1\"}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
                    assertThat(e.frameId()).isEqualTo("x1");
                });
    }

    @Test
    void jsonDataIsCheckedAndWrittenCompactly() {
        assertThat(FrameCodec.requireJsonValue(" { \"a\" : [1, 2] } ")).isEqualTo("{\"a\":[1,2]}");
        assertThat(FrameCodec.requireJsonValue("\"text\"")).isEqualTo("\"text\"");
        assertThat(FrameCodec.requireJsonValue("null")).isEqualTo("null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "hello", "{\"a\":1} {\"b\":2}", "{\"a\":", "[1,]", "{\"a\":1,\"a\":2}", "'x'"})
    void anythingButOneJsonValueIsRefusedAsData(String text) {
        assertThatThrownBy(() -> FrameCodec.requireJsonValue(text)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
    }

    @Test
    void deepOrNullDataIsRefused() {
        assertThatThrownBy(() -> FrameCodec.requireJsonValue("[".repeat(40) + "]".repeat(40)))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
        assertThatThrownBy(() -> FrameCodec.requireJsonValue(null)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD));
    }

    @Test
    void connectionIdsAreWhatTheGatewayIssues() {
        assertThat(Limits.isValidConnectionId("L0SM9cOFvHcCIhw=")).isTrue();
        assertThat(Limits.isValidConnectionId("Conn-Alice_1+/=")).isTrue();
        assertThat(Limits.isValidConnectionId("")).isFalse();
        assertThat(Limits.isValidConnectionId(null)).isFalse();
        assertThat(Limits.isValidConnectionId("a b")).isFalse();
        assertThat(Limits.isValidConnectionId("a".repeat(129))).isFalse();
        assertThat(Limits.isValidConnectionId("a?x")).isFalse();
    }
}
