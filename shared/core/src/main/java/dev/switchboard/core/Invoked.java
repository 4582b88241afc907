package dev.switchboard.core;

import java.util.Objects;

/** What came of one {@link Invoker#invoke}: an answer to be read, or why there is none. */
public sealed interface Invoked {

    /** The function answered; {@code body} is what it returned, not yet checked. */
    record Answered(String body) implements Invoked {
        public Answered {
            Objects.requireNonNull(body, "body");
        }
    }

    /** No answer within the timeout: the function may still be running. */
    record TimedOut() implements Invoked {
    }

    /** The function ran and failed (it threw, or answered with an error status): the same call would fail again. */
    record Failed(String reason) implements Invoked {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The function could not be invoked now (throttled, unreachable, its service failing): a later call may work. */
    record Unreachable(String reason) implements Invoked {
        public Unreachable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
