package dev.switchboard.functions.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.switchboard.core.Capabilities;
import dev.switchboard.core.Grant;
import dev.switchboard.protocol.Limits;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies JWTs with Nimbus JOSE+JWT: signature (HS256 with a shared secret, or RS256/ES256 with keys from a
 * cached JWKS document, as Cognito user pools publish), {@code exp} (required, and in the future: no skew, since the
 * connection expires at exactly that instant) and {@code nbf} with 60 s skew,
 * {@code sub} (required: 1–128 characters, no control characters), the {@link TokenRules} (issuer, audience or
 * client id, {@code token_use}), and the capability claims (well-formed, or the token is refused). Unsigned
 * ({@code alg: none}) tokens and tokens signed with an algorithm other than the configured ones are rejected.
 * Tokens from a JWKS URL must name their issuer and this application's audience or client ids: the same issuer
 * mints tokens for other applications.
 *
 * <pre>{@code
 * JwtVerifier verifier = JwtVerifier.hs256(secretBytes, TokenRules.issuedBy("https://issuer"));
 * VerifiedIdentity who = verifier.verify(token);   // or TokenRejectedException
 * }</pre>
 */
public final class JwtVerifier {

    static final int MAX_CONTEXT_CLAIMS = 20;
    static final int MAX_CLAIM_LENGTH = 256;
    static final int MAX_CLAIM_NAME_LENGTH = 64;
    /** Characters of names and values of the copied claims together. */
    static final int MAX_CONTEXT_CLAIMS_SIZE = 3 * 1024;
    private static final int MAX_CLOCK_SKEW_SECONDS = 60;
    private static final String CLIENT_ID = "client_id";
    private static final String TOKEN_USE = "token_use";
    private static final Set<String> NOT_FOR_CONTEXT = Set.of("sub", "exp", "nbf", "iat", "jti");

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final TokenRules rules;
    private final Clock clock = Clock.systemUTC();

