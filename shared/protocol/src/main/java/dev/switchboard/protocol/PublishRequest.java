package dev.switchboard.protocol;

import java.util.Objects;

/**
 * A message a backend publishes without holding a socket (through the SQS queue, {@code POST /publish} locally, or
 * the server library): to a room ({@code room}) or to every connection of a user ({@code user}), never both. The
 * queue's other operations are the other {@link ServerRequest}s.
 *
 * <pre>{@code
 * {"room": "news", "data": {"headline": "…"}, "from": "newsroom", "id": "evt-42"}
 * {"user": "alice", "data": {"text": "your order shipped"}}
 * }</pre>
 *
 * @param room target room, or null
 * @param user target user, or null
 * @param data JSON text of the payload
 * @param from the publisher's name, {@value #DEFAULT_SENDER} when absent; receivers see it as {@link #sender()}
 * @param id   optional idempotency id: a repeat within the window publishes nothing new
 */
public record PublishRequest(String room, String user, String data, String from, String id) implements ServerRequest {

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
        if (Utf8.length(data) > Limits.MAX_DATA_BYTES) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "data exceeds " + Limits.MAX_DATA_BYTES
                    + " bytes", id);
        }
        from = from == null ? DEFAULT_SENDER : from;
        if (!Limits.isValidUser(from)) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "invalid sender", id);
        }
        if (from.length() + Limits.SERVER_PREFIX.length() > Limits.MAX_USER_LENGTH && !isServerSender(from)) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "sender name too long", id);
        }
    }

    /**
     * The sender receivers see: the publisher's name under {@link Limits#SERVER_PREFIX}, which no token's subject
     * may take, so a message from the server side can never pass for a user's ({@code newsroom} becomes
     * {@code server:newsroom}; a name that already carries the prefix is kept).
     */
    public String sender() {
        return isServerSender(from) ? from : Limits.SERVER_PREFIX + from;
    }

    private static boolean isServerSender(String name) {
        return name.startsWith(Limits.SERVER_PREFIX);
    }
}
