package com.example.supportdesk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.CloseOutcome;
import dev.switchboard.core.MemberChange;
import dev.switchboard.server.Published;
import dev.switchboard.server.ServerApi;
import java.util.List;
import java.util.Objects;

/**
 * Closing a ticket, a backend operation: the room hears that the ticket is closed, the customer and the agent leave
 * the room, and the customer's connections are closed.
 *
 * <p>Who may: the desk's backend, on behalf of the ticket's assigned agent. The backend has authenticated the agent
 * (in its own UI) and names them; this operation checks that they are the ticket's agent. Who may call the backend
 * operation at all is IAM's business: in AWS it is a Lambda function only principals granted
 * {@code lambda:InvokeFunction} on it may invoke.
 *
 * <p>Safe to repeat: the ticket is marked closed first (so the {@code onJoin} hook admits nobody from then on), and
 * a close of a ticket its agent has closed already does the rest again, which changes nothing the first close did:
 * the closing message is published under a fixed id (published once), removing a member who left is a no-op, and so
 * is disconnecting a user with no connections. A close that failed half-way is finished by calling it again.
 *
 * <pre>{@code
 * Closing closing = new CloseTicket(tickets, serverApi).close("42", "dave");
 * }</pre>
 */
public final class CloseTicket {

    /** What the room's members see as the closing message's sender: {@code server:support-desk}. */
    static final String SENDER = "support-desk";

    /**
     * What a close did.
     *
     * @param ticket        the ticket's id
     * @param seq           the closing message's place in the room
     * @param alreadyClosed the ticket was closed before this call (this call only repeated the steps)
     * @param removed       connections taken out of the room
     * @param disconnected  connections of the customer closed
     */
    public record Closing(String ticket, long seq, boolean alreadyClosed, int removed, int disconnected) {
    }

    private final Tickets tickets;
    private final ServerApi server;

    public CloseTicket(Tickets tickets, ServerApi server) {
        this.tickets = Objects.requireNonNull(tickets, "tickets");
        this.server = Objects.requireNonNull(server, "server");
    }

    /**
     * Closes the ticket on behalf of the agent.
     *
     * @throws DeskException {@code BAD_REQUEST} (not a ticket id or user id), {@code NO_SUCH_TICKET},
     *                       {@code NOT_ASSIGNEE} (the agent is not the ticket's); nothing is changed then
     */
    public Closing close(String ticketId, String agent) {
        if (!Ticket.isId(ticketId)) {
            throw DeskException.badRequest("ticket must be 1-40 letters, digits, '-' or '_'");
        }
        try {
            Ticket.requireUser(agent, "agent");
        } catch (IllegalArgumentException | NullPointerException e) {
            throw DeskException.badRequest("agent must be the closing agent's user id");
        }
        Ticket ticket = tickets.find(ticketId)
                .orElseThrow(() -> new DeskException("NO_SUCH_TICKET", "there is no ticket " + ticketId));
        if (!ticket.agent().equals(agent)) {
            throw new DeskException("NOT_ASSIGNEE", "only the ticket's agent may close it");
        }
        boolean alreadyClosed = !tickets.close(ticketId, agent);
        if (alreadyClosed && tickets.find(ticketId).map(now -> now.open() || !now.agent().equals(agent))
                .orElse(true)) {
            // The conditional close failed, and not because this agent closed it: it was reassigned meanwhile.
            throw new DeskException("NOT_ASSIGNEE", "only the ticket's agent may close it");
        }
        ObjectNode message = Json.object().put("closed", true).put("ticket", ticketId).put("by", agent)
                .put("text", "This ticket is closed. Thank you!");
        Published published = server.publish(ticket.room(), Json.write(message), SENDER, "closed-" + ticketId);
        int removed = left(server.removeMember(ticket.customer(), ticket.room()))
                + left(server.removeMember(ticket.agent(), ticket.room()));
        int disconnected = (int) server.disconnectUser(ticket.customer()).stream()
                .filter(closed -> closed.outcome() == CloseOutcome.CLOSED).count();
        return new Closing(ticketId, published.seq(), alreadyClosed, removed, disconnected);
    }

    private static int left(List<MemberChange> changes) {
        return (int) changes.stream().filter(change -> change.outcome() == MemberChange.Outcome.LEFT).count();
    }
}
