package dev.switchboard.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An open WebSocket connection as the store keeps it: who it is, what its token granted, and the rooms it is in
 * with the rights decided when it joined each, so every later frame is checked against this one record.
 *
 * @param connectionId API Gateway's connection id
 * @param userId       identity from the authorizer's context ({@code sub} of the token)
 * @param connectedAt  when {@code $connect} accepted it
 * @param sourceIp     client address as API Gateway saw it (may be empty)
 * @param expiresAt    when the store may forget it even without {@code $disconnect} (DynamoDB TTL)
 * @param grant        what its token granted, until when
 * @param rooms        the rooms it is in, each with its rights there
 * @param revision     changes whenever its rooms or grant change: a write decided from an older read is refused
 * @param attributes   a JSON object the application's onConnect hook attached (at most
 *                     {@link ExtensionLimits#MAX_ATTRIBUTES_BYTES}), or null for none
 */
public record Connection(String connectionId, String userId, Instant connectedAt, String sourceIp,
                         Instant expiresAt, Grant grant, Map<String, Rights> rooms, long revision,
                         String attributes) {
    public Connection {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(connectedAt, "connectedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(grant, "grant");
        sourceIp = sourceIp == null ? "" : sourceIp;
        rooms = Map.copyOf(rooms);
        if (connectionId.isBlank()) {
            throw new IllegalArgumentException("connectionId is blank");
        }
        if (!expiresAt.isAfter(connectedAt)) {
            throw new IllegalArgumentException("expiresAt must be after connectedAt");
        }
    }

    /** A connection without attributes. */
    public Connection(String connectionId, String userId, Instant connectedAt, String sourceIp, Instant expiresAt,
                      Grant grant, Map<String, Rights> rooms, long revision) {
        this(connectionId, userId, connectedAt, sourceIp, expiresAt, grant, rooms, revision, null);
    }

    /** A newly accepted connection: in no room yet. */
    public Connection(String connectionId, String userId, Instant connectedAt, String sourceIp, Instant expiresAt,
                      Grant grant) {
        this(connectionId, userId, connectedAt, sourceIp, expiresAt, grant, Map.of(), 0);
    }

    /** A newly accepted connection of a stack without authentication: no capabilities, no token expiry. */
    public Connection(String connectionId, String userId, Instant connectedAt, String sourceIp, Instant expiresAt) {
        this(connectionId, userId, connectedAt, sourceIp, expiresAt, Grant.NONE);
    }

    /** Its rights in a room it is in, or {@link Rights#NONE} when it is not in that room. */
    public Rights rightsIn(String room) {
        return rooms.getOrDefault(room, Rights.NONE);
    }

    public boolean isIn(String room) {
        return rooms.containsKey(room);
    }
}
