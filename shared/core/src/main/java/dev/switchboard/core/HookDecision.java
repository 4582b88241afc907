package dev.switchboard.core;

import java.util.Objects;

/** What a hook decided about one connect, join or send. */
public sealed interface HookDecision {

    /**
     * Go ahead.
     *
     * @param rights     for a join: rights the hook grants in the room besides the token's ({@link Rights#NONE} for
     *                   none)
     * @param data       for a send: the data to send instead of the client's, or null to send it unchanged
     * @param attributes for a connect: a JSON object to keep with the connection, or null for none
     */
    record Allow(Rights rights, String data, String attributes) implements HookDecision {
        public static final Allow PLAIN = new Allow(Rights.NONE, null, null);

        public Allow {
            Objects.requireNonNull(rights, "rights");
        }
    }

    /** Refused, with the reason the client is told (already bounded and sanitized). */
    record Deny(String reason) implements HookDecision {
        public Deny {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The hook did not decide (timed out, failed, unreachable): the frame is refused, and a retry may pass. */
    record Fail(String reason) implements HookDecision {
        public Fail {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
