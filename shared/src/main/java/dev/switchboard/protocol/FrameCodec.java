package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads and writes Switchboard frames (see {@code docs/protocol.md}) with Jackson's streaming API: no
 * reflection, no object mapper, one shared, pre-configured factory.
 *
 * <pre>{@code
 * ClientFrame frame = FrameCodec.decodeClient("{\"action\":\"join\",\"room\":\"lobby\",\"id\":\"1\"}");
 * String reply = FrameCodec.encode(new ServerFrame.Ack("1", "join", null));
 * }</pre>
 */
public final class FrameCodec {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Limits.MAX_JSON_DEPTH)
                    .maxStringLength(Limits.MAX_MESSAGE_BYTES)
                    .maxNumberLength(64)
                    .build())
            .build();

    private FrameCodec() {
    }

    /** UTF-8 size of a text, computed without allocating. */
    public static int utf8Length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * The top-level string {@code action} of a JSON object body, as API Gateway's route selection reads it.
     * Empty for anything else (not JSON, not an object, no action, action not a string). Never throws.
     */
    public static Optional<String> actionOf(String body) {
        if (body == null || body.length() > Limits.MAX_MESSAGE_BYTES) {
            return Optional.empty();
        }
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            String action = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("action".equals(name) && value == JsonToken.VALUE_STRING) {
                    action = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            return p.nextToken() == null ? Optional.ofNullable(action) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Decodes a client frame. Every problem becomes a {@link ProtocolException} carrying the error code and,
     * when it could be read, the frame's id; no other exception escapes.
     */
    public static ClientFrame decodeClient(String body) {
        if (body == null) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "empty frame", null);
        }
        if (body.length() > Limits.MAX_MESSAGE_BYTES || utf8Length(body) > Limits.MAX_MESSAGE_BYTES) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "frame exceeds " + Limits.MAX_MESSAGE_BYTES + " bytes", null);
        }
        RawClientFrame raw = readClientFields(body);
        return raw.toFrame();
    }

    private static RawClientFrame readClientFields(String body) {
        RawClientFrame raw = new RawClientFrame();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException(ErrorCode.MALFORMED_JSON, "frame must be a JSON object", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "action" -> raw.action = raw.text(p, value, "action");
                    case "id" -> raw.id = raw.text(p, value, "id");
                    case "room" -> raw.room = raw.text(p, value, "room");
                    case "data" -> raw.data = copyValue(p);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new ProtocolException(ErrorCode.MALFORMED_JSON, "trailing content after the JSON object",
                        raw.validId());
            }
            return raw;
        } catch (StreamConstraintsException e) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "frame is too deeply nested or too long",
                    raw.validId());
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "frame is not valid JSON", raw.validId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fields of a client frame as read, validated once the whole object is seen. */
    private static final class RawClientFrame {
        String action;
        String id;
        String room;
        String data;
        String typeError;

        String text(JsonParser p, JsonToken value, String field) throws IOException {
            if (value == JsonToken.VALUE_STRING) {
                return p.getText();
            }
            p.skipChildren();
            if (value != JsonToken.VALUE_NULL && typeError == null) {
                typeError = field;
            }
            return null;
        }

        String validId() {
            return Limits.isValidId(id) ? id : null;
        }

        ClientFrame toFrame() {
            String replyId = validId();
            if (id != null && replyId == null) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD,
                        "id must be 1-" + Limits.MAX_ID_LENGTH + " printable ASCII characters", null);
            }
            if (typeError != null) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "field '" + typeError + "' must be a string",
                        replyId);
            }
            if (action == null) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, "field 'action' is required", replyId);
            }
            Route route = Route.byKey(action).filter(Route::isAction).orElseThrow(() -> new ProtocolException(
                    ErrorCode.UNKNOWN_ACTION, "unknown action '" + abbreviate(action) + "'", replyId));
            return switch (route) {
                case JOIN -> new ClientFrame.Join(replyId, room);
                case LEAVE -> new ClientFrame.Leave(replyId, room);
                case PING -> new ClientFrame.Ping(replyId);
                case SEND -> {
                    if (data == null) {
                        throw new ProtocolException(ErrorCode.MISSING_FIELD, "field 'data' is required", replyId);
                    }
                    if (utf8Length(data) > Limits.MAX_DATA_BYTES) {
                        throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE,
                                "data exceeds " + Limits.MAX_DATA_BYTES + " bytes", replyId);
                    }
                    yield new ClientFrame.Send(replyId, room, data);
                }
                case CONNECT, DISCONNECT, DEFAULT -> throw new IllegalStateException("not an action route: " + route);
            };
        }
    }

    private static String abbreviate(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return shown.replaceAll("[^\\x20-\\x7E]", "?");
    }

    private static String copyValue(JsonParser p) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }

    /** Encodes a client frame (used by client libraries and tests). */
    public static String encode(ClientFrame frame) {
        return write(g -> {
            g.writeStringField("action", frame.route().key());
            writeOptional(g, "id", frame.id());
            switch (frame) {
                case ClientFrame.Join join -> g.writeStringField("room", join.room());
                case ClientFrame.Leave leave -> g.writeStringField("room", leave.room());
                case ClientFrame.Send send -> {
                    g.writeStringField("room", send.room());
                    g.writeFieldName("data");
                    g.writeRawValue(send.data());
                }
                case ClientFrame.Ping ignored -> {
                }
            }
        });
    }

    /** Encodes a server frame as the JSON text sent to clients. */
    public static String encode(ServerFrame frame) {
        return write(g -> {
            g.writeStringField("type", frame.type());
            switch (frame) {
                case ServerFrame.Message m -> {
                    g.writeStringField("id", m.id());
                    g.writeStringField("room", m.room());
                    g.writeStringField("from", m.from());
                    g.writeFieldName("data");
                    g.writeRawValue(m.data());
                    g.writeNumberField("ts", m.ts());
                }
                case ServerFrame.Ack a -> {
                    writeOptional(g, "id", a.id());
                    g.writeStringField("action", a.action());
                    writeOptional(g, "messageId", a.messageId());
                }
                case ServerFrame.Error e -> {
                    writeOptional(g, "id", e.id());
                    g.writeStringField("code", e.code().name());
                    g.writeStringField("message", e.message());
                    g.writeBooleanField("temporary", e.temporary());
                }
                case ServerFrame.Pong pong -> {
                    writeOptional(g, "id", pong.id());
                    g.writeNumberField("ts", pong.ts());
                }
            }
        });
    }

    /** Encodes a server frame as UTF-8 bytes, ready for {@code @connections} POST. */
    public static byte[] encodeBytes(ServerFrame frame) {
        return encode(frame).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decodes a server frame (used by clients). Empty for a frame of a type this version does not know, so
     * older clients ignore newer frames; a malformed frame is a {@link ProtocolException}.
     */
    public static Optional<ServerFrame> decodeServer(String text) {
        String type = null;
        String id = null;
        String room = null;
        String from = null;
        String data = null;
        String action = null;
        String messageId = null;
        String code = null;
        String message = null;
        long ts = 0;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException(ErrorCode.MALFORMED_JSON, "server frame must be a JSON object", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "type" -> type = p.getValueAsString();
                    case "id" -> id = p.getValueAsString();
                    case "room" -> room = p.getValueAsString();
                    case "from" -> from = p.getValueAsString();
                    case "action" -> action = p.getValueAsString();
                    case "messageId" -> messageId = p.getValueAsString();
                    case "code" -> code = p.getValueAsString();
                    case "message" -> message = p.getValueAsString();
                    case "ts" -> ts = value.isNumeric() ? p.getLongValue() : 0;
                    case "data" -> data = copyValue(p);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "server frame is not valid JSON", null);
        }
        if (type == null) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "server frame has no type", null);
        }
        try {
            return switch (type) {
                case "message" -> Optional.of(new ServerFrame.Message(id, room, from, data, ts));
                case "ack" -> Optional.of(new ServerFrame.Ack(id, action, messageId));
                case "error" -> Optional.of(new ServerFrame.Error(errorCode(code),
                        message == null ? "" : message, id));
                case "pong" -> Optional.of(new ServerFrame.Pong(id, ts));
                default -> Optional.empty();
            };
        } catch (NullPointerException e) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "server frame misses " + e.getMessage(), id);
        }
    }

    private static ErrorCode errorCode(String code) {
        for (ErrorCode known : ErrorCode.values()) {
            if (known.name().equals(code)) {
                return known;
            }
        }
        return ErrorCode.INTERNAL;
    }

    private static void writeOptional(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
