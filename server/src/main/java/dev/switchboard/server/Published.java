package dev.switchboard.server;

import dev.switchboard.core.BroadcastResult;
import java.util.Objects;

/**
 * A message the server published to a room: its id and its place in the room's order, as every member (and
 * everyone who resumes later) sees it, and how delivery to the members connected now went.
 *
 * @param messageId the message's id; a repeat of the same publish id gets the first one's
 * @param seq       its sequence number in the room
 * @param delivery  the posts to the members connected now (empty for a repeat, which delivers nothing again)
 */
public record Published(String messageId, long seq, BroadcastResult delivery) {
    public Published {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(delivery, "delivery");
    }
}
