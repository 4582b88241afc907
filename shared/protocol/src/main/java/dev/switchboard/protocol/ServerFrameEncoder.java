package dev.switchboard.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes what the server sends: the frames posted to connections and returned as route replies. */
final class ServerFrameEncoder {

    private ServerFrameEncoder() {
    }

    /** See {@link FrameCodec#encode(ServerFrame)}. */
    static String encode(ServerFrame frame) {
        return Json.object(g -> writeFields(g, frame));
    }

    /** See {@link FrameCodec#encodeBytes}. */
    static byte[] encodeBytes(ServerFrame frame) {
        return encode(frame).getBytes(StandardCharsets.UTF_8);
    }

    private static void writeFields(JsonGenerator g, ServerFrame frame) throws IOException {
        g.writeStringField("type", frame.type());
        switch (frame) {
            case ServerFrame.Message m -> {
                g.writeStringField("id", m.id());
                g.writeStringField("room", m.room());
                g.writeStringField("from", m.from());
                Json.writeData(g, m.data());
                g.writeNumberField("ts", m.ts());
                g.writeNumberField("seq", m.seq());
            }
            case ServerFrame.Ack a -> {
                Json.writeOptional(g, "id", a.id());
                g.writeStringField("action", a.action());
                Json.writeOptional(g, "messageId", a.messageId());
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
                Json.writeOptional(g, "id", e.id());
                g.writeStringField("code", e.code().name());
                g.writeStringField("message", e.message());
                g.writeBooleanField("temporary", e.temporary());
                if (e.retryAfterMs() != null) {
                    g.writeNumberField("retryAfterMs", e.retryAfterMs());
                }
            }
            case ServerFrame.Pong pong -> {
                Json.writeOptional(g, "id", pong.id());
                g.writeNumberField("ts", pong.ts());
            }
            case ServerFrame.History h -> {
                Json.writeOptional(g, "id", h.id());
                g.writeStringField("room", h.room());
                g.writeArrayFieldStart("messages");
                for (ServerFrame.Message m : h.messages()) {
                    g.writeStartObject();
                    writeFields(g, m);
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeBooleanField("more", h.more());
                g.writeNumberField("seq", h.seq());
            }
            case ServerFrame.Reset r -> {
                Json.writeOptional(g, "id", r.id());
                g.writeStringField("room", r.room());
                g.writeNumberField("seq", r.seq());
                g.writeStringField("reason", r.reason());
            }
            case ServerFrame.Presence p -> {
                Json.writeOptional(g, "id", p.id());
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
                Json.writeOptional(g, "cursor", p.cursor());
            }
            case ServerFrame.PresenceChange c -> {
                g.writeStringField("room", c.room());
                g.writeStringField("event", c.event());
                g.writeStringField("user", c.user());
            }
            case ServerFrame.Direct d -> {
                g.writeStringField("id", d.id());
                g.writeStringField("from", d.from());
                Json.writeData(g, d.data());
                g.writeNumberField("ts", d.ts());
            }
            case ServerFrame.Reply r -> {
                Json.writeOptional(g, "id", r.id());
                g.writeStringField("action", r.action());
                Json.writeData(g, r.data());
            }
        }
    }
}
