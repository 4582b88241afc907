package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes what backends send to the publish queue: a publish, or another {@link ServerRequest}. */
final class ServerRequestCodec {

    private ServerRequestCodec() {
    }

    /** See {@link FrameCodec#decodePublish}. */
    static PublishRequest decodePublish(String body) {
        ServerRequest request = decode(body);
        if (request instanceof PublishRequest publish) {
            return publish;
        }
        throw new ProtocolException(ErrorCode.INVALID_FIELD, "not a publish request", request.id());
    }

    /** See {@link FrameCodec#decodeServerRequest}. */
    static ServerRequest decode(String body) {
        if (body == null || body.length() > Limits.MAX_MESSAGE_BYTES || Utf8.length(body) > Limits.MAX_MESSAGE_BYTES) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "publish request missing or too large", null);
        }
        RawServerRequest raw = new RawServerRequest();
        try (JsonParser p = Json.FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException(ErrorCode.MALFORMED_JSON, "publish request must be a JSON object", null);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("data".equals(name)) {
                    raw.data = Json.copyValue(p);
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
                        Json.validIdOrNull(raw.id));
            }
        } catch (StreamConstraintsException e) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, "publish request is too deeply nested",
                    Json.validIdOrNull(raw.id));
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_JSON, "publish request is not valid JSON",
                    Json.validIdOrNull(raw.id));
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
            String validId = Json.validIdOrNull(id);
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

    /** See {@link FrameCodec#encode(PublishRequest)}. */
    static String encode(PublishRequest request) {
        return Json.object(g -> {
            Json.writeOptional(g, "room", request.room());
            Json.writeOptional(g, "user", request.user());
            Json.writeData(g, request.data());
            g.writeStringField("from", request.from());
            Json.writeOptional(g, "id", request.id());
        });
    }

    /** See {@link FrameCodec#encode(ServerRequest)}. */
    static String encode(ServerRequest request) {
        return switch (request) {
            case PublishRequest publish -> encode(publish);
            case ServerRequest.Disconnect disconnect -> Json.object(g -> {
                g.writeStringField("op", ServerRequest.DISCONNECT);
                Json.writeOptional(g, "user", disconnect.user());
                Json.writeOptional(g, "connectionId", disconnect.connectionId());
                Json.writeOptional(g, "id", disconnect.id());
            });
            case ServerRequest.AddMember add -> Json.object(g -> {
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
                Json.writeOptional(g, "id", add.id());
            });
            case ServerRequest.RemoveMember remove -> Json.object(g -> {
                g.writeStringField("op", ServerRequest.REMOVE_MEMBER);
                g.writeStringField("user", remove.user());
                g.writeStringField("room", remove.room());
                Json.writeOptional(g, "id", remove.id());
            });
        };
    }
}
