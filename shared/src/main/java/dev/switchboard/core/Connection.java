package dev.switchboard.core;

import java.time.Instant;
import java.util.Objects;

/**
 * An open WebSocket connection as the store keeps it.
 *
 * @param connectionId API Gateway's connection id
 * @param userId       identity from the authorizer's context ({@code sub} of the token)
 * @param connectedAt  when {@code $connect} accepted it
 * @param sourceIp     client address as API Gateway saw it (may be empty)
 * @param expiresAt    when the store may forget it even without {@code $disconnect} (DynamoDB TTL)
 */
public record Connection(String connectionId, String userId, Instant connectedAt, String sourceIp,
                         Instant expiresAt) {
    public Connection {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(connectedAt, "connectedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        sourceIp = sourceIp == null ? "" : sourceIp;
        if (connectionId.isBlank()) {
            throw new IllegalArgumentException("connectionId is blank");
        }
        if (!expiresAt.isAfter(connectedAt)) {
            throw new IllegalArgumentException("expiresAt must be after connectedAt");
        }
    }
}
