package dev.switchboard.protocol;

import java.util.List;
import java.util.Objects;

/** A frame the server sends: {@code {"type": ..., ...}}. */
public sealed interface ServerFrame {

    /** The value of the frame's {@code type} field. */
    String type();

    /**
     * A message delivered to a room's members.
     *
     * @param id   server-assigned unique message id
     * @param room the room it was sent to
     * @param from the sender's user id, taken from the authorizer, never from the frame
     * @param data JSON text of the payload
     * @param ts   server time of acceptance, epoch milliseconds
     * @param seq  the message's position in the room: 1, 2, 3…; the order of a room is the order of seq
     */
    record Message(String id, String room, String from, String data, long ts, long seq) implements ServerFrame {
        public Message {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public String type() {
            return "message";
        }
    }

    /**
     * Success reply to a client frame.
     *
     * @param id        the client's frame id (null if it sent none)
     * @param action    the action acknowledged
     * @param messageId for {@code send}/{@code direct}: the id of the message created; else null
     * @param seq       for {@code send}: the message's sequence number; for {@code join}: the room's latest
     *                  sequence number at the time of joining; else null
     * @param exp       for {@code refresh}: when the connection's new token expires (epoch seconds), null when it
     *                  does not; else null
     * @param revoked   for {@code refresh}: rooms the new token no longer lets the connection be in, which it has
     *                  left; else empty
     * @param deferred  for {@code send}/{@code direct}: how many recipients could not be reached at once and were
     *                  queued for a later attempt (they get the message within seconds, or by resume); null when none
     */
    record Ack(String id, String action, String messageId, Long seq, Long exp, List<String> revoked,
               Integer deferred) implements ServerFrame {
        public Ack {
            Objects.requireNonNull(action, "action");
            revoked = revoked == null ? List.of() : List.copyOf(revoked);
            if (deferred != null && deferred <= 0) {
                deferred = null;
            }
        }

        public Ack(String id, String action, String messageId, Long seq, Long exp, List<String> revoked) {
            this(id, action, messageId, seq, exp, revoked, null);
        }

        public Ack(String id, String action, String messageId, Long seq) {
            this(id, action, messageId, seq, null, List.of());
        }

        public Ack(String id, String action, String messageId) {
            this(id, action, messageId, null);
        }

        @Override
        public String type() {
            return "ack";
        }
    }

    /**
     * Failure reply to a client frame; {@code temporary} is derived from the code.
     *
     * @param retryAfterMs for a temporary refusal that knows when trying again can succeed ({@code RATE_LIMITED},
     *                     {@code OVERLOADED}): how long to wait; else null
     */
    record Error(ErrorCode code, String message, String id, Long retryAfterMs) implements ServerFrame {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            if (retryAfterMs != null && retryAfterMs < 0) {
                throw new IllegalArgumentException("retryAfterMs must be >= 0");
            }
        }

        public Error(ErrorCode code, String message, String id) {
            this(code, message, id, null);
        }

        public boolean temporary() {
            return code.temporary();
        }

        @Override
        public String type() {
            return "error";
        }
    }

    /** Reply to {@code ping}, carrying server time. */
    record Pong(String id, long ts) implements ServerFrame {
        @Override
        public String type() {
            return "pong";
        }
    }

    /**
     * Reply to a resuming {@code join} or a {@code resume}: retained messages after the requested position, in
     * order. When {@code more} is true the client asks again after the last message's seq.
     *
     * @param seq the room's latest sequence number when the page was read
     */
    record History(String id, String room, List<Message> messages, boolean more, long seq) implements ServerFrame {
        public History {
            Objects.requireNonNull(room, "room");
            messages = List.copyOf(messages);
        }

        @Override
        public String type() {
            return "history";
        }
    }

    /**
     * The requested position is older than the room's retained history: messages between it and the oldest
     * retained one are gone. The client should reload its view of the room; it continues from {@code seq}.
     */
    record Reset(String id, String room, long seq, String reason) implements ServerFrame {
        public Reset {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String type() {
            return "reset";
        }
    }

    /**
     * One page of a room's members: who is in it and with how many connections. A page lists at most
     * {@link Limits#PRESENCE_PAGE_SIZE} connections; a user whose connections fall on two pages is on both, each time
     * with the connections of that page. {@code cursor} asks for the next page, and is null on the last one.
     */
    record Presence(String id, String room, List<Member> members, String cursor) implements ServerFrame {
        public Presence {
            Objects.requireNonNull(room, "room");
            members = List.copyOf(members);
        }

        /** The last (or only) page. */
        public Presence(String id, String room, List<Member> members) {
            this(id, room, members, null);
        }

        /** Whether pages follow: ask again with {@link #cursor()}. */
        public boolean more() {
            return cursor != null;
        }

        @Override
        public String type() {
            return "presence";
        }
    }

    /** One user in a {@link Presence} reply. */
    record Member(String user, int connections) {
        public Member {
            Objects.requireNonNull(user, "user");
        }
    }

    /** Someone joined or left a room (sent to its members unless presence events are off for it). */
    record PresenceChange(String room, String event, String user) implements ServerFrame {
        public static final String JOINED = "join";
        public static final String LEFT = "leave";

        public PresenceChange {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(user, "user");
        }

        @Override
        public String type() {
            return "presence_change";
        }
    }

    /** A message for one user, delivered to each of the user's connections. */
    record Direct(String id, String from, String data, long ts) implements ServerFrame {
        public Direct {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public String type() {
            return "direct";
        }
    }

    /**
     * The answer of an application route ({@code {"action":"typing",...}}) to the connection that called it: the
     * {@code data} the application's function answered, matched to the call by its {@code id}.
     *
     * @param id     the call's id (echo), or null when it had none
     * @param action the application route that answered
     * @param data   JSON text of the answer's {@code data}
     */
    record Reply(String id, String action, String data) implements ServerFrame {
        public Reply {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public String type() {
            return "reply";
        }
    }
}
