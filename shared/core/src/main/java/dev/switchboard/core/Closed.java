package dev.switchboard.core;

import java.util.Objects;

/**
 * What a server-side close ({@link Switchboard#closeConnection}, {@link Switchboard#closeUser}) did to one
 * connection.
 *
 * @param connectionId the connection
 * @param outcome      the gateway's answer: closed or already gone (its records were then removed and its rooms
 *                     told), or failed (its records kept, so a retry finds it)
 */
public record Closed(String connectionId, CloseOutcome outcome) {
    public Closed {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(outcome, "outcome");
    }
}
