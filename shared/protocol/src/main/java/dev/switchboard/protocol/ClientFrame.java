package dev.switchboard.protocol;

import java.util.Objects;

/**
 * A frame a client sends: {@code {"action": ..., "id": ..., ...}}. The optional {@code id} is echoed in the
 * server's reply so the client can match replies to requests; on {@code send} it also makes retries idempotent.
 */
public sealed interface ClientFrame {

    /** The client's correlation id, or null when the client sent none. */
    String id();

    /** The route this frame is addressed to. */
    Route route();

    /**
     * Join a room. With {@code after}, also resume: the reply is a {@code history} page of every retained message
     * with a larger sequence number (or a {@code reset} when that position is no longer retained).
     */
    record Join(String id, String room, Long after) implements ClientFrame {
        public Join {
            requireRoom(room, id);
            requirePosition(after, id);
        }

        public Join(String id, String room) {
            this(id, room, null);
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
     * A message for every member of {@code room}. {@code data} is the JSON text of any JSON value, re-encoded
     * compactly, so it reaches receivers with the same meaning as sent.
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

    /** Fetch the messages of a joined room after a sequence number (one page; ask again while {@code more}). */
    record Resume(String id, String room, long after) implements ClientFrame {
        public Resume {
            requireRoom(room, id);
            requirePosition(after, id);
        }

        @Override
        public Route route() {
            return Route.RESUME;
        }
    }

    /**
     * Ask who is in a joined room: one page of its members. Without {@code cursor} the first page; with the
     * {@code cursor} of the previous page's reply, the page after it.
     */
    record Presence(String id, String room, String cursor) implements ClientFrame {
        public Presence {
            requireRoom(room, id);
            if (cursor != null && !Limits.isWellFormedCursor(cursor)) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "cursor must be 1-" + Limits.MAX_CURSOR_LENGTH
                        + " characters of A-Z a-z 0-9 - _, as a presence reply gave it", id);
            }
        }

        /** The first page. */
        public Presence(String id, String room) {
            this(id, room, null);
        }

        @Override
        public Route route() {
            return Route.PRESENCE;
        }
    }

    /** A message for every open connection of one user. */
    record Direct(String id, String user, String data) implements ClientFrame {
        public Direct {
            if (user == null) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, "field 'user' is required", id);
            }
            if (!Limits.isValidUser(user)) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD,
                        "user must be 1-" + Limits.MAX_USER_LENGTH + " characters without control characters", id);
            }
            Objects.requireNonNull(data, "data");
        }

        @Override
        public Route route() {
            return Route.DIRECT;
        }
    }

    /**
     * Replace the connection's token with a fresh one before the current one expires: verified as at
     * {@code $connect}, for the same user; its capabilities and expiry replace the connection's.
     */
    record Refresh(String id, String token) implements ClientFrame {
        public Refresh {
            if (token == null) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, "field 'token' is required", id);
            }
            if (token.isBlank() || token.length() > Limits.MAX_TOKEN_LENGTH) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD,
                        "token must be 1-" + Limits.MAX_TOKEN_LENGTH + " characters", id);
            }
        }

        @Override
        public Route route() {
            return Route.REFRESH;
        }

        /** Never shows the token: frames end up in logs and test reports. */
        @Override
        public String toString() {
            return "Refresh[id=" + id + ", token=(" + token.length() + " characters)]";
        }
    }

    private static void requireRoom(String room, String id) {
        if (room == null) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "field 'room' is required", id);
        }
        if (!Limits.isValidRoom(room)) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD,
                    "room must be 1-" + Limits.MAX_ROOM_LENGTH + " characters of A-Z a-z 0-9 _ . : - ~", id);
        }
    }

    private static void requirePosition(Long after, String id) {
        if (after != null && after < 0) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "after must be a sequence number >= 0", id);
        }
    }
}