    private JwtVerifier(JWSVerificationKeySelector<SecurityContext> keys, TokenRules rules) {
        this.rules = rules;
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        rules.issuer().ifPresent(exact::issuer);
        rules.tokenUse().ifPresent(use -> exact.claim(TOKEN_USE, use));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                rules.audience().map(Set::of).orElse(null), exact.build(), Set.of("sub", "exp"), null);
        claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(keys);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** Tokens signed with HS256 and a shared secret of at least 32 bytes. */
    public static JwtVerifier hs256(byte[] secret, TokenRules rules) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("an HS256 secret must be at least 32 bytes");
        }
        return new JwtVerifier(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)),
                rules);
    }

    /** Tokens signed with HS256 and a shared secret, with a required issuer and audience when given. */
    public static JwtVerifier hs256(byte[] secret, Optional<String> issuer, Optional<String> audience) {
        return hs256(secret, TokenRules.none().withIssuer(issuer).withAudience(audience));
    }

    /**
     * Tokens signed with RS256 or ES256 by a key published in a JWKS document (cached, refreshed on new kid). The
     * rules must name the issuer and an audience or client ids.
     */
    public static JwtVerifier jwks(URI jwksUrl, TokenRules rules) {
        if (!rules.bindsToOneApplication()) {
            throw new IllegalArgumentException("tokens from a JWKS URL need a required issuer and a required "
                    + "audience or client ids: the issuer also mints tokens for other applications");
        }
        try {
            JWKSource<SecurityContext> source = JWKSourceBuilder.<SecurityContext>create(jwksUrl.toURL())
                    .retrying(true)
                    .build();
            return new JwtVerifier(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                    source), rules);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("invalid JWKS URL", e);
        }
    }

    /** Builds the verifier a configuration asks for; the secret comes from {@code secrets} when given by ARN. */
    public static JwtVerifier from(AuthConfig config, SecretSource secrets) {
        if (config.jwksUrl().isPresent()) {
            return jwks(config.jwksUrl().get(), config.rules());
        }
        String secret = config.secret().orElseGet(() -> secrets.secret(config.secretArn().orElseThrow()));
        return hs256(secret.getBytes(StandardCharsets.UTF_8), config.rules());
    }

    /**
     * The verifier the environment configures (secret from Secrets Manager when given by ARN), or empty when
     * authentication is off.
     */
    public static Optional<JwtVerifier> fromEnvironment(Map<String, String> environment) {
        AuthConfig config = AuthConfig.from(environment);
        if (!config.enabled()) {
            return Optional.empty();
        }
        return Optional.of(from(config, arn -> SecretsManagerSecretSource.create().secret(arn)));
    }

    public VerifiedIdentity verify(String token) throws TokenRejectedException {
        if (token == null || token.isBlank()) {
            throw new TokenRejectedException("empty token");
        }
        if (token.length() > Limits.MAX_TOKEN_LENGTH) {
            throw new TokenRejectedException("token too long");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new TokenRejectedException("not a JWT");
        } catch (BadJOSEException e) {
            throw new TokenRejectedException(reasonOf(e));
        } catch (JOSEException e) {
            throw new TokenRejectedException("signature could not be checked");
        } catch (RuntimeException e) {
            // Nimbus fails on some malformed tokens with an unchecked exception instead of a ParseException (a
            // header that is the JSON literal null: NullPointerException); a token it cannot read is refused.
            throw new TokenRejectedException("not a JWT");
        }
        if (!claims.getExpirationTime().toInstant().isAfter(clock.instant())) {
            // The clock skew allowed for nbf and iat does not stretch exp: a connection is refused from exp on, so a
            // token at or past it must not open or refresh one either.
            throw new TokenRejectedException("expired");
        }
        String subject = claims.getSubject();
        if (!Limits.isValidUser(subject) || Limits.isReservedUser(subject)) {
            // A subject Switchboard cannot use as a user id, or one it gives out itself, identifies nobody this
            // stack can serve: the caller is unauthenticated.
            throw TokenRejectedException.unauthenticated("subject must be 1-" + Limits.MAX_USER_LENGTH
                    + " characters without control characters, not starting with "
                    + String.join(" or ", Limits.RESERVED_USER_PREFIXES));
        }
        checkClient(claims);
        Capabilities capabilities;
        try {
            capabilities = Capabilities.fromClaims(claims.getClaim(rules.roomsClaim()),
                    claims.getClaim(rules.directClaim()));
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException("invalid capabilities: " + e.getMessage());
        }
        return new VerifiedIdentity(subject, contextClaims(claims),
                new Grant(capabilities, claims.getExpirationTime().toInstant()));
    }

    /**
     * A short, fixed reason for a failed check: Nimbus's own messages can quote claim values (the audience or issuer
     * a token carries), which have no place in logs or in what a client is told.
     */
    private static String reasonOf(BadJOSEException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        if (message.contains("expired")) {
            return "expired";
        }
        if (message.contains("before use time") || message.contains("nbf")) {
            return "not yet valid";
        }
        if (message.contains("signature") || message.contains("key")) {
            return "signature not valid for a known key";
        }
        if (message.contains("aud")) {
            return "not for this audience";
        }
        if (message.contains("iss")) {
            return "not from the expected issuer";
        }
        if (message.contains("missing") || message.contains("required")) {
            return "a required claim is missing";
        }
        return "claims not accepted";
    }

    private void checkClient(JWTClaimsSet claims) throws TokenRejectedException {
        if (rules.clientIds().isEmpty()) {
            return;
        }
        Object clientId = claims.getClaim(CLIENT_ID);
        List<String> audience = claims.getAudience();
        boolean allowed = clientId instanceof String id ? rules.clientIds().contains(id)
                : clientId == null && audience != null && audience.stream().anyMatch(rules.clientIds()::contains);
        if (!allowed) {
            throw new TokenRejectedException("token is for another client");
        }
    }

    /**
     * Claims as strings for the authorizer context: scalars and string lists only, bounded in count, in each name's
     * and value's length and in total, so a large token cannot push the authorizer's answer past what API Gateway
     * takes (the capabilities travel beside them, at most {@link Capabilities#MAX_COMPACT_LENGTH}).
     */
    private Map<String, String> contextClaims(JWTClaimsSet claims) {
        Map<String, String> context = new LinkedHashMap<>();
        int size = 0;
        for (Map.Entry<String, Object> claim : claims.getClaims().entrySet()) {
            if (context.size() == MAX_CONTEXT_CLAIMS) {
                break;
            }
            String name = claim.getKey();
            if (NOT_FOR_CONTEXT.contains(name) || name.equals(rules.roomsClaim()) || name.equals(rules.directClaim())
                    || name.length() > MAX_CLAIM_NAME_LENGTH) {
                continue;
            }
            String value = asString(claim.getValue());
            if (value != null && value.length() <= MAX_CLAIM_LENGTH
                    && size + name.length() + value.length() <= MAX_CONTEXT_CLAIMS_SIZE) {
                context.put(name, value);
                size += name.length() + value.length();
            }
        }
        return context;
    }

    private static String asString(Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Collection<?> list && list.stream().allMatch(String.class::isInstance)) {
            return String.join(",", list.stream().map(String.class::cast).toList());
        }
        if (value instanceof java.util.Date date) {
            return Long.toString(date.getTime() / 1000);
        }
        return null;
    }

    /** Fetches the HS256 secret named by ARN (Secrets Manager in AWS). */
    @FunctionalInterface
    public interface SecretSource {
        String secret(String arn);
    }
}
