package dev.switchboard.functions.auth;

import dev.switchboard.core.Grant;
import java.util.Map;
import java.util.Objects;

/**
 * Who a valid token says the caller is, and what it grants.
 *
 * @param userId the token's {@code sub}
 * @param claims other claims rendered as strings, for the authorizer context
 * @param grant  the token's capabilities and expiry
 */
public record VerifiedIdentity(String userId, Map<String, String> claims, Grant grant) {
    public VerifiedIdentity {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(grant, "grant");
        claims = Map.copyOf(claims);
    }
}
