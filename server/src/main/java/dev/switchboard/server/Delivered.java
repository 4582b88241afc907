package dev.switchboard.server;

import dev.switchboard.core.BroadcastResult;
import java.util.Objects;

/**
 * A direct message the server sent to every open connection of a user. Direct messages are not stored: a connection
 * that was not open, or that the post did not reach, does not get it later.
 *
 * @param messageId the message's id; a repeat of the same id gets the first one's
 * @param delivery  the posts to the user's open connections (empty for a repeat, which delivers nothing again)
 */
public record Delivered(String messageId, BroadcastResult delivery) {
    public Delivered {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(delivery, "delivery");
    }
}
