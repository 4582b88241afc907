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
import java.util.ArrayList;
import java.util.List;
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

    /** A text as a JSON string literal, quotes included: {@code he said "hi"} becomes {@code "he said \"hi\""}. */
    public static String quote(String text) {
        return write(g -> g.writeStringField("s", text)).replaceFirst("^\\{\"s\":", "").replaceFirst("}$", "");
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
                    case "user" -> raw.user = raw.text(p, value, "user");
                    case "token" -> raw.token = raw.text(p, value, "token");
                    case "cursor" -> raw.cursor = raw.text(p, value, "cursor");
                    case "after" -> raw.after = raw.number(p, value, "after");
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
        String user;
        String token;
        String cursor;
        Long after;
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

        Long number(JsonParser p, JsonToken value, String field) throws IOException {
            if (value == JsonToken.VALUE_NUMBER_INT) {
                return p.getLongValue();
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

        String requireData(String replyId) {
            if (data == null) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, "field 'data' is required", replyId);
            }
            if (utf8Length(data) > Limits.MAX_DATA_BYTES) {
                throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE,
                        "data exceeds " + Limits.MAX_DATA_BYTES + " bytes", replyId);
            }
            return data;
        }

        ClientFrame toFrame() {
            String replyId = validId();
            if (id != null && replyId == null) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD,
                        "id must be 1-" + Limits.MAX_ID_LENGTH + " printable ASCII characters", null);
            }
            if (typeError != null) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "field '" + typeError + "' has the wrong type",
                        replyId);
            }
            if (action == null) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, "field 'action' is required", replyId);
            }
            Route route = Route.byKey(action).filter(Route::isAction).orElseThrow(() -> new ProtocolException(
                    ErrorCode.UNKNOWN_ACTION, "unknown action '" + abbreviate(action) + "'", replyId));
            return switch (route) {
                case JOIN -> new ClientFrame.Join(replyId, room, after);
                case LEAVE -> new ClientFrame.Leave(replyId, room);
                case PING -> new ClientFrame.Ping(replyId);
                case SEND -> new ClientFrame.Send(replyId, room, requireData(replyId));
                case RESUME -> {
                    if (after == null) {
                        throw new ProtocolException(ErrorCode.MISSING_FIELD, "field 'after' is required", replyId);
                    }
                    yield new ClientFrame.Resume(replyId, room, after);
                }
                case PRESENCE -> new ClientFrame.Presence(replyId, room, cursor);
                case DIRECT -> new ClientFrame.Direct(replyId, user, requireData(replyId));
                case REFRESH -> new ClientFrame.Refresh(replyId, token);
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

    /**
     * Decodes a backend's publish request; every problem is a {@link ProtocolException}, a request for another
     * operation included.
     */
    public static PublishRequest decodePublish(String body) {
        ServerRequest request = decodeServerRequest(body);
        if (request instanceof PublishRequest publish) {
            return publish;
        }
        throw new ProtocolException(ErrorCode.INVALID_FIELD, "not a publish request", request.id());
    }

    /**
     * Decodes a backend's request to the publish queue: a publish (no {@code op}, or {@code "publish"}), or one of
     * the other {@link ServerRequest} operations. A field another operation takes is refused rather than ignored,
     * as it shows the sender meant something else. Every problem is a {@link ProtocolException}.
     */
    public static ServerRequest decodeServerRequest(String body) {
        if (body == null || body.length() > Limits.MAX_MESSAGE_BYTES || utf8Length(body) > Limits.MAX_MESSAGE_BYTES) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "publish request missing or too large", null);
        }
        RawServerRequest raw = new RawServerRequest();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException(ErrorCode.MALFORMED_JSON, "publish request must be a JSON object", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("data".equals(name)) {
                    raw.data = copyValue(p);
                    continue;
                }
                if ("rights".equals(name)) {
                    raw.rightsGiven = true;
                    raw.rights = readStringsOnly(p, value);
                    continue;
                }
                String text = value == JsonToken.VALUE_STRING ? p.getText() : null;
                p.skipChildren();
                switch (name) {
                    case "op" -> {
                        raw.op = text;
                        raw.opGiven = true;
                    }
                    case "room" -> raw.room = text;
                    case "user" -> raw.user = text;
                    case "from" -> raw.from = text;
                    case "id" -> raw.id = text;
                    case "connectionId" -> raw.connectionId = text;
                    default -> {
                    }
                }
            }
            if (p.nextToken() != null) {
                throw new ProtocolException(ErrorCode.MALFORMED_JSON, "trailing content after the JSON object",
                        validIdOrNull(raw.id));
            }
        } catch (StreamConstraintsException e) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "publish request is too deeply nested",
                    validIdOrNull(raw.id));
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "publish request is not valid JSON",
                    validIdOrNull(raw.id));
        }
        return raw.toRequest();
    }

    /** The fields of a publish-queue request as read, before they are checked against its operation. */
    private static final class RawServerRequest {
        /** The {@code op} read, or null when absent or not a string. */
        String op;
        boolean opGiven;
        String room;
        String user;
        String data;
        String from;
        String id;
        String connectionId;
        /** The {@code rights} read, or null when absent or not an array of strings only. */
        List<String> rights;
        boolean rightsGiven;

        ServerRequest toRequest() {
            String validId = validIdOrNull(id);
            String operation = op == null && !opGiven ? ServerRequest.PUBLISH : String.valueOf(op);
            return switch (operation) {
                case ServerRequest.PUBLISH -> {
                    refuse(validId, "connectionId", connectionId != null, "rights", rightsGiven);
                    yield new PublishRequest(room, user, data, from, validId);
                }
                case ServerRequest.DISCONNECT -> {
                    refuse(validId, "room", room != null, "data", data != null, "from", from != null,
                            "rights", rightsGiven);
                    yield new ServerRequest.Disconnect(user, connectionId, validId);
                }
                case ServerRequest.ADD_MEMBER -> {
                    refuse(validId, "data", data != null, "from", from != null, "connectionId", connectionId != null);
                    if (rightsGiven && rights == null) {
                        throw new ProtocolException(ErrorCode.INVALID_FIELD, "'rights' must be a list of right names",
                                validId);
                    }
                    yield new ServerRequest.AddMember(user, room, rights, validId);
                }
                case ServerRequest.REMOVE_MEMBER -> {
                    refuse(validId, "data", data != null, "from", from != null, "connectionId", connectionId != null,
                            "rights", rightsGiven);
                    yield new ServerRequest.RemoveMember(user, room, validId);
                }
                default -> throw new ProtocolException(ErrorCode.INVALID_FIELD, "unknown op; expected one of "
                        + String.join(", ", ServerRequest.PUBLISH, ServerRequest.DISCONNECT, ServerRequest.ADD_MEMBER,
                        ServerRequest.REMOVE_MEMBER), validId);
            };
        }

        /** Refuses the request when a field its operation does not take is present: pairs of name and presence. */
        private void refuse(String validId, Object... namesAndPresence) {
            for (int i = 0; i < namesAndPresence.length; i += 2) {
                if ((Boolean) namesAndPresence[i + 1]) {
                    throw new ProtocolException(ErrorCode.INVALID_FIELD, "'" + namesAndPresence[i]
                            + "' is not a field of " + (op == null ? ServerRequest.PUBLISH : op), validId);
                }
            }
        }
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
        if (json == null) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "data is required", null);
        }
        if (json.length() > Limits.MAX_MESSAGE_BYTES) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "data exceeds " + Limits.MAX_DATA_BYTES
                    + " bytes", null);
        }
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() == null) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "data is not a JSON value", null);
            }
            String value = copyValue(p);
            if (p.nextToken() != null) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "data holds more than one JSON value", null);
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "data is nested too deeply or holds too long a"
                    + " value", null);
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "data is not valid JSON", null);
        }
    }

    /** An error names the request by its id only when that id is valid, as a decoded request would carry it. */
    private static String validIdOrNull(String id) {
        return Limits.isValidId(id) ? id : null;
    }

    /** Encodes a publish request (for backends that send to the queue). */
    public static String encode(PublishRequest request) {
        return write(g -> {
            writeOptional(g, "room", request.room());
            writeOptional(g, "user", request.user());
            writeData(g, request.data());
            g.writeStringField("from", request.from());
            writeOptional(g, "id", request.id());
        });
    }

    /** Encodes any request to the publish queue (for backends that send to it); a publish carries no {@code op}. */
    public static String encode(ServerRequest request) {
        return switch (request) {
            case PublishRequest publish -> encode(publish);
            case ServerRequest.Disconnect disconnect -> write(g -> {
                g.writeStringField("op", ServerRequest.DISCONNECT);
                writeOptional(g, "user", disconnect.user());
                writeOptional(g, "connectionId", disconnect.connectionId());
                writeOptional(g, "id", disconnect.id());
            });
            case ServerRequest.AddMember add -> write(g -> {
                g.writeStringField("op", ServerRequest.ADD_MEMBER);
                g.writeStringField("user", add.user());
                g.writeStringField("room", add.room());
                if (add.rights() != null) {
                    g.writeArrayFieldStart("rights");
                    for (String right : add.rights()) {
                        g.writeString(right);
                    }
                    g.writeEndArray();
                }
                writeOptional(g, "id", add.id());
            });
            case ServerRequest.RemoveMember remove -> write(g -> {
                g.writeStringField("op", ServerRequest.REMOVE_MEMBER);
                g.writeStringField("user", remove.user());
                g.writeStringField("room", remove.room());
                writeOptional(g, "id", remove.id());
            });
        };
    }

    /** Encodes a client frame (used by client libraries and tests). */
    public static String encode(ClientFrame frame) {
        return write(g -> {
            g.writeStringField("action", frame.route().key());
            writeOptional(g, "id", frame.id());
            switch (frame) {
                case ClientFrame.Join join -> {
                    g.writeStringField("room", join.room());
                    if (join.after() != null) {
                        g.writeNumberField("after", join.after());
                    }
                }
                case ClientFrame.Leave leave -> g.writeStringField("room", leave.room());
                case ClientFrame.Send send -> {
                    g.writeStringField("room", send.room());
                    writeData(g, send.data());
                }
                case ClientFrame.Ping ignored -> {
                }
                case ClientFrame.Resume resume -> {
                    g.writeStringField("room", resume.room());
                    g.writeNumberField("after", resume.after());
                }
                case ClientFrame.Presence presence -> {
                    g.writeStringField("room", presence.room());
                    writeOptional(g, "cursor", presence.cursor());
                }
                case ClientFrame.Direct direct -> {
                    g.writeStringField("user", direct.user());
                    writeData(g, direct.data());
                }
                case ClientFrame.Refresh refresh -> g.writeStringField("token", refresh.token());
            }
        });
    }

    /** Encodes a server frame as the JSON text sent to clients. */
    public static String encode(ServerFrame frame) {
        return write(g -> writeServerFields(g, frame));
    }

    private static void writeServerFields(JsonGenerator g, ServerFrame frame) throws IOException {
        g.writeStringField("type", frame.type());
        switch (frame) {
            case ServerFrame.Message m -> {
                g.writeStringField("id", m.id());
                g.writeStringField("room", m.room());
                g.writeStringField("from", m.from());
                writeData(g, m.data());
                g.writeNumberField("ts", m.ts());
                g.writeNumberField("seq", m.seq());
            }
            case ServerFrame.Ack a -> {
                writeOptional(g, "id", a.id());
                g.writeStringField("action", a.action());
                writeOptional(g, "messageId", a.messageId());
                if (a.seq() != null) {
                    g.writeNumberField("seq", a.seq());
                }
                if (a.exp() != null) {
                    g.writeNumberField("exp", a.exp());
                }
                if (!a.revoked().isEmpty()) {
                    g.writeArrayFieldStart("revoked");
                    for (String room : a.revoked()) {
                        g.writeString(room);
                    }
                    g.writeEndArray();
                }
                if (a.deferred() != null) {
                    g.writeNumberField("deferred", a.deferred());
                }
            }
            case ServerFrame.Error e -> {
                writeOptional(g, "id", e.id());
                g.writeStringField("code", e.code().name());
                g.writeStringField("message", e.message());
                g.writeBooleanField("temporary", e.temporary());
                if (e.retryAfterMs() != null) {
                    g.writeNumberField("retryAfterMs", e.retryAfterMs());
                }
            }
            case ServerFrame.Pong pong -> {
                writeOptional(g, "id", pong.id());
                g.writeNumberField("ts", pong.ts());
            }
            case ServerFrame.History h -> {
                writeOptional(g, "id", h.id());
                g.writeStringField("room", h.room());
                g.writeArrayFieldStart("messages");
                for (ServerFrame.Message m : h.messages()) {
                    g.writeStartObject();
                    writeServerFields(g, m);
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeBooleanField("more", h.more());
                g.writeNumberField("seq", h.seq());
            }
            case ServerFrame.Reset r -> {
                writeOptional(g, "id", r.id());
                g.writeStringField("room", r.room());
                g.writeNumberField("seq", r.seq());
                g.writeStringField("reason", r.reason());
            }
            case ServerFrame.Presence p -> {
                writeOptional(g, "id", p.id());
                g.writeStringField("room", p.room());
                g.writeArrayFieldStart("members");
                for (ServerFrame.Member member : p.members()) {
                    g.writeStartObject();
                    g.writeStringField("user", member.user());
                    g.writeNumberField("connections", member.connections());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeBooleanField("more", p.more());
                writeOptional(g, "cursor", p.cursor());
            }
            case ServerFrame.PresenceChange c -> {
                g.writeStringField("room", c.room());
                g.writeStringField("event", c.event());
                g.writeStringField("user", c.user());
            }
            case ServerFrame.Direct d -> {
                g.writeStringField("id", d.id());
                g.writeStringField("from", d.from());
                writeData(g, d.data());
                g.writeNumberField("ts", d.ts());
            }
            case ServerFrame.Reply r -> {
                writeOptional(g, "id", r.id());
                g.writeStringField("action", r.action());
                writeData(g, r.data());
            }
        }
    }

    private static void writeData(JsonGenerator g, String data) throws IOException {
        g.writeFieldName("data");
        g.writeRawValue(data);
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
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException(ErrorCode.MALFORMED_JSON, "server frame must be a JSON object", null);
            }
            return readServerFrame(p);
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "server frame is not valid JSON", null);
        } catch (NullPointerException e) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "server frame misses " + e.getMessage(), null);
        }
    }

    /** Reads the fields of one server frame object; the parser is on its START_OBJECT. */
    private static Optional<ServerFrame> readServerFrame(JsonParser p) throws IOException {
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
                case "data" -> f.data = copyValue(p);
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
            case "message" -> new ServerFrame.Message(f.id, f.room, f.from, f.data, f.ts, seq);
            case "ack" -> new ServerFrame.Ack(f.id, f.action, f.messageId, f.seq, f.exp, f.revoked, f.deferred);
            case "error" -> new ServerFrame.Error(errorCode(f.code), f.message == null ? "" : f.message, f.id,
                    f.retryAfterMs == null || f.retryAfterMs < 0 ? null : f.retryAfterMs);
            case "pong" -> new ServerFrame.Pong(f.id, f.ts);
            case "history" -> new ServerFrame.History(f.id, f.room, f.messages, f.more, seq);
            case "reset" -> new ServerFrame.Reset(f.id, f.room, seq, f.reason == null ? "" : f.reason);
            case "presence" -> new ServerFrame.Presence(f.id, f.room, f.members, f.cursor);
            case "presence_change" -> new ServerFrame.PresenceChange(f.room, f.event, f.user);
            case "direct" -> new ServerFrame.Direct(f.id, f.from, f.data, f.ts);
            case "reply" -> new ServerFrame.Reply(f.id, f.action, f.data);
            default -> null;
        });
    }

    private static List<ServerFrame.Message> readMessages(JsonParser p, JsonToken value) throws IOException {
        List<ServerFrame.Message> messages = new ArrayList<>();
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return messages;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            readServerFrame(p).filter(ServerFrame.Message.class::isInstance).map(ServerFrame.Message.class::cast)
                    .ifPresent(messages::add);
        }
        return messages;
    }

    /** An array of strings and nothing else, or null (the value skipped) for any other value. */
    private static List<String> readStringsOnly(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        List<String> strings = new ArrayList<>();
        boolean onlyStrings = true;
        for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
            if (item == JsonToken.VALUE_STRING) {
                strings.add(p.getText());
            } else {
                onlyStrings = false;
                p.skipChildren();
            }
        }
        return onlyStrings ? strings : null;
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
            members.add(new ServerFrame.Member(user, connections));
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
