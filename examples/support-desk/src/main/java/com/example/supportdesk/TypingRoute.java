package com.example.supportdesk;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.ServerFrame;
import dev.switchboard.server.ServerApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The application route {@code typing}: {@code {"action":"typing","id":"7","data":{"room":"ticket-42"}}} tells the
 * other people in the ticket's room that the caller is typing, each receiving a direct message
 * {@code {"typing":"carol","room":"ticket-42"}} from {@code server:typing}; the caller's reply says how many
 * connections were told.
 *
 * <p>Why direct messages and not {@code publish}: a typing notice is over in seconds. Published to the room it would
 * take the room's next {@code seq}, be stored in the room's history (a client resuming later would replay stale
 * notices), and be a {@code message.published} event, a line in the transcript. Direct messages are none of these.
 * Why not the route's reply: the reply goes to the caller only, and it is the others who must know.
 *
 * <p>Who may: a member of the room with the right to send there (the {@code rooms} of the event, which Switchboard
 * fills from the connection's memberships). The {@code onJoin} hook has already decided who those are.
 */
public final class TypingRoute implements RequestStreamHandler {

    /** What the other members see as the sender: {@code server:typing}. */
    static final String SENDER = "typing";

    private final ServerApi server;

    /** As Lambda creates it: the server API from the environment the stack gives. */
    public TypingRoute() {
        this(DeskClients.serverApi());
    }

    public TypingRoute(ServerApi server) {
        this.server = server;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Optional<JsonNode> call = Json.read(input);
        Json.write(output, call.isPresent() ? answer(call.get())
                : Json.error("BAD_REQUEST", "not a JSON application route event"));
    }

    private ObjectNode answer(JsonNode call) {
        Optional<String> user = Json.text(call, "user");
        Optional<String> room = Json.text(call.path("data"), "room");
        if (user.isEmpty()) {
            return Json.error("BAD_REQUEST", "the event names no user");
        }
        if (room.isEmpty() || Ticket.idOfRoom(room.get()).isEmpty()) {
            return Json.error("BAD_REQUEST", "typing takes {\"room\":\"ticket-<id>\"}");
        }
        JsonNode rights = call.path("rooms").path(room.get());
        if (!rights.isArray()) {
            return Json.error("NOT_IN_ROOM", "join " + room.get() + " first");
        }
        if (!contains(rights, "send")) {
            return Json.error("FORBIDDEN", "you may not send in " + room.get());
        }
        ObjectNode notice = Json.object().put("typing", user.get()).put("room", room.get());
        String data = Json.write(notice);
        int told = 0;
        for (ServerFrame.Member member : server.presence(room.get())) {
            if (!member.user().equals(user.get())) {
                told += server.sendToUser(member.user(), data, SENDER, null).delivery().delivered();
            }
        }
        ObjectNode answer = Json.object();
        answer.putObject("data").put("told", told);
        return answer;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode element : array) {
            if (value.equals(element.asText())) {
                return true;
            }
        }
        return false;
    }
}
