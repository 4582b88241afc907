package dev.switchboard.functions.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.EnvNames;
import dev.switchboard.functions.config.ConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthConfigTest {

    @Test
    void authIsOnByDefault() {
        AuthConfig config = AuthConfig.from(Map.of(EnvNames.JWT_SECRET, Tokens.SECRET));
        assertThat(config.enabled()).isTrue();
        assertThat(config.secret()).contains(Tokens.SECRET);
    }

    @Test
    void authIsOffOnlyWhenAskedExplicitly() {
        assertThat(AuthConfig.from(Map.of(EnvNames.AUTH_MODE, "OFF")).enabled()).isFalse();
        assertThatThrownBy(() -> AuthConfig.from(Map.of(EnvNames.AUTH_MODE, "false")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'jwt' or 'off'");
        assertThatThrownBy(() -> AuthConfig.from(Map.of(EnvNames.AUTH_MODE, "disabled")))
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void jwtModeWithoutAKeyRefusesToStart() {
        assertThatThrownBy(() -> AuthConfig.from(Map.of())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(EnvNames.JWT_SECRET);
    }

    @Test
    void secretAndJwksTogetherAreAmbiguous() {
        assertThatThrownBy(() -> AuthConfig.from(Map.of(EnvNames.JWT_SECRET, Tokens.SECRET, EnvNames.JWT_JWKS_URL,
                "https://example.com/jwks.json"))).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void secretByArnIsReadThroughTheSecretSource() throws Exception {
        AuthConfig config = AuthConfig.from(Map.of(EnvNames.JWT_SECRET_ARN, "arn:aws:secretsmanager:x:1:secret:jwt",
                EnvNames.JWT_AUDIENCE, Tokens.AUDIENCE));
        JwtVerifier verifier = JwtVerifier.from(config, arn -> {
            assertThat(arn).isEqualTo("arn:aws:secretsmanager:x:1:secret:jwt");
            return Tokens.SECRET;
        });

        assertThat(verifier.verify(Tokens.hs256(Tokens.claims("carol").build())).userId()).isEqualTo("carol");
    }

    @Test
    void aJwksUrlNeedsAnIssuerAndAnAudienceOrClientIdsAndHttps() {
        String jwks = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc/.well-known/jwks.json";
        String issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc";
        assertThatThrownBy(() -> AuthConfig.from(Map.of(EnvNames.JWT_JWKS_URL, jwks)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(EnvNames.JWT_ISSUER);
        assertThatThrownBy(() -> AuthConfig.from(Map.of(EnvNames.JWT_JWKS_URL, jwks, EnvNames.JWT_ISSUER, issuer)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(EnvNames.JWT_CLIENT_IDS);
        assertThatThrownBy(() -> AuthConfig.from(Map.of(EnvNames.JWT_JWKS_URL, "http://keys.example.com/jwks.json",
                EnvNames.JWT_ISSUER, issuer, EnvNames.JWT_AUDIENCE, "app")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("https");

        AuthConfig cognito = AuthConfig.from(Map.of(EnvNames.JWT_JWKS_URL, jwks, EnvNames.JWT_ISSUER, issuer,
                EnvNames.JWT_CLIENT_IDS, " app-1 , app-2 ", EnvNames.JWT_TOKEN_USE, "access"));
        assertThat(cognito.rules().clientIds()).containsExactlyInAnyOrder("app-1", "app-2");
        assertThat(cognito.rules().tokenUse()).contains("access");
        assertThat(AuthConfig.from(Map.of(EnvNames.JWT_JWKS_URL, "http://127.0.0.1:8080/jwks.json",
                EnvNames.JWT_ISSUER, issuer, EnvNames.JWT_AUDIENCE, "app")).jwksUrl()).isPresent();
    }

    @Test
    void theCapabilityClaimsAreNamedByTheEnvironment() {
        AuthConfig config = AuthConfig.from(Map.of(EnvNames.JWT_SECRET, Tokens.SECRET,
                EnvNames.CAPABILITY_CLAIM, "https://example.com/rooms", EnvNames.DIRECT_CLAIM, "dm"));

        assertThat(config.rules().roomsClaim()).isEqualTo("https://example.com/rooms");
        assertThat(config.rules().directClaim()).isEqualTo("dm");
        assertThatThrownBy(() -> AuthConfig.from(Map.of(EnvNames.JWT_SECRET, Tokens.SECRET,
                EnvNames.CAPABILITY_CLAIM, "x", EnvNames.DIRECT_CLAIM, "x")))
                .isInstanceOf(ConfigurationException.class);
    }
}
