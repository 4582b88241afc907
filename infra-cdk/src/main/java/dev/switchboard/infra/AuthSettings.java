package dev.switchboard.infra;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the {@code $connect} authorizer verifies tokens. Exactly one key source applies: a JWKS URL (RS256/ES256,
 * e.g. a Cognito user pool), an existing Secrets Manager secret holding an HS256 key, or — when neither is
 * given — a secret the stack generates (its ARN is a stack output; read it to sign tokens).
 *
 * <pre>{@code
 * AuthSettings auth = AuthSettings.jwks(URI.create("https://issuer.example/.well-known/jwks.json"))
 *         .withIssuer("https://issuer.example").withAudience("switchboard");
 * }</pre>
 *
 * @param enabled     false only for a deliberately open development stack (every connection is "anonymous")
 * @param jwksUrl     JWKS document for RS256/ES256 keys
 * @param secretArn   complete ARN of an existing Secrets Manager secret with the HS256 key
 * @param issuer      required {@code iss}, when present
 * @param audience    required {@code aud}, when present
 * @param tokenSource where API Gateway insists on finding a token before it calls the authorizer
 */
public record AuthSettings(boolean enabled, Optional<URI> jwksUrl, Optional<String> secretArn,
                           Optional<String> issuer, Optional<String> audience, TokenSource tokenSource) {

    /** A complete secret ARN: Secrets Manager appends "-" and six random characters to the secret's name. */
    private static final Pattern SECRET_ARN = Pattern.compile(
            "arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}");

    /**
     * Where the token must be for API Gateway to call the authorizer. API Gateway requires every configured identity
     * source to be present (else 401 without calling the authorizer), so naming both the header and the query
     * parameter would lock out every client that sends just one of them.
     */
    public enum TokenSource {
        /**
         * No identity source: API Gateway always calls the authorizer, which takes {@code Authorization: Bearer}
         * or, failing that, {@code ?token=} and answers 401 itself when both are missing. The default: browsers
         * cannot set headers on a WebSocket, and server clients should not have to put tokens in URLs.
         */
        HEADER_OR_QUERY(null),
        /** Only {@code ?token=}; API Gateway rejects connections without it before any Lambda runs. */
        QUERY("route.request.querystring.token"),
        /** Only the {@code Authorization} header; browsers cannot connect. */
        HEADER("route.request.header.Authorization");

        private final String identitySource;

        TokenSource(String identitySource) {
            this.identitySource = identitySource;
        }

        /** The API Gateway identity source expression, empty for {@link #HEADER_OR_QUERY}. */
        public Optional<String> identitySource() {
            return Optional.ofNullable(identitySource);
        }
    }

    public AuthSettings {
        Objects.requireNonNull(jwksUrl, "jwksUrl");
        Objects.requireNonNull(secretArn, "secretArn");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(tokenSource, "tokenSource");
        if (jwksUrl.isPresent() && secretArn.isPresent()) {
            throw new IllegalArgumentException("configure either jwtJwksUrl or jwtSecretArn, not both");
        }
        jwksUrl.ifPresent(url -> {
            if (!"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("jwtJwksUrl must be an absolute https URL, was " + url);
            }
        });
        secretArn.ifPresent(arn -> {
            if (!SECRET_ARN.matcher(arn).matches()) {
                throw new IllegalArgumentException("jwtSecretArn must be the complete ARN of a Secrets Manager secret"
                        + " (ending in the 6-character suffix, as 'aws secretsmanager describe-secret' prints it),"
                        + " was " + arn);
            }
        });
        if (!enabled && (jwksUrl.isPresent() || secretArn.isPresent())) {
            throw new IllegalArgumentException("authMode=off cannot be combined with a JWT key setting");
        }
    }

    /** HS256 with a secret the stack generates in Secrets Manager. */
    public static AuthSettings generatedSecret() {
        return new AuthSettings(true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                TokenSource.HEADER_OR_QUERY);
    }

    /** RS256/ES256 with keys from a JWKS URL. */
    public static AuthSettings jwks(URI jwksUrl) {
        return new AuthSettings(true, Optional.of(jwksUrl), Optional.empty(), Optional.empty(), Optional.empty(),
                TokenSource.HEADER_OR_QUERY);
    }

    /** HS256 with the key held by an existing Secrets Manager secret. */
    public static AuthSettings secret(String secretArn) {
        return new AuthSettings(true, Optional.empty(), Optional.of(secretArn), Optional.empty(), Optional.empty(),
                TokenSource.HEADER_OR_QUERY);
    }

    /** No authentication: for throwaway development stacks only. */
    public static AuthSettings off() {
        return new AuthSettings(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                TokenSource.HEADER_OR_QUERY);
    }

    public AuthSettings withIssuer(String value) {
        return new AuthSettings(enabled, jwksUrl, secretArn, Optional.of(value), audience, tokenSource);
    }

    public AuthSettings withAudience(String value) {
        return new AuthSettings(enabled, jwksUrl, secretArn, issuer, Optional.of(value), tokenSource);
    }

    public AuthSettings withTokenSource(TokenSource value) {
        return new AuthSettings(enabled, jwksUrl, secretArn, issuer, audience, value);
    }

    /** True when the stack must create the HS256 secret itself. */
    public boolean generatesSecret() {
        return enabled && jwksUrl.isEmpty() && secretArn.isEmpty();
    }
}
