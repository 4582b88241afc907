package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Reads what clients send: frames, and the {@code action} API Gateway selects a route by. */
final class ClientFrameDecoder {

    private ClientFrameDecoder() {
    }

    /** See {@link FrameCodec#actionOf}. */
    static Optional<String> actionOf(String body) {
        if (body == null || body.length() > Limits.MAX_MESSAGE_BYTES) {
            return Optional.empty();
        }
        try (JsonParser p = Json.FACTORY.createParser(body)) {
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

    /** See {@link FrameCodec#decodeClient}. */
    static ClientFrame decode(String body) {
        if (body == null) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "empty frame", null);
        }
        if (body.length() > Limits.MAX_MESSAGE_BYTES || Utf8.length(body) > Limits.MAX_MESSAGE_BYTES) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "frame exceeds " + Limits.MAX_MESSAGE_BYTES + " bytes", null);
        }
        return readFields(body).toFrame();
    }

    private static RawClientFrame readFields(String body) {
        RawClientFrame raw = new RawClientFrame();
        try (JsonParser p = Json.FACTORY.createParser(body)) {
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
                    case "data" -> raw.data = Json.copyValue(p);
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
            return Json.validIdOrNull(id);
        }

        String requireData(String replyId) {
            if (data == null) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, "field 'data' is required", replyId);
            }
            if (Utf8.length(data) > Limits.MAX_DATA_BYTES) {
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

    /** An action as an error message may show it: short, printable ASCII only. */
    private static String abbreviate(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return shown.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
