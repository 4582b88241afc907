package com.example.supportdesk;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A support ticket: its customer and its assigned agent are the only people its room {@code ticket-<id>} admits.
 *
 * @param id       letters, digits, '-' and '_', at most 40
 * @param customer the customer's user id (the {@code sub} of their Switchboard token)
 * @param agent    the assigned agent's user id
 * @param open     false once closed: the room admits nobody any more
 */
public record Ticket(String id, String customer, String agent, boolean open) {

    /** Every ticket's room is this prefix and the ticket's id. */
    public static final String ROOM_PREFIX = "ticket-";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    /** Switchboard's user ids are at most 128 characters; the desk takes printable ones only. */
    private static final Pattern USER = Pattern.compile("[\\x21-\\x7e]{1,128}");

    public Ticket {
        requireId(id);
        requireUser(customer, "customer");
        requireUser(agent, "agent");
        if (customer.equals(agent)) {
            throw new IllegalArgumentException("a ticket's customer and agent are two people");
        }
    }

    /** The room of this ticket. */
    public String room() {
        return ROOM_PREFIX + id;
    }

    /** Whether the user is this ticket's customer or its agent. */
    public boolean isParticipant(String user) {
        return customer.equals(user) || agent.equals(user);
    }

    /** The ticket id a room belongs to, if it is a ticket's room at all. */
    public static Optional<String> idOfRoom(String room) {
        if (room == null || !room.startsWith(ROOM_PREFIX)) {
            return Optional.empty();
        }
        String id = room.substring(ROOM_PREFIX.length());
        return ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    /** Whether a text is a ticket id. */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    static void requireId(String id) {
        if (!isId(id)) {
            throw new IllegalArgumentException("a ticket id is 1-40 letters, digits, '-' or '_', was '" + id + "'");
        }
    }

    static void requireUser(String user, String what) {
        Objects.requireNonNull(user, what);
        if (!USER.matcher(user).matches()) {
            throw new IllegalArgumentException("the " + what + " must be 1-128 printable characters without spaces");
        }
    }

    public Ticket closed() {
        return new Ticket(id, customer, agent, false);
    }
}
