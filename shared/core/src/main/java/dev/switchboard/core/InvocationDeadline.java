package dev.switchboard.core;

import java.time.Instant;
import java.util.Optional;

/**
 * When the current invocation must stop starting work (in Lambda: its remaining time less a safety margin), so a
 * broadcast that cannot finish in time hands the rest to the fan-out queue instead of being cut off with it. Read
 * on the thread that serves the invocation.
 *
 * <pre>{@code
 * InvocationDeadline deadline = () -> Optional.of(Instant.now().plusSeconds(20));
 * }</pre>
 */
@FunctionalInterface
public interface InvocationDeadline {

    /** The instant to stop starting posts by, or empty where the invocation has no limit. */
    Optional<Instant> current();

    static InvocationDeadline none() {
        return Optional::empty;
    }
}
