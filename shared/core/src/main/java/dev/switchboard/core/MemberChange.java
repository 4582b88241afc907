package dev.switchboard.core;

import java.util.Objects;

/**
 * What a server-side membership change ({@link Switchboard#addMember}, {@link Switchboard#removeMember}) did to one
 * of the user's open connections.
 *
 * @param connectionId the connection
 * @param outcome      what happened to it
 */
public record MemberChange(String connectionId, Outcome outcome) {

    public MemberChange {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** What happened to one connection. */
    public enum Outcome {
        /** It joined the room now (and the room was told, as for a client's join). */
        JOINED(true),
        /** It was a member already; its rights there stay as they were. */
        ALREADY_MEMBER(true),
        /** It is in as many rooms as a connection may be: it did not join. Retrying helps only once it leaves one. */
        TOO_MANY_ROOMS(false),
        /** It left the room now (and the room was told when it was the user's last connection there). */
        LEFT(true),
        /** It was not a member: nothing to do. */
        NOT_A_MEMBER(true),
        /** It closed while the change was made: nothing to do. */
        GONE(true),
        /** Its rooms kept changing while the change was decided: nothing was done; retry. */
        BUSY(false);

        private final boolean done;

        Outcome(boolean done) {
            this.done = done;
        }

        /** Whether the connection is now as asked (a member, or not one), or gone. */
        public boolean done() {
            return done;
        }
    }
}
