package com.example.supportdesk;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The {@code onJoin} hook: a ticket's room {@code ticket-<id>} admits that ticket's customer and its assigned agent
 * while the ticket is open, and nobody else. It denies by default: any other room, an unknown or closed ticket, an
 * event it cannot read. Those admitted may send and read the room's history; their tokens need grant nothing.
 *
 * <p>Switchboard asks it only when a connection joins a room it is not in, and keeps the decision with the
 * membership; the close-ticket operation takes memberships back with {@code removeMember}. A failure to read the
 * ticket is thrown, and Switchboard refuses the join as a temporary failure ({@code HOOK_FAILED}).
 */
public final class TicketGate implements RequestStreamHandler {

    private final Tickets tickets;

    /** As Lambda creates it: the tickets table from the environment. */
    public TicketGate() {
        this(DeskClients.tickets());
    }

    public TicketGate(Tickets tickets) {
        this.tickets = tickets;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Json.write(output, Json.read(input).map(this::decide).orElseGet(() -> deny("not a JSON hook event")));
    }

    private ObjectNode decide(JsonNode event) {
        if (!"onJoin".equals(event.path("hook").asText())) {
            return deny("this function answers onJoin only");
        }
        Optional<String> user = Json.text(event, "user");
        Optional<String> room = Json.text(event, "room");
        if (user.isEmpty() || room.isEmpty()) {
            return deny("a join event names its user and room");
        }
        Optional<String> id = Ticket.idOfRoom(room.get());
        if (id.isEmpty()) {
            return deny("the desk's rooms are ticket rooms, ticket-<id>");
        }
        Optional<Ticket> ticket = tickets.find(id.get());
        if (ticket.isEmpty()) {
            return deny("there is no ticket " + id.get());
        }
        if (!ticket.get().open()) {
            return deny("ticket " + id.get() + " is closed");
        }
        if (!ticket.get().isParticipant(user.get())) {
            return deny("only the ticket's customer and agent");
        }
        ObjectNode allow = Json.object().put("allow", true);
        allow.putArray("rights").add("send").add("history");
        return allow;
    }

    private static ObjectNode deny(String reason) {
        return Json.object().put("allow", false).put("reason", reason);
    }
}
