package dev.switchboard.core;

import dev.switchboard.protocol.ServerFrame;
import java.util.Objects;

/**
 * Whether a frame for a route the core does not serve itself (an application route's call) may be served
 * ({@link Switchboard#admit}): its connection, or the reply that refuses it.
 */
public sealed interface CallAdmission {

    /** Known, within its quota, its token valid: serve the frame for this connection. */
    record Admitted(Connection connection) implements CallAdmission {
        public Admitted {
            Objects.requireNonNull(connection, "connection");
        }
    }

    /** Not to be served: answer with {@code refusal}. */
    record Refused(ServerFrame refusal) implements CallAdmission {
        public Refused {
            Objects.requireNonNull(refusal, "refusal");
        }
    }
}
