package dev.switchboard.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.switchboard.protocol.ApplicationRoutes;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON the application's functions receive (the events of application routes and hooks, documented in
 * {@code docs/extending.md}) and the answers they give, read strictly: an answer that does not read back as
 * documented is refused with the reason, never half-used.
 */
final class ExtensionJson {

    /** Most bytes of an answer read at all: a reply frame must fit in one gateway message. */
    static final int MAX_ANSWER_BYTES = Limits.MAX_MESSAGE_BYTES;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Limits.MAX_JSON_DEPTH)
                    .maxStringLength(MAX_ANSWER_BYTES)
                    .maxNumberLength(64)
                    .build())
            .build();

    private ExtensionJson() {
    }

    /** An answer that is not one: why, for the log. */
    static final class BadAnswer extends Exception {
        private static final long serialVersionUID = 1L;

        BadAnswer(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * An answer's fields as read; each null when absent.
     *
     * @param allow      a hook's decision
     * @param reason     a hook's reason for a denial
     * @param rights     rights a join hook grants, by their capability names
     * @param data       JSON text of {@code data}
     * @param errorCode  an application route's own error code
     * @param error      an application route's error message
     * @param attributes JSON text of the object an onConnect hook attaches
     */
    record Answer(Boolean allow, String reason, List<String> rights, String data, String errorCode, String error,
                  String attributes) {
    }

    /** The event of an application route. */
    static String routeEvent(Connection connection, String route, String id, String data, long requestTime) {
        return write(g -> {
            g.writeStringField("version", ApplicationRoutes.EVENT_VERSION);
            g.writeStringField("route", route);
            identity(g, connection);
            rooms(g, connection);
            optional(g, "id", id);
            g.writeFieldName("data");
            g.writeRawValue(data);
            g.writeNumberField("requestTime", requestTime);
        });
    }

    /** The event of the onJoin hook. */
    static String joinEvent(Connection connection, String room, Rights tokenRights, long requestTime) {
        return write(g -> {
            g.writeStringField("version", ApplicationRoutes.EVENT_VERSION);
            g.writeStringField("hook", "onJoin");
            identity(g, connection);
            g.writeStringField("room", room);
            g.writeFieldName("tokenRights");
            rights(g, tokenRights);
            g.writeNumberField("requestTime", requestTime);
        });
    }

    /** The event of the onSend hook. */
    static String sendEvent(String connectionId, String userId, String room, String id, String data,
                            long requestTime) {
        return write(g -> {
            g.writeStringField("version", ApplicationRoutes.EVENT_VERSION);
            g.writeStringField("hook", "onSend");
            g.writeStringField("connectionId", connectionId);
            g.writeStringField("user", userId);
            g.writeStringField("room", room);
            optional(g, "id", id);
            g.writeFieldName("data");
            g.writeRawValue(data);
            g.writeNumberField("requestTime", requestTime);
        });
    }

    /** The event of the onConnect hook. */
    static String connectEvent(String connectionId, String userId, String sourceIp, Grant grant, long requestTime) {
        return write(g -> {
            g.writeStringField("version", ApplicationRoutes.EVENT_VERSION);
            g.writeStringField("hook", "onConnect");
            g.writeStringField("connectionId", connectionId);
            g.writeStringField("user", userId);
            g.writeStringField("sourceIp", sourceIp == null ? "" : sourceIp);
            capabilities(g, grant);
            g.writeNumberField("requestTime", requestTime);
        });
    }

    private static void identity(JsonGenerator g, Connection connection) throws IOException {
        g.writeStringField("connectionId", connection.connectionId());
        g.writeStringField("user", connection.userId());
        capabilities(g, connection.grant());
        if (connection.attributes() != null) {
            g.writeFieldName("attributes");
            g.writeRawValue(connection.attributes());
        }
    }

    private static void capabilities(JsonGenerator g, Grant grant) throws IOException {
        g.writeObjectFieldStart("capabilities");
        g.writeObjectFieldStart("rooms");
        for (Capabilities.RoomGrant room : grant.capabilities().rooms()) {
            g.writeFieldName(room.pattern());
            rights(g, room.rights());
        }
        g.writeEndObject();
        g.writeArrayFieldStart("direct");
        for (String user : grant.capabilities().direct()) {
            g.writeString(user);
        }
        g.writeEndArray();
        g.writeEndObject();
        if (grant.expiresAt() != null) {
            g.writeNumberField("tokenExpiresAt", grant.expiresAt().getEpochSecond());
        }
    }

    private static void rooms(JsonGenerator g, Connection connection) throws IOException {
        g.writeObjectFieldStart("rooms");
        for (Map.Entry<String, Rights> room : new TreeMap<>(connection.rooms()).entrySet()) {
            g.writeFieldName(room.getKey());
            rights(g, room.getValue());
        }
        g.writeEndObject();
    }

    private static void rights(JsonGenerator g, Rights rights) throws IOException {
        g.writeStartArray();
        for (RoomAction action : rights.actions()) {
            g.writeString(action.claimName());
        }
        g.writeEndArray();
    }

    private static void optional(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    /**
     * Reads an answer: one JSON object, fields of the documented types (unknown fields are ignored, so an application
     * may answer more than a version of Switchboard reads).
     */
    static Answer read(String body) throws BadAnswer {
        if (body == null || body.isBlank()) {
            throw new BadAnswer("the answer is empty");
        }
        if (body.length() > MAX_ANSWER_BYTES || FrameCodec.utf8Length(body) > MAX_ANSWER_BYTES) {
            throw new BadAnswer("the answer is larger than " + MAX_ANSWER_BYTES + " bytes");
        }
        Boolean allow = null;
        String reason = null;
        List<String> rights = null;
        String data = null;
        String errorCode = null;
        String error = null;
        String attributes = null;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadAnswer("the answer is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "allow" -> {
                        if (!value.isBoolean()) {
                            throw new BadAnswer("'allow' is not true or false");
                        }
                        allow = value == JsonToken.VALUE_TRUE;
                    }
                    case "reason" -> reason = text(p, value, "reason");
                    case "rights" -> rights = strings(p, value, "rights");
                    case "data" -> data = copy(p);
                    case "attributes" -> {
                        if (value != JsonToken.START_OBJECT) {
                            throw new BadAnswer("'attributes' is not a JSON object");
                        }
                        attributes = copy(p);
                    }
                    case "error" -> {
                        if (value != JsonToken.START_OBJECT) {
                            throw new BadAnswer("'error' is not a JSON object");
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String field = p.currentName();
                            JsonToken fieldValue = p.nextToken();
                            switch (field) {
                                case "code" -> errorCode = text(p, fieldValue, "error.code");
                                case "message" -> error = text(p, fieldValue, "error.message");
                                default -> p.skipChildren();
                            }
                        }
                        if (errorCode == null) {
                            throw new BadAnswer("'error' has no 'code'");
                        }
                        error = error == null ? "" : error;
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new BadAnswer("trailing content after the answer's JSON object");
            }
        } catch (IOException e) {
            throw new BadAnswer("the answer is not valid JSON (" + e.getClass().getSimpleName() + ")");
        }
        return new Answer(allow, reason, rights, data, errorCode, error, attributes);
    }

    private static String text(JsonParser p, JsonToken value, String field) throws IOException, BadAnswer {
        if (value != JsonToken.VALUE_STRING) {
            throw new BadAnswer("'" + field + "' is not a string");
        }
        return p.getText();
    }

    private static List<String> strings(JsonParser p, JsonToken value, String field) throws IOException, BadAnswer {
        if (value != JsonToken.START_ARRAY) {
            throw new BadAnswer("'" + field + "' is not an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
            if (item != JsonToken.VALUE_STRING) {
                throw new BadAnswer("'" + field + "' is not an array of strings");
            }
            strings.add(p.getText());
        }
        return strings;
    }

    private static String copy(JsonParser p) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter(256);
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
