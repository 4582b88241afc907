package dev.switchboard.protocol;

import java.util.Objects;

/**
 * A frame a client sends: {@code {"action": ..., "id": ..., ...}}. The optional {@code id} is echoed in the
 * server's {@code ack} or {@code error} so the client can match replies to requests.
 */
public sealed interface ClientFrame {

    /** The client's correlation id, or null when the client sent none. */
    String id();

    /** The route key this frame is addressed to. */
    Route route();

    record Join(String id, String room) implements ClientFrame {
        public Join {
            requireRoom(room, id);
        }

        @Override
        public Route route() {
            return Route.JOIN;
        }
    }

    record Leave(String id, String room) implements ClientFrame {
        public Leave {
            requireRoom(room, id);
        }

        @Override
        public Route route() {
            return Route.LEAVE;
        }
    }

    /**
     * A message for every member of {@code room}. {@code data} is the raw JSON text of any JSON value, kept
     * verbatim so it reaches receivers exactly as sent.
     */
    record Send(String id, String room, String data) implements ClientFrame {
        public Send {
            requireRoom(room, id);
            Objects.requireNonNull(data, "data");
        }

        @Override
        public Route route() {
            return Route.SEND;
        }
    }

    record Ping(String id) implements ClientFrame {
        @Override
        public Route route() {
            return Route.PING;
        }
    }

    private static void requireRoom(String room, String id) {
        if (room == null) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "field 'room' is required", id);
        }
        if (!Limits.isValidRoom(room)) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD,
                    "room must be 1-" + Limits.MAX_ROOM_LENGTH + " characters of A-Z a-z 0-9 _ . : -", id);
        }
    }
}
