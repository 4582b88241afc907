package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * A frame for an application route: {@code {"action":"typing","id":"7","data":{"room":"lobby"}}}. The route's name
 * is the {@code action}; {@code data} is any JSON value (JSON {@code null} when absent) and goes to the
 * application's function as it is.
 *
 * <pre>{@code
 * ApplicationFrame call = ApplicationFrame.decode("{\"action\":\"typing\",\"id\":\"7\",\"data\":{}}");
 * call.action();   // "typing"
 * }</pre>
 *
 * @param id     the client's correlation id, echoed in the {@code reply} or {@code error}; null when absent
 * @param action the application route called
 * @param data   JSON text of the call's {@code data}
 */
public record ApplicationFrame(String id, String action, String data) {

    public ApplicationFrame {
        ApplicationRoutes.requireValid(action);
        // One JSON value, whoever builds the frame: the events sent to the application's function splice it in as is.
        data = Json.requireValue(Objects.requireNonNull(data, "data"));
        if (id != null && !Limits.isValidId(id)) {
            throw new IllegalArgumentException("invalid id");
        }
    }

    /**
     * Decodes a frame for an application route, with the limits of every frame. Every problem is a
     * {@link ProtocolException} carrying the error code and, when it could be read, the frame's id.
     */
    public static ApplicationFrame decode(String body) {
        if (body == null) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "empty frame", null);
        }
        if (body.length() > Limits.MAX_MESSAGE_BYTES || FrameCodec.utf8Length(body) > Limits.MAX_MESSAGE_BYTES) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "frame exceeds " + Limits.MAX_MESSAGE_BYTES + " bytes", null);
        }
        String action = null;
        String id = null;
        String data = null;
        boolean badId = false;
        try (JsonParser p = Json.FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException(ErrorCode.MALFORMED_JSON, "frame must be a JSON object", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "action" -> action = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "id" -> {
                        id = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        badId = value != JsonToken.VALUE_NULL && (id == null || !Limits.isValidId(id));
                    }
                    case "data" -> data = copy(p);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new ProtocolException(ErrorCode.MALFORMED_JSON, "trailing content after the JSON object",
                        badId ? null : id);
            }
        } catch (StreamConstraintsException e) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "frame is too deeply nested or too long",
                    badId ? null : id);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "frame is not valid JSON", badId ? null : id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (badId) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD,
                    "id must be 1-" + Limits.MAX_ID_LENGTH + " printable ASCII characters", null);
        }
        if (action == null) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "field 'action' is required", id);
        }
        if (ApplicationRoutes.problem(action).isPresent()) {
            throw new ProtocolException(ErrorCode.UNKNOWN_ACTION, "no application route serves this action", id);
        }
        if (data != null && FrameCodec.utf8Length(data) > Limits.MAX_DATA_BYTES) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "data exceeds " + Limits.MAX_DATA_BYTES + " bytes", id);
        }
        return new ApplicationFrame(id, action, data == null ? "null" : data);
    }

    /** Encodes the frame as a client sends it (client libraries and tests). */
    public String encode() {
        StringWriter out = new StringWriter(64 + data.length());
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("action", action);
            if (id != null) {
                g.writeStringField("id", id);
            }
            g.writeFieldName("data");
            g.writeRawValue(data);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String copy(JsonParser p) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }
}
