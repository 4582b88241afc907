package dev.switchboard.core;

import dev.switchboard.protocol.Limits;
import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the core use cases.
 *
 * <pre>{@code
 * CoreSettings settings = CoreSettings.defaults().withHistoryRetention(Duration.ofHours(6));
 * }</pre>
 *
 * @param connectionTtl       how long a connection record lives without {@code $disconnect}; API Gateway closes
 *                            every connection after 2 h, so this is 2 h plus slack for a missed disconnect
 * @param maxRooms            rooms one connection may be in at once
 * @param historyRetention    how long room messages stay available for resume
 * @param idempotencyWindow   how long a {@code send}'s client id protects against duplicates
 * @param presenceEvents      whether joins and leaves are announced to the room at all
 * @param presenceMaxRoomSize rooms with more members than this get no presence events (fan-out cost)
 * @param quotas              what one connection or user may cost the stack
 */
public record CoreSettings(Duration connectionTtl, int maxRooms, Duration historyRetention,
                           Duration idempotencyWindow, boolean presenceEvents, int presenceMaxRoomSize,
                           Quotas quotas) {

    /** Most rooms a connection may be allowed to be in. */
    public static final int MAX_ROOMS = 98;
    public CoreSettings {
        Objects.requireNonNull(connectionTtl, "connectionTtl");
        Objects.requireNonNull(historyRetention, "historyRetention");
        Objects.requireNonNull(idempotencyWindow, "idempotencyWindow");
        Objects.requireNonNull(quotas, "quotas");
        if (connectionTtl.compareTo(Limits.MAX_CONNECTION_LIFETIME) < 0) {
            throw new IllegalArgumentException("connectionTtl must cover API Gateway's 2 h connection limit");
        }
        if (maxRooms < 1 || maxRooms > MAX_ROOMS) {
            // A refresh rewrites the connection record, each of its memberships and its user's entry in one
            // transaction (at most 100 items in DynamoDB).
            throw new IllegalArgumentException("maxRooms must be between 1 and " + MAX_ROOMS);
        }
        if (historyRetention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("historyRetention must be at least a minute");
        }
        if (idempotencyWindow.isNegative() || idempotencyWindow.isZero()) {
            throw new IllegalArgumentException("idempotencyWindow must be positive");
        }
        if (presenceMaxRoomSize < 0) {
            throw new IllegalArgumentException("presenceMaxRoomSize must be >= 0");
        }
    }

    public static CoreSettings defaults() {
        // Presence events cost one post per member per join or leave (a join storm in a room of n is n² posts):
        // on by default, for rooms of up to 100 members.
        return new CoreSettings(Duration.ofHours(3), Limits.MAX_ROOMS_PER_CONNECTION, Duration.ofHours(24),
                Duration.ofHours(1), true, 100, Quotas.defaults());
    }

    public CoreSettings withConnectionTtl(Duration ttl) {
        return new CoreSettings(ttl, maxRooms, historyRetention, idempotencyWindow, presenceEvents,
                presenceMaxRoomSize, quotas);
    }

    public CoreSettings withMaxRooms(int rooms) {
        return new CoreSettings(connectionTtl, rooms, historyRetention, idempotencyWindow, presenceEvents,
                presenceMaxRoomSize, quotas);
    }

    public CoreSettings withHistoryRetention(Duration retention) {
        return new CoreSettings(connectionTtl, maxRooms, retention, idempotencyWindow, presenceEvents,
                presenceMaxRoomSize, quotas);
    }

    public CoreSettings withIdempotencyWindow(Duration window) {
        return new CoreSettings(connectionTtl, maxRooms, historyRetention, window, presenceEvents,
                presenceMaxRoomSize, quotas);
    }

    public CoreSettings withQuotas(Quotas value) {
        return new CoreSettings(connectionTtl, maxRooms, historyRetention, idempotencyWindow, presenceEvents,
                presenceMaxRoomSize, value);
    }

    public CoreSettings withPresenceEvents(boolean enabled, int maxRoomSize) {
        return new CoreSettings(connectionTtl, maxRooms, historyRetention, idempotencyWindow, enabled, maxRoomSize,
                quotas);
    }
}
