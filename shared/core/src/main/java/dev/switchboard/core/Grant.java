package dev.switchboard.core;

import java.time.Instant;
import java.util.Objects;

/**
 * What a connection's token granted, and until when: kept on the connection record at {@code $connect}, replaced
 * by {@code refresh}. A frame that arrives after {@code expiresAt} is refused and the connection closed.
 *
 * <pre>{@code
 * Grant grant = new Grant(Capabilities.fromCompact("lobby=js|"), Instant.parse("2026-12-03T10:00:00Z"));
 * grant.expiredAt(Instant.parse("2026-12-03T10:00:01Z"));   // true
 * }</pre>
 *
 * @param capabilities the token's capabilities ({@link Capabilities#NONE} where none are used)
 * @param expiresAt    the token's {@code exp}; null for a connection without a token (a stack without
 *                     authentication), which never expires this way
 */
public record Grant(Capabilities capabilities, Instant expiresAt) {

    /** No capabilities, no expiry: connections of a stack that runs without authentication. */
    public static final Grant NONE = new Grant(Capabilities.NONE, null);

    public Grant {
        Objects.requireNonNull(capabilities, "capabilities");
    }

    /** Whether a frame arriving at {@code now} comes too late for this grant. */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
