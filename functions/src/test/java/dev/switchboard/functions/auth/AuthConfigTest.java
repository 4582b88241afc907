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
}
