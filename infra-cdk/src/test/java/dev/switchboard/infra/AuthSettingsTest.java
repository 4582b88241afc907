package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.EnvNames;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthSettingsTest {

    @Test
    void theCognitoPresetNamesThePoolsKeysIssuerClientsAndAccessTokens() {
        AuthSettings cognito = AuthSettings.cognito("ap-southeast-2_Xy1Z2", Set.of("client+b", "client_a"));

        assertThat(cognito.environment(Optional.empty())).isEqualTo(Map.of(
                EnvNames.AUTH_MODE, "jwt",
                EnvNames.JWT_JWKS_URL,
                "https://cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_Xy1Z2/.well-known/jwks.json",
                EnvNames.JWT_ISSUER, "https://cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_Xy1Z2",
                EnvNames.JWT_CLIENT_IDS, "client+b,client_a",
                EnvNames.JWT_TOKEN_USE, "access"));
        assertThat(cognito.bindsToOneApplication()).isTrue();
        assertThat(cognito.generatesSecret()).isFalse();
        assertThat(cognito.withTokenUse("id").environment(Optional.empty()))
                .containsEntry(EnvNames.JWT_TOKEN_USE, "id");
    }

    @Test
    void aGovCloudPoolIsNamedByItsOwnRegion() {
        assertThat(AuthSettings.cognito("us-gov-west-1_AbC", Set.of("a")).issuer())
                .contains("https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_AbC");
    }

    @Test
    void poolsOutsideTheAmazonawsComDomainAreLeftToTheGenericSettings() {
        assertThatThrownBy(() -> AuthSettings.cognito("cn-north-1_AbC", Set.of("a")))
                .hasMessageContaining("set jwtJwksUrl, jwtIssuer and jwtAudience instead");
    }

    @Test
    void aPoolIdLongerThanCognitoAllowsIsRefused() {
        assertThatThrownBy(() -> AuthSettings.cognito("eu-west-1_" + "a".repeat(46), Set.of("a")))
                .hasMessageContaining("cognitoUserPoolId must be a user pool id");
        assertThat(AuthSettings.cognito("eu-west-1_" + "a".repeat(45), Set.of("a")).enabled()).isTrue();
    }

    @Test
    void theSharedKeysSecretAndTheClaimNamesAreTheVerifiersToo() {
        AuthSettings auth = AuthSettings.generatedSecret().withIssuer("https://tokens.example")
                .withAudience("switchboard").withClaims("caps", "dm");
        assertThat(auth.environment(Optional.of("arn:aws:secretsmanager:eu-west-1:123456789012:secret:k-AbC123")))
                .isEqualTo(Map.of(
                        EnvNames.AUTH_MODE, "jwt",
                        EnvNames.JWT_SECRET_ARN, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:k-AbC123",
                        EnvNames.JWT_ISSUER, "https://tokens.example",
                        EnvNames.JWT_AUDIENCE, "switchboard",
                        EnvNames.CAPABILITY_CLAIM, "caps",
                        EnvNames.DIRECT_CLAIM, "dm"));
        // An HS256 key is this application's own: no issuer or audience needed.
        assertThat(AuthSettings.generatedSecret().bindsToOneApplication()).isTrue();
    }

    @Test
    void authenticationOffHasNoTokenSettings() {
        assertThat(AuthSettings.off().environment(Optional.empty())).isEqualTo(Map.of(EnvNames.AUTH_MODE, "off"));
        assertThatThrownBy(() -> AuthSettings.off().withClientIds(Set.of("a")))
                .hasMessage("authMode=off cannot be combined with a token setting");
        assertThatThrownBy(() -> AuthSettings.off().withClaims("a", "b"))
                .hasMessage("authMode=off cannot be combined with a token setting");
    }

    @Test
    void clientIdsTheFunctionsCouldNotReadBackAreRefused() {
        AuthSettings jwks = AuthSettings.jwks(URI.create("https://issuer.example/jwks.json"))
                .withIssuer("https://issuer.example");
        assertThatThrownBy(() -> jwks.withClientIds(Set.of("a,b")))
                .hasMessageContaining("without commas or spaces, was 'a,b'");
        assertThatThrownBy(() -> jwks.withIssuer(" https://issuer.example"))
                .hasMessageContaining("jwtIssuer must not be blank or padded");
    }
}
