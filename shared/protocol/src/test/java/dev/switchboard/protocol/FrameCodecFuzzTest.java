package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The codec on arbitrary text. A client frame or a publish request either decodes into a value that survives
 * re-encoding unchanged, or fails with a {@link ProtocolException} whose error frame is itself well formed; no
 * other exception escapes, and the route API Gateway would select agrees with the frame the codec reads.
 *
 * <p>Each input is the raw frame text (UTF-8), so the committed inputs under
 * {@code src/test/resources/dev/switchboard/protocol/FrameCodecFuzzTestInputs/<method>/} are readable frames.
 * {@code ./mvnw verify} replays them; {@code scripts/fuzz.sh} fuzzes one target (see docs/reliability.md).
 */
class FrameCodecFuzzTest {

    @FuzzTest
    void decodeClient(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        Optional<String> action = FrameCodec.actionOf(body);
        Route selected = Route.select(body);
        ClientFrame frame;
        try {
            frame = FrameCodec.decodeClient(body);
        } catch (ProtocolException e) {
            assertWellFormedError(e);
            return;
        }
        // API Gateway routes on the same action the codec read.
        assertThat(action).contains(frame.route().key());
        assertThat(selected).isEqualTo(frame.route());
        assertThat(frame.id() == null || Limits.isValidId(frame.id())).as("id %s", frame.id()).isTrue();

        String encoded = FrameCodec.encode(frame);
        assertThat(FrameCodec.decodeClient(encoded)).isEqualTo(frame);
        assertThat(Route.select(encoded)).isEqualTo(frame.route());
    }

    @FuzzTest
    void decodePublish(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        PublishRequest request;
        try {
            request = FrameCodec.decodePublish(body);
        } catch (ProtocolException e) {
            assertWellFormedError(e);
            return;
        }
        assertThat(request.room() == null ? Limits.isValidUser(request.user()) : Limits.isValidRoom(request.room()))
                .isTrue();
        assertThat(FrameCodec.decodePublish(FrameCodec.encode(request))).isEqualTo(request);
    }

    @FuzzTest
    void decodeServerRequest(byte[] input) {
        // The publish queue's requests, publishes and the other operations alike.
        String body = new String(input, StandardCharsets.UTF_8);
        ServerRequest request;
        try {
            request = FrameCodec.decodeServerRequest(body);
        } catch (ProtocolException e) {
            assertWellFormedError(e);
            return;
        }
        assertThat(request.id() == null || Limits.isValidId(request.id())).as("id %s", request.id()).isTrue();
        switch (request) {
            case PublishRequest publish -> assertThat(publish.room() == null ? Limits.isValidUser(publish.user())
                    : Limits.isValidRoom(publish.room())).isTrue();
            case ServerRequest.Disconnect disconnect -> assertThat(disconnect.user() == null
                    ? Limits.isValidConnectionId(disconnect.connectionId()) : Limits.isValidUser(disconnect.user()))
                    .isTrue();
            case ServerRequest.AddMember add -> assertThat(Limits.isValidUser(add.user())
                    && Limits.isValidRoom(add.room())).isTrue();
            case ServerRequest.RemoveMember remove -> assertThat(Limits.isValidUser(remove.user())
                    && Limits.isValidRoom(remove.room())).isTrue();
        }
        assertThat(FrameCodec.decodeServerRequest(FrameCodec.encode(request))).isEqualTo(request);
    }

    @FuzzTest
    void requireJsonValue(byte[] input) {
        // Data a backend hands the server library: one JSON value, written compactly, or refused.
        String text = new String(input, StandardCharsets.UTF_8);
        String value;
        try {
            value = FrameCodec.requireJsonValue(text);
        } catch (ProtocolException e) {
            assertThat(e.code()).isIn(ErrorCode.MISSING_FIELD, ErrorCode.INVALID_FIELD, ErrorCode.PAYLOAD_TOO_LARGE);
            return;
        }
        assertThat(FrameCodec.requireJsonValue(value)).isEqualTo(value);
        // Written into a frame, it reads back as it went in.
        ServerFrame.Message message = new ServerFrame.Message("m", "room", "server:x", value, 1, 1);
        assertThat(FrameCodec.decodeServer(FrameCodec.encode(message))).contains(message);
    }

    @FuzzTest
    void decodeServer(byte[] input) {
        // What a client library does with whatever arrives on its socket.
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            Optional<ServerFrame> frame = FrameCodec.decodeServer(text);
            frame.ifPresent(f -> assertThat(FrameCodec.decodeServer(FrameCodec.encode(f))).contains(f));
        } catch (ProtocolException e) {
            // A server frame's id is the server's (or the echo of a client's): the client reports it as it came.
            assertThat(e.code()).isNotNull();
            assertThat(FrameCodec.decodeServer(FrameCodec.encode(e.toFrame()))).contains(e.toFrame());
        }
    }

    /**
     * The failure must carry a code and become an error frame a client can read back, naming the request only by
     * a valid id.
     */
    private static void assertWellFormedError(ProtocolException e) {
        assertThat(e.code()).isNotNull();
        assertThat(e.frameId() == null || Limits.isValidId(e.frameId())).as("frame id %s", e.frameId()).isTrue();
        ServerFrame.Error error = e.toFrame();
        assertThat(FrameCodec.decodeServer(FrameCodec.encode(error))).contains(error);
    }
}
