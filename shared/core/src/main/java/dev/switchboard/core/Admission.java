package dev.switchboard.core;

import java.time.Duration;
import java.util.Objects;

/** What counting one frame of a connection against its quota came to (see {@link ConnectionStore#admit}). */
public sealed interface Admission {

    /** Known and within its quota: the frame goes on; the connection as it is now. */
    record Admitted(Connection connection) implements Admission {
        public Admitted {
            Objects.requireNonNull(connection, "connection");
        }
    }

    /** Known, but its window's quota is spent: the frame is refused and nothing else happens. */
    record Limited(Duration retryAfter) implements Admission {
        public Limited {
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /** Not registered (never connected, disconnected, expired, or its record predates this layout). */
    record Unknown() implements Admission {
    }
}
