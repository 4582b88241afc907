package dev.switchboard.functions;

import dev.switchboard.core.Capabilities;
import dev.switchboard.core.Grant;
import java.time.Instant;
import java.util.Map;

/**
 * The keys the authorizer puts in its context and {@code $connect} reads back: API Gateway hands the context to
 * every event of the connection as strings under {@code requestContext.authorizer}. Only {@code $connect} takes the
 * grant from here; later routes read the connection record, which {@code refresh} keeps current.
 */
final class AuthorizerContext {

    /** The user id: the token's {@code sub}, or an anonymous identity where the stack runs without tokens. */
    static final String USER_ID = "userId";
    /** The token's capabilities, compact form ({@link Capabilities#compact()}). */
    static final String CAPABILITIES = "capabilities";
    /** The token's expiry, epoch seconds. */
    static final String TOKEN_EXP = "tokenExp";

    /** Keys API Gateway itself puts beside the context's, which no copied claim may take. */
    private static final java.util.Set<String> GATEWAY_KEYS = java.util.Set.of("principalId", "integrationLatency");

    private AuthorizerContext() {
    }

    /** Whether a claim may be copied into the context under its own name: not a key Switchboard or the gateway uses. */
    static boolean mayCarry(String claim) {
        return !GATEWAY_KEYS.contains(claim) && !claim.equals(USER_ID) && !claim.equals(CAPABILITIES)
                && !claim.equals(TOKEN_EXP);
    }

    /** The grant in a context as API Gateway delivers it; none (no capabilities, no expiry) without a token. */
    static Grant grantOf(Map<String, Object> context) {
        if (context == null) {
            return Grant.NONE;
        }
        Object capabilities = context.get(CAPABILITIES);
        Object expiry = context.get(TOKEN_EXP);
        Capabilities parsed = capabilities == null ? Capabilities.NONE : Capabilities.fromCompact(capabilities.toString());
        Instant expiresAt = expiry == null ? null : Instant.ofEpochSecond(Long.parseLong(expiry.toString()));
        return new Grant(parsed, expiresAt);
    }

    /** What the authorizer hands on for a grant. */
    static void put(Map<String, Object> context, Grant grant) {
        context.put(CAPABILITIES, grant.capabilities().compact());
        if (grant.expiresAt() != null) {
            context.put(TOKEN_EXP, Long.toString(grant.expiresAt().getEpochSecond()));
        }
    }
}
