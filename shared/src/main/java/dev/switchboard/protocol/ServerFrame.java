package dev.switchboard.protocol;

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
     * @param data raw JSON text of the payload, as the sender sent it
     * @param ts   server time of acceptance, epoch milliseconds
     */
    record Message(String id, String room, String from, String data, long ts) implements ServerFrame {
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
     * @param messageId for {@code send}: the id of the message created; else null
     */
    record Ack(String id, String action, String messageId) implements ServerFrame {
        public Ack {
            Objects.requireNonNull(action, "action");
        }

        @Override
        public String type() {
            return "ack";
        }
    }

    /** Failure reply to a client frame; {@code temporary} is derived from the code. */
    record Error(ErrorCode code, String message, String id) implements ServerFrame {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
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
}
