package dev.switchboard.functions.auth;

import dev.switchboard.config.EnvNames;
import dev.switchboard.functions.config.ConfigurationException;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The authorizer's settings, read once per container from the environment.
 *
 * <pre>{@code
 * AuthConfig config = AuthConfig.from(System.getenv());
 * }</pre>
 *
 * @param enabled   false only when {@code SWITCHBOARD_AUTH_MODE=off} was set explicitly
 * @param secret    HS256 shared secret given directly
 * @param secretArn Secrets Manager secret holding the HS256 secret
 * @param jwksUrl   JWKS document for RS256/ES256 keys
 * @param rules     what a token must say (issuer, audience, client ids, {@code token_use}) and where its
 *                  capabilities are
 */
public record AuthConfig(boolean enabled, Optional<String> secret, Optional<String> secretArn,
                         Optional<URI> jwksUrl, TokenRules rules) {

    public AuthConfig {
        if (enabled && secret.isEmpty() && secretArn.isEmpty() && jwksUrl.isEmpty()) {
            throw new ConfigurationException("JWT auth is on but no key is configured: set "
                    + EnvNames.JWT_SECRET + ", " + EnvNames.JWT_SECRET_ARN + " or " + EnvNames.JWT_JWKS_URL
                    + " (or " + EnvNames.AUTH_MODE + "=off for local development only)");
        }
        if (secret.isPresent() && jwksUrl.isPresent() || secretArn.isPresent() && jwksUrl.isPresent()) {
            throw new ConfigurationException("configure either an HS256 secret or a JWKS URL, not both");
        }
        if (enabled && jwksUrl.isPresent() && !rules.bindsToOneApplication()) {
            throw new ConfigurationException("with " + EnvNames.JWT_JWKS_URL + " set " + EnvNames.JWT_ISSUER
                    + " and " + EnvNames.JWT_AUDIENCE + " or " + EnvNames.JWT_CLIENT_IDS
                    + ": the issuer also mints tokens for other applications, which must not get in");
        }
    }

    public static AuthConfig disabled() {
        return new AuthConfig(false, Optional.empty(), Optional.empty(), Optional.empty(), TokenRules.none());
    }

    public static AuthConfig from(Map<String, String> env) {
        String mode = value(env, EnvNames.AUTH_MODE).map(m -> m.toLowerCase(Locale.ROOT)).orElse("jwt");
        boolean enabled = switch (mode) {
            case "jwt" -> true;
            case "off" -> false;
            default -> throw new ConfigurationException(EnvNames.AUTH_MODE + " must be 'jwt' or 'off', was '"
                    + mode + "'");
        };
        Optional<URI> jwks = value(env, EnvNames.JWT_JWKS_URL).map(url -> {
            URI uri = URI.create(url);
            boolean loopback = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost())
                    || "[::1]".equals(uri.getHost());
            // Keys fetched in the clear could be swapped on the way; plain http only to this very machine.
            if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && loopback)) {
                throw new ConfigurationException(EnvNames.JWT_JWKS_URL + " must be an https URL");
            }
            return uri;
        });
        Set<String> clientIds = value(env, EnvNames.JWT_CLIENT_IDS)
                .map(ids -> Arrays.stream(ids.split(",")).map(String::trim).filter(id -> !id.isEmpty())
                        .collect(Collectors.toSet()))
                .orElse(Set.of());
        try {
            TokenRules rules = TokenRules.none()
                    .withIssuer(value(env, EnvNames.JWT_ISSUER))
                    .withAudience(value(env, EnvNames.JWT_AUDIENCE))
                    .withClientIds(clientIds)
                    .withClaims(value(env, EnvNames.CAPABILITY_CLAIM).orElse(TokenRules.DEFAULT_ROOMS_CLAIM),
                            value(env, EnvNames.DIRECT_CLAIM).orElse(TokenRules.DEFAULT_DIRECT_CLAIM));
            rules = value(env, EnvNames.JWT_TOKEN_USE).map(rules::withTokenUse).orElse(rules);
            return new AuthConfig(enabled, value(env, EnvNames.JWT_SECRET), value(env, EnvNames.JWT_SECRET_ARN),
                    jwks, rules);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }
}
