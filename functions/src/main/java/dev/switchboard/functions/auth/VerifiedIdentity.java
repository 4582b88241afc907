package dev.switchboard.functions.auth;

import java.util.Map;
import java.util.Objects;

/**
 * Who a valid token says the caller is.
 *
 * @param userId the token's {@code sub}
 * @param claims other claims rendered as strings, for the authorizer context
 */
public record VerifiedIdentity(String userId, Map<String, String> claims) {
    public VerifiedIdentity {
        Objects.requireNonNull(userId, "userId");
        claims = Map.copyOf(claims);
    }
}
