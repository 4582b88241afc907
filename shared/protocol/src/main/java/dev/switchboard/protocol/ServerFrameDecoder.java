package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads what the server sends, as client libraries do. A field a known frame type requires is checked before the
 * frame is built, so a frame missing one is a {@link ProtocolException} naming that field.
 */
final class ServerFrameDecoder {

    private ServerFrameDecoder() {
    }

    /** See {@link FrameCodec#decodeServer}. */
    static Optional<ServerFrame> decode(String text) {
        try (JsonParser p = Json.FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException(ErrorCode.MALFORMED_JSON, "server frame must be a JSON object", null);
            }
            return readFrame(p);
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "server frame is not valid JSON", null);
        }
    }

    /** Reads the fields of one server frame object; the parser is on its START_OBJECT. */
    private static Optional<ServerFrame> readFrame(JsonParser p) throws IOException {
        ServerFields f = new ServerFields();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "type" -> f.type = p.getValueAsString();
                case "id" -> f.id = p.getValueAsString();
                case "room" -> f.room = p.getValueAsString();
                case "from" -> f.from = p.getValueAsString();
                case "action" -> f.action = p.getValueAsString();
                case "messageId" -> f.messageId = p.getValueAsString();
                case "code" -> f.code = p.getValueAsString();
                case "message" -> f.message = p.getValueAsString();
                case "reason" -> f.reason = p.getValueAsString();
                case "event" -> f.event = p.getValueAsString();
                case "user" -> f.user = p.getValueAsString();
                case "cursor" -> {
                    f.cursor = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    p.skipChildren();
                }
                case "ts" -> f.ts = value.isNumeric() ? p.getLongValue() : 0;
                case "seq" -> f.seq = value.isNumeric() ? p.getLongValue() : null;
                case "exp" -> f.exp = value.isNumeric() ? p.getLongValue() : null;
                case "retryAfterMs" -> f.retryAfterMs = value.isNumeric() ? p.getLongValue() : null;
                case "deferred" -> f.deferred = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : null;
                case "revoked" -> f.revoked = readStrings(p, value);
                case "more" -> f.more = value == JsonToken.VALUE_TRUE;
                case "data" -> f.data = Json.copyValue(p);
                case "messages" -> f.messages = readMessages(p, value);
                case "members" -> f.members = readMembers(p, value);
                default -> p.skipChildren();
            }
        }
        if (f.type == null) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "server frame has no type", f.id);
        }
        long seq = f.seq == null ? 0 : f.seq;
        return Optional.ofNullable(switch (f.type) {
            case "message" -> new ServerFrame.Message(required(f.id, "id"), required(f.room, "room"),
                    required(f.from, "from"), required(f.data, "data"), f.ts, seq);
            case "ack" -> new ServerFrame.Ack(f.id, required(f.action, "action"), f.messageId, f.seq, f.exp,
                    f.revoked, f.deferred);
            case "error" -> new ServerFrame.Error(errorCode(f.code), f.message == null ? "" : f.message, f.id,
                    f.retryAfterMs == null || f.retryAfterMs < 0 ? null : f.retryAfterMs);
            case "pong" -> new ServerFrame.Pong(f.id, f.ts);
            case "history" -> new ServerFrame.History(f.id, required(f.room, "room"), f.messages, f.more, seq);
            case "reset" -> new ServerFrame.Reset(f.id, required(f.room, "room"), seq,
                    f.reason == null ? "" : f.reason);
            case "presence" -> new ServerFrame.Presence(f.id, required(f.room, "room"), f.members, f.cursor);
            case "presence_change" -> new ServerFrame.PresenceChange(required(f.room, "room"),
                    required(f.event, "event"), required(f.user, "user"));
            case "direct" -> new ServerFrame.Direct(required(f.id, "id"), required(f.from, "from"),
                    required(f.data, "data"), f.ts);
            case "reply" -> new ServerFrame.Reply(f.id, required(f.action, "action"), required(f.data, "data"));
            default -> null;
        });
    }

    /** A field the frame's type requires: present, or the frame is refused, naming the field. */
    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "server frame misses " + field, null);
        }
        return value;
    }

    private static List<ServerFrame.Message> readMessages(JsonParser p, JsonToken value) throws IOException {
        List<ServerFrame.Message> messages = new ArrayList<>();
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return messages;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            readFrame(p).filter(ServerFrame.Message.class::isInstance).map(ServerFrame.Message.class::cast)
                    .ifPresent(messages::add);
        }
        return messages;
    }

    private static List<String> readStrings(JsonParser p, JsonToken value) throws IOException {
        List<String> strings = new ArrayList<>();
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return strings;
        }
        for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
            if (item == JsonToken.VALUE_STRING) {
                strings.add(p.getText());
            } else {
                p.skipChildren();
            }
        }
        return strings;
    }

    private static List<ServerFrame.Member> readMembers(JsonParser p, JsonToken value) throws IOException {
        List<ServerFrame.Member> members = new ArrayList<>();
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return members;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String user = null;
            int connections = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken field = p.nextToken();
                if ("user".equals(name)) {
                    user = p.getValueAsString();
                } else if ("connections".equals(name) && field.isNumeric()) {
                    connections = p.getIntValue();
                } else {
                    p.skipChildren();
                }
            }
            members.add(new ServerFrame.Member(required(user, "user"), connections));
        }
        return members;
    }

    /** Fields of any server frame as read. */
    private static final class ServerFields {
        String type;
        String id;
        String room;
        String from;
        String data;
        String action;
        String messageId;
        String code;
        String message;
        String reason;
        String event;
        String user;
        String cursor;
        long ts;
        Long seq;
        Long exp;
        Long retryAfterMs;
        Integer deferred;
        List<String> revoked = List.of();
        boolean more;
        List<ServerFrame.Message> messages = List.of();
        List<ServerFrame.Member> members = List.of();
    }

    /** The error code by name; a code this version does not know reads as {@link ErrorCode#INTERNAL}. */
    private static ErrorCode errorCode(String code) {
        for (ErrorCode known : ErrorCode.values()) {
            if (known.name().equals(code)) {
                return known;
            }
        }
        return ErrorCode.INTERNAL;
    }
}
