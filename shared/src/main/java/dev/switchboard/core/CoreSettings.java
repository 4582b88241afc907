package dev.switchboard.core;

import dev.switchboard.protocol.Limits;
import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the core use cases.
 *
 * @param connectionTtl how long a connection record lives without {@code $disconnect}; API Gateway closes
 *                      every connection after 2 h, so this is 2 h plus slack for a missed disconnect
 * @param maxRooms      rooms one connection may be in at once
 */
public record CoreSettings(Duration connectionTtl, int maxRooms) {
    public CoreSettings {
        Objects.requireNonNull(connectionTtl, "connectionTtl");
        if (connectionTtl.compareTo(Duration.ofHours(2)) < 0) {
            throw new IllegalArgumentException("connectionTtl must cover API Gateway's 2 h connection limit");
        }
        if (maxRooms < 1) {
            throw new IllegalArgumentException("maxRooms must be at least 1");
        }
    }

    public static CoreSettings defaults() {
        return new CoreSettings(Duration.ofHours(3), Limits.MAX_ROOMS_PER_CONNECTION);
    }
}
