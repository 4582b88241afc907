package dev.switchboard.infra;

import dev.switchboard.config.EnvNames;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How tokens are verified: by the {@code $connect} authorizer, and again by the {@code refresh} route when a
 * connection presents a fresh token. Exactly one key source applies: a JWKS URL (RS256/ES256, e.g. a Cognito user
 * pool), an existing Secrets Manager secret holding an HS256 key, or — when neither is given — a secret the stack
 * generates (its ARN is a stack output; read it to sign tokens).
 *
 * <p>A JWKS issuer (Cognito, Auth0, Google…) mints tokens for other applications too, so a stack that trusts one
 * also names the issuer and the audience or the app clients that are this application's;
 * {@link SwitchboardProps} refuses a JWKS setting without them ({@link #bindsToOneApplication()}).
 *
 * <pre>{@code
 * AuthSettings auth = AuthSettings.cognito("eu-west-1_AbCdEf123", Set.of("4b1n2o3c4l5i6e7n8t9i0d1x2y"));
 * AuthSettings other = AuthSettings.jwks(URI.create("https://issuer.example/.well-known/jwks.json"))
 *         .withIssuer("https://issuer.example").withAudience("switchboard");
 * }</pre>
 *
 * @param enabled     false only for a deliberately open development stack (every connection is anonymous)
 * @param jwksUrl     JWKS document for RS256/ES256 keys
 * @param secretArn   complete ARN of an existing Secrets Manager secret with the HS256 key
 * @param issuer      required {@code iss}, when present
 * @param audience    required {@code aud}, when present
 * @param clientIds   when not empty, the token's {@code client_id} (or, without one, its {@code aud}) must be one of
 *                    these: Cognito access tokens carry {@code client_id} instead of {@code aud}
 * @param tokenUse    required {@code token_use} claim (Cognito: {@code access} or {@code id}), when present
 * @param claims      the names of the two capability claims, when not the functions' defaults
 *                    ({@code rooms}, {@code direct})
 * @param tokenSource where API Gateway insists on finding a token before it calls the authorizer
 */
public record AuthSettings(boolean enabled, Optional<URI> jwksUrl, Optional<String> secretArn,
                           Optional<String> issuer, Optional<String> audience, Set<String> clientIds,
                           Optional<String> tokenUse, Optional<ClaimNames> claims, TokenSource tokenSource) {

    /** A complete secret ARN: Secrets Manager appends "-" and six random characters to the secret's name. */
    private static final Pattern SECRET_ARN = Pattern.compile(
            "arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}");
    /**
     * A Cognito user pool id: the pool's region, an underscore, and letters and digits (at most 55 characters in
     * all, as Cognito's API allows).
     */
    private static final Pattern COGNITO_POOL_ID = Pattern.compile("([a-z]{2}(?:-[a-z]+)+-\\d{1,2})_[0-9A-Za-z]+");
    private static final int COGNITO_POOL_ID_MAX = 55;
    /** A Cognito app client id, as Cognito's API defines it. */
    private static final Pattern COGNITO_CLIENT_ID = Pattern.compile("[\\w+]{1,128}");
    /** The {@code token_use} values Cognito puts in its tokens. */
    private static final Set<String> COGNITO_TOKEN_USES = Set.of("access", "id");
    /** The functions read the client ids as one comma-separated value, so an id holds no comma and no space. */
    private static final Pattern CLIENT_ID = Pattern.compile("[^,\\s]{1,256}");

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

    /**
     * The names of the token claims that carry capabilities: the room patterns with their actions, and the user
     * patterns its holder may message directly. Set both or neither, so the stack never has to repeat the functions'
     * defaults to check that the two differ.
     *
     * @param rooms  e.g. {@code custom:rooms} for a Cognito custom attribute, or {@code https://example.com/rooms}
     * @param direct e.g. {@code custom:direct}
     */
    public record ClaimNames(String rooms, String direct) {
        /** Claims the verifier reads for itself; a capability claim of the same name would be read as both. */
        private static final Set<String> RESERVED = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti",
                "client_id", "token_use");
        private static final Pattern NAME = Pattern.compile("[\\x21-\\x7E]{1,256}");

        public ClaimNames {
            check("capabilityClaim", rooms);
            check("directClaim", direct);
            if (rooms.equals(direct)) {
                throw new IllegalArgumentException("capabilityClaim and directClaim must be two different claims,"
                        + " both were '" + rooms + "'");
            }
        }

        private static void check(String what, String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(what + " must be 1-256 printable characters without spaces, was '"
                        + name + "'");
            }
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException(what + " cannot be '" + name + "', a claim the verifier reads"
                        + " for itself");
            }
        }
    }

    public AuthSettings {
        Objects.requireNonNull(jwksUrl, "jwksUrl");
        Objects.requireNonNull(secretArn, "secretArn");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(tokenUse, "tokenUse");
        Objects.requireNonNull(claims, "claims");
        Objects.requireNonNull(tokenSource, "tokenSource");
        clientIds = Set.copyOf(clientIds);
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
        issuer.ifPresent(value -> requireText("jwtIssuer", value));
        audience.ifPresent(value -> requireText("jwtAudience", value));
        tokenUse.ifPresent(value -> requireText("token_use", value));
        for (String id : clientIds) {
            if (!CLIENT_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("a client id must be 1-256 characters without commas or spaces,"
                        + " was '" + id + "'");
            }
        }
        if (!enabled && (jwksUrl.isPresent() || secretArn.isPresent() || issuer.isPresent() || audience.isPresent()
                || !clientIds.isEmpty() || tokenUse.isPresent() || claims.isPresent())) {
            throw new IllegalArgumentException("authMode=off cannot be combined with a token setting");
        }
    }

    /** HS256 with a secret the stack generates in Secrets Manager. */
    public static AuthSettings generatedSecret() {
        return new AuthSettings(true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Set.of(), Optional.empty(), Optional.empty(), TokenSource.HEADER_OR_QUERY);
    }

    /** RS256/ES256 with keys from a JWKS URL; name the issuer and the audience or client ids too. */
    public static AuthSettings jwks(URI jwksUrl) {
        return generatedSecret().withJwksUrl(jwksUrl);
    }

    /**
     * Tokens of a Cognito user pool: its JWKS and issuer, which Cognito derives from the pool's region and id, the
     * pool's app clients this application signs in with, and access tokens ({@link #withTokenUse} {@code "id"} for
     * ID tokens). The region is the one the pool id begins with, so a pool in another region than the stack is
     * named correctly too.
     *
     * @param userPoolId e.g. {@code eu-west-1_AbCdEf123}
     * @param clientIds  the app client ids whose tokens may connect (at least one)
     */
    public static AuthSettings cognito(String userPoolId, Set<String> clientIds) {
        Matcher pool = COGNITO_POOL_ID.matcher(userPoolId == null ? "" : userPoolId);
        if (!pool.matches() || userPoolId.length() > COGNITO_POOL_ID_MAX) {
            throw new IllegalArgumentException("cognitoUserPoolId must be a user pool id such as"
                    + " 'eu-west-1_AbCdEf123' (its region, '_', letters and digits), was '" + userPoolId + "'");
        }
        String region = pool.group(1);
        if (region.startsWith("cn-")) {
            throw new IllegalArgumentException("cognitoUserPoolId: pools in the China regions are served from"
                    + " another domain; set jwtJwksUrl, jwtIssuer and jwtAudience instead");
        }
        if (clientIds == null || clientIds.isEmpty()) {
            throw new IllegalArgumentException("cognitoClientIds must name at least one app client of pool "
                    + userPoolId + ": the pool's other app clients must not get in");
        }
        for (String id : clientIds) {
            if (id == null || !COGNITO_CLIENT_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("cognitoClientIds: '" + id + "' is not an app client id"
                        + " (letters, digits, '_' and '+')");
            }
        }
        String issuer = "https://cognito-idp." + region + ".amazonaws.com/" + userPoolId;
        return jwks(URI.create(issuer + "/.well-known/jwks.json"))
                .withIssuer(issuer)
                .withClientIds(clientIds)
                .withTokenUse("access");
    }

    /** Whether {@code value} is a {@code token_use} Cognito issues: {@code access} or {@code id}. */
    static boolean isCognitoTokenUse(String value) {
        return COGNITO_TOKEN_USES.contains(value);
    }

    /** HS256 with the key held by an existing Secrets Manager secret. */
    public static AuthSettings secret(String secretArn) {
        return new AuthSettings(true, Optional.empty(), Optional.of(secretArn), Optional.empty(), Optional.empty(),
                Set.of(), Optional.empty(), Optional.empty(), TokenSource.HEADER_OR_QUERY);
    }

    /** No authentication: for throwaway development stacks only. */
    public static AuthSettings off() {
        return new AuthSettings(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Set.of(), Optional.empty(), Optional.empty(), TokenSource.HEADER_OR_QUERY);
    }

    private AuthSettings withJwksUrl(URI value) {
        return new AuthSettings(enabled, Optional.of(value), secretArn, issuer, audience, clientIds, tokenUse, claims,
                tokenSource);
    }

    public AuthSettings withIssuer(String value) {
        return new AuthSettings(enabled, jwksUrl, secretArn, Optional.of(value), audience, clientIds, tokenUse,
                claims, tokenSource);
    }

    public AuthSettings withAudience(String value) {
        return new AuthSettings(enabled, jwksUrl, secretArn, issuer, Optional.of(value), clientIds, tokenUse, claims,
                tokenSource);
    }

    public AuthSettings withClientIds(Set<String> value) {
        return new AuthSettings(enabled, jwksUrl, secretArn, issuer, audience, value, tokenUse, claims, tokenSource);
    }

    public AuthSettings withTokenUse(String value) {
        return new AuthSettings(enabled, jwksUrl, secretArn, issuer, audience, clientIds, Optional.of(value), claims,
                tokenSource);
    }

    /** Capabilities in these two claims instead of {@code rooms} and {@code direct}. */
    public AuthSettings withClaims(String rooms, String direct) {
        return new AuthSettings(enabled, jwksUrl, secretArn, issuer, audience, clientIds, tokenUse,
                Optional.of(new ClaimNames(rooms, direct)), tokenSource);
    }

    public AuthSettings withTokenSource(TokenSource value) {
        return new AuthSettings(enabled, jwksUrl, secretArn, issuer, audience, clientIds, tokenUse, claims, value);
    }

    /** True when the stack must create the HS256 secret itself. */
    public boolean generatesSecret() {
        return enabled && jwksUrl.isEmpty() && secretArn.isEmpty();
    }

    /**
     * Whether tokens are tied to this application: always with an HS256 key of its own, and with a JWKS URL only
     * when the issuer is named and the token's audience or client must be this application's. The functions refuse
     * to start otherwise, so the stack refuses to synthesize.
     */
    public boolean bindsToOneApplication() {
        return jwksUrl.isEmpty() || issuer.isPresent() && (audience.isPresent() || !clientIds.isEmpty());
    }

    /**
     * The environment that makes a function verify tokens as these settings say: the authorizer's, and the same for
     * every other function that verifies tokens.
     *
     * @param keySecretArn the ARN of the HS256 key's secret (the existing one, or the one the stack generated), when
     *                     tokens are signed with a shared key
     */
    public Map<String, String> environment(Optional<String> keySecretArn) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(EnvNames.AUTH_MODE, enabled ? "jwt" : "off");
        jwksUrl.ifPresent(url -> environment.put(EnvNames.JWT_JWKS_URL, url.toString()));
        keySecretArn.ifPresent(arn -> environment.put(EnvNames.JWT_SECRET_ARN, arn));
        issuer.ifPresent(value -> environment.put(EnvNames.JWT_ISSUER, value));
        audience.ifPresent(value -> environment.put(EnvNames.JWT_AUDIENCE, value));
        if (!clientIds.isEmpty()) {
            environment.put(EnvNames.JWT_CLIENT_IDS, String.join(",", new TreeSet<>(clientIds)));
        }
        tokenUse.ifPresent(value -> environment.put(EnvNames.JWT_TOKEN_USE, value));
        claims.ifPresent(names -> {
            environment.put(EnvNames.CAPABILITY_CLAIM, names.rooms());
            environment.put(EnvNames.DIRECT_CLAIM, names.direct());
        });
        return environment;
    }

    private static void requireText(String what, String value) {
        if (value.isBlank() || !value.equals(value.strip())) {
            throw new IllegalArgumentException(what + " must not be blank or padded with spaces, was '" + value
                    + "'");
        }
    }
}
