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
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies JWTs with Nimbus JOSE+JWT: signature (HS256 with a shared secret, or RS256/ES256 with keys from a
 * cached JWKS document, as Cognito user pools publish), {@code exp} (required) and {@code nbf} with 60 s skew,
 * {@code sub} (required), and {@code iss}/{@code aud} when configured. Unsigned ({@code alg: none}) tokens and
 * tokens signed with an algorithm other than the configured ones are rejected.
 *
 * <pre>{@code
 * JwtVerifier verifier = JwtVerifier.hs256(secretBytes, Optional.of("https://issuer"), Optional.empty());
 * VerifiedIdentity who = verifier.verify(token);   // or TokenRejectedException
 * }</pre>
 */
public final class JwtVerifier {

    /** Largest token accepted; real tokens are a few KB. */
    public static final int MAX_TOKEN_LENGTH = 8 * 1024;
    static final int MAX_CONTEXT_CLAIMS = 20;
    static final int MAX_CLAIM_LENGTH = 256;
    private static final int MAX_CLOCK_SKEW_SECONDS = 60;
    private static final Set<String> NOT_FOR_CONTEXT = Set.of("sub", "exp", "nbf", "iat", "jti");

    private final DefaultJWTProcessor<SecurityContext> processor;

    private JwtVerifier(JWSVerificationKeySelector<SecurityContext> keys, Optional<String> issuer,
                        Optional<String> audience) {
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        issuer.ifPresent(exact::issuer);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                audience.map(Set::of).orElse(null), exact.build(), Set.of("sub", "exp"), null);
        claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(keys);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** Tokens signed with HS256 and a shared secret of at least 32 bytes. */
    public static JwtVerifier hs256(byte[] secret, Optional<String> issuer, Optional<String> audience) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("an HS256 secret must be at least 32 bytes");
        }
        return new JwtVerifier(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)),
                issuer, audience);
    }

    /** Tokens signed with RS256 or ES256 by a key published in a JWKS document (cached, refreshed on new kid). */
    public static JwtVerifier jwks(URI jwksUrl, Optional<String> issuer, Optional<String> audience) {
        try {
            JWKSource<SecurityContext> source = JWKSourceBuilder.<SecurityContext>create(jwksUrl.toURL())
                    .retrying(true)
                    .build();
            return new JwtVerifier(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                    source), issuer, audience);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("invalid JWKS URL", e);
        }
    }

    /** Builds the verifier a configuration asks for; the secret comes from {@code secrets} when given by ARN. */
    public static JwtVerifier from(AuthConfig config, SecretSource secrets) {
        if (config.jwksUrl().isPresent()) {
            return jwks(config.jwksUrl().get(), config.issuer(), config.audience());
        }
        String secret = config.secret().orElseGet(() -> secrets.secret(config.secretArn().orElseThrow()));
        return hs256(secret.getBytes(StandardCharsets.UTF_8), config.issuer(), config.audience());
    }

    public VerifiedIdentity verify(String token) throws TokenRejectedException {
        if (token == null || token.isBlank()) {
            throw new TokenRejectedException("empty token");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new TokenRejectedException("token too long");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new TokenRejectedException("not a JWT");
        } catch (BadJOSEException e) {
            // Nimbus's messages name the failed check (expired, bad signature, audience) without token contents.
            throw new TokenRejectedException(e.getMessage());
        } catch (JOSEException e) {
            throw new TokenRejectedException("signature could not be checked");
        } catch (RuntimeException e) {
            // Nimbus fails on some malformed tokens with an unchecked exception instead of a ParseException (a
            // header that is the JSON literal null: NullPointerException); a token it cannot read is refused.
            throw new TokenRejectedException("not a JWT");
        }
        return new VerifiedIdentity(claims.getSubject(), contextClaims(claims));
    }

    /** Claims as strings for the authorizer context: scalars and string lists only, bounded in count and size. */
    private static Map<String, String> contextClaims(JWTClaimsSet claims) {
        Map<String, String> context = new LinkedHashMap<>();
        for (Map.Entry<String, Object> claim : claims.getClaims().entrySet()) {
            if (context.size() == MAX_CONTEXT_CLAIMS) {
                break;
            }
            if (NOT_FOR_CONTEXT.contains(claim.getKey())) {
                continue;
            }
            String value = asString(claim.getValue());
            if (value != null && value.length() <= MAX_CLAIM_LENGTH) {
                context.put(claim.getKey(), value);
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
