package dev.switchboard.functions.auth;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a token must say besides a good signature and a future {@code exp}, and where its capabilities are.
 *
 * <pre>{@code
 * TokenRules cognito = TokenRules.issuedBy("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc")
 *         .withClientIds(Set.of("4f2a...")).withTokenUse("access");
 * }</pre>
 *
 * @param issuer      required {@code iss}
 * @param audience    required {@code aud} (one of the token's audiences)
 * @param clientIds   when not empty, the token's {@code client_id} (Cognito access tokens) or, without one, its
 *                    {@code aud} (ID tokens) must be one of these
 * @param tokenUse    required {@code token_use} (Cognito: {@code access} or {@code id})
 * @param roomsClaim  name of the claim mapping room patterns to actions
 * @param directClaim name of the claim listing the user patterns its holder may message directly
 */
public record TokenRules(Optional<String> issuer, Optional<String> audience, Set<String> clientIds,
                         Optional<String> tokenUse, String roomsClaim, String directClaim) {

    public static final String DEFAULT_ROOMS_CLAIM = "rooms";
    public static final String DEFAULT_DIRECT_CLAIM = "direct";

    public TokenRules {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(tokenUse, "tokenUse");
        clientIds = Set.copyOf(clientIds);
        if (roomsClaim == null || roomsClaim.isBlank() || directClaim == null || directClaim.isBlank()
                || roomsClaim.equals(directClaim)) {
            throw new IllegalArgumentException("the rooms and direct claims need two different names");
        }
    }

    /** No requirement beyond signature, expiry and subject; capabilities in the default claims. */
    public static TokenRules none() {
        return new TokenRules(Optional.empty(), Optional.empty(), Set.of(), Optional.empty(), DEFAULT_ROOMS_CLAIM,
                DEFAULT_DIRECT_CLAIM);
    }

    public static TokenRules issuedBy(String issuer) {
        return none().withIssuer(Optional.of(issuer));
    }

    public TokenRules withIssuer(Optional<String> value) {
        return new TokenRules(value, audience, clientIds, tokenUse, roomsClaim, directClaim);
    }

    public TokenRules withAudience(Optional<String> value) {
        return new TokenRules(issuer, value, clientIds, tokenUse, roomsClaim, directClaim);
    }

    public TokenRules withClientIds(Set<String> value) {
        return new TokenRules(issuer, audience, value, tokenUse, roomsClaim, directClaim);
    }

    public TokenRules withTokenUse(String value) {
        return new TokenRules(issuer, audience, clientIds, Optional.of(value), roomsClaim, directClaim);
    }

    public TokenRules withClaims(String rooms, String direct) {
        return new TokenRules(issuer, audience, clientIds, tokenUse, rooms, direct);
    }

    /**
     * Whether tokens from a shared issuer (a JWKS URL: Cognito, Auth0, Google) are tied to this application: the
     * same issuer mints tokens for other applications too, so it must be named and the token's audience or client
     * must be this application's.
     */
    boolean bindsToOneApplication() {
        return issuer.isPresent() && (audience.isPresent() || !clientIds.isEmpty());
    }
}
