package dev.switchboard.protocol;

/** Writes what clients send: the encoding client libraries and tests use. */
final class ClientFrameEncoder {

    private ClientFrameEncoder() {
    }

    /** See {@link FrameCodec#encode(ClientFrame)}. */
    static String encode(ClientFrame frame) {
        return Json.object(g -> {
            g.writeStringField("action", frame.route().key());
            Json.writeOptional(g, "id", frame.id());
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
                    Json.writeData(g, send.data());
                }
                case ClientFrame.Ping ignored -> {
                }
                case ClientFrame.Resume resume -> {
                    g.writeStringField("room", resume.room());
                    g.writeNumberField("after", resume.after());
                }
                case ClientFrame.Presence presence -> {
                    g.writeStringField("room", presence.room());
                    Json.writeOptional(g, "cursor", presence.cursor());
                }
                case ClientFrame.Direct direct -> {
                    g.writeStringField("user", direct.user());
                    Json.writeData(g, direct.data());
                }
                case ClientFrame.Refresh refresh -> g.writeStringField("token", refresh.token());
            }
        });
    }
}
