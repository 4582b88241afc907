package dev.switchboard.protocol;

import java.util.Optional;

/**
 * Reads and writes Switchboard frames (see {@code docs/protocol.md}) with Jackson's streaming API: no
 * reflection, no object mapper, one shared, pre-configured factory. The entry point every module uses; the work is
 * done by one package-private class per job: {@code ClientFrameDecoder} (what clients send, as the server reads
 * it), {@code ServerFrameEncoder} (what the server sends), {@code ServerFrameDecoder} and
 * {@code ClientFrameEncoder} (the same, from a client library's side) and {@code ServerRequestCodec} (the publish
 * queue's requests).
 *
 * <pre>{@code
 * ClientFrame frame = FrameCodec.decodeClient("{\"action\":\"join\",\"room\":\"lobby\",\"id\":\"1\"}");
 * String reply = FrameCodec.encode(new ServerFrame.Ack("1", "join", null));
 * }</pre>
 */
public final class FrameCodec {

    private FrameCodec() {
    }

    /** A text as a JSON string literal, quotes included: {@code he said "hi"} becomes {@code "he said \"hi\""}. */
    public static String quote(String text) {
        return Json.value(g -> g.writeString(text));
    }

    /** UTF-8 size of a text, computed without allocating ({@link Utf8#length}). */
    public static int utf8Length(CharSequence text) {
        return Utf8.length(text);
    }

    /**
     * The top-level string {@code action} of a JSON object body, as API Gateway's route selection reads it.
     * Empty for anything else (not JSON, not an object, no action, action not a string). Never throws.
     */
    public static Optional<String> actionOf(String body) {
        return ClientFrameDecoder.actionOf(body);
    }

    /**
     * Decodes a client frame. Every problem becomes a {@link ProtocolException} carrying the error code and,
     * when it could be read, the frame's id; no other exception escapes.
     */
    public static ClientFrame decodeClient(String body) {
        return ClientFrameDecoder.decode(body);
    }

    /**
     * Decodes a backend's publish request; every problem is a {@link ProtocolException}, a request for another
     * operation included.
     */
    public static PublishRequest decodePublish(String body) {
        return ServerRequestCodec.decodePublish(body);
    }

    /**
     * Decodes a backend's request to the publish queue: a publish (no {@code op}, or {@code "publish"}), or one of
     * the other {@link ServerRequest} operations. A field another operation takes is refused rather than ignored,
     * as it shows the sender meant something else. Every problem is a {@link ProtocolException}.
     */
    public static ServerRequest decodeServerRequest(String body) {
        return ServerRequestCodec.decode(body);
    }

    /**
     * The text, checked to be exactly one JSON value within the protocol's limits (nesting, string and number
     * sizes) and written compactly, as a {@code data} field read from a frame would be: for data that did not come
     * through a decoder (the server library's), so it cannot break the frames it is written into.
     *
     * @throws ProtocolException {@link ErrorCode#MISSING_FIELD} for null, {@link ErrorCode#INVALID_FIELD} for anything
     *                           but one JSON value, {@link ErrorCode#PAYLOAD_TOO_LARGE} past the limits
     */
    public static String requireJsonValue(String json) {
        return Json.requireValue(json);
    }

    /** Encodes a publish request (for backends that send to the queue). */
    public static String encode(PublishRequest request) {
        return ServerRequestCodec.encode(request);
    }

    /** Encodes any request to the publish queue (for backends that send to it); a publish carries no {@code op}. */
    public static String encode(ServerRequest request) {
        return ServerRequestCodec.encode(request);
    }

    /** Encodes a client frame (used by client libraries and tests). */
    public static String encode(ClientFrame frame) {
        return ClientFrameEncoder.encode(frame);
    }

    /** Encodes a server frame as the JSON text sent to clients. */
    public static String encode(ServerFrame frame) {
        return ServerFrameEncoder.encode(frame);
    }

    /** Encodes a server frame as UTF-8 bytes, ready for {@code @connections} POST. */
    public static byte[] encodeBytes(ServerFrame frame) {
        return ServerFrameEncoder.encodeBytes(frame);
    }

    /**
     * Decodes a server frame (used by clients). Empty for a frame of a type this version does not know, so
     * older clients ignore newer frames; a malformed frame is a {@link ProtocolException}.
     */
    public static Optional<ServerFrame> decodeServer(String text) {
        return ServerFrameDecoder.decode(text);
    }
}
