package dev.switchboard.protocol;

import java.util.Objects;

/**
 * A message a backend publishes without holding a socket (through the SQS queue, or {@code POST /publish}
 * locally): to a room ({@code room}) or to every connection of a user ({@code user}), never both.
 *
 * <pre>{@code
 * {"room": "news", "data": {"headline": "…"}, "from": "newsroom", "id": "evt-42"}
 * {"user": "alice", "data": {"text": "your order shipped"}}
 * }</pre>
 *
 * @param room target room, or null
 * @param user target user, or null
 * @param data JSON text of the payload
 * @param from sender shown to receivers; {@value #DEFAULT_SENDER} when absent
 * @param id   optional idempotency id: a repeat within the window publishes nothing new
 */
public record PublishRequest(String room, String user, String data, String from, String id) {

    public static final String DEFAULT_SENDER = "system";

    public PublishRequest {
        if ((room == null) == (user == null)) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "exactly one of 'room' or 'user' is required", id);
        }
        if (room != null && !Limits.isValidRoom(room)) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "invalid room name", id);
        }
        if (user != null && !Limits.isValidUser(user)) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "invalid user id", id);
        }
        if (data == null) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "field 'data' is required", id);
        }
        if (FrameCodec.utf8Length(data) > Limits.MAX_DATA_BYTES) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "data exceeds " + Limits.MAX_DATA_BYTES
                    + " bytes", id);
        }
        from = from == null ? DEFAULT_SENDER : from;
        if (!Limits.isValidUser(from)) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "invalid sender", id);
        }
        Objects.requireNonNull(from);
    }
}
