package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Quotas;
import dev.switchboard.core.RoomPolicy;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.services.logs.RetentionDays;

class SwitchboardPropsTest {

    @TempDir
    Path repo;

    private Path jar;

    @BeforeEach
    void aBuiltRepository() throws IOException {
        Path target = Files.createDirectories(repo.resolve("functions").resolve("target"));
        jar = Files.writeString(target.resolve("switchboard-functions-" + FunctionsJar.buildVersion()
                + "-lambda.jar"), "jar");
        Files.createDirectories(repo.resolve("infra-cdk"));
    }

    private SwitchboardProps fromContext(Map<String, Object> context) {
        return SwitchboardProps.fromContext(context::get, repo.resolve("infra-cdk"));
    }

    @Test
    void withoutContextTheDefaultsAreSafeForProduction() {
        SwitchboardProps props = fromContext(Map.of());
        assertThat(props.stackName()).isEqualTo("Switchboard");
        assertThat(props.stageName()).isEqualTo("prod");
        assertThat(props.functionsJar()).isEqualTo(jar.toAbsolutePath().normalize());
        assertThat(props.memorySize()).isEqualTo(1024);
        assertThat(props.dataRemoval()).isEqualTo(SwitchboardProps.DataRemoval.RETAIN);
        assertThat(props.deletionProtection()).isTrue();
        assertThat(props.auth().enabled()).isTrue();
        assertThat(props.auth().generatesSecret()).isTrue();
        assertThat(props.auth().tokenSource()).isEqualTo(AuthSettings.TokenSource.HEADER_OR_QUERY);
        assertThat(props.logRetention()).isEqualTo(RetentionDays.ONE_MONTH);
        assertThat(props.alarmEmail()).isEmpty();
        assertThat(props.tracing()).isFalse();
        assertThat(props.roomShards()).isEqualTo(1);
        assertThat(props.fanoutEnabled()).isTrue();
        assertThat(props.fanoutThreshold()).isEqualTo(2000);
        assertThat(props.fanoutMaxConcurrency()).isEqualTo(20);
        assertThat(props.policy()).isEqualTo(RoomPolicy.claims());
        assertThat(props.allowUnauthenticatedProduction()).isFalse();
        assertThat(props.allowOpenPolicyProduction()).isFalse();
        assertThat(props.auth().claims()).isEmpty();
    }

    @Test
    void theFunctionsJarIsFoundFromTheRepositoryRootToo() {
        assertThat(SwitchboardProps.builder().workingDir(repo).build().functionsJar())
                .isEqualTo(jar.toAbsolutePath().normalize());
    }

    @Test
    void contextValuesFromTheCommandLineAreParsed() {
        Map<String, Object> context = new HashMap<>();
        context.put("stackName", "SwitchboardDev");
        context.put("stageName", "dev");
        context.put("memorySize", "2048");
        context.put("throttlingRateLimit", "25.5");
        context.put("throttlingBurstLimit", "50");
        context.put("jwtJwksUrl", "https://cognito-idp.eu-west-1.amazonaws.com/pool/.well-known/jwks.json");
        context.put("jwtIssuer", "https://cognito-idp.eu-west-1.amazonaws.com/pool");
        context.put("jwtAudience", "client-id");
        context.put("tokenSource", "query");
        context.put("logRetentionDays", "14");
        context.put("removalPolicy", "destroy");
        context.put("tracing", "true");
        context.put("alarmEmail", "oncall@example.com");
        context.put("apiGatewayLoggingRole", "false");
        context.put("roomShards", "16");
        context.put("fanoutEnabled", "false");
        context.put("fanoutThreshold", "500");
        context.put("fanoutMaxConcurrency", "100");

        SwitchboardProps props = fromContext(context);

        assertThat(props.stackName()).isEqualTo("SwitchboardDev");
        assertThat(props.stageName()).isEqualTo("dev");
        assertThat(props.memorySize()).isEqualTo(2048);
        assertThat(props.throttlingRateLimit()).isEqualTo(25.5);
        assertThat(props.throttlingBurstLimit()).isEqualTo(50);
        assertThat(props.auth().jwksUrl()).contains(
                URI.create("https://cognito-idp.eu-west-1.amazonaws.com/pool/.well-known/jwks.json"));
        assertThat(props.auth().issuer()).contains("https://cognito-idp.eu-west-1.amazonaws.com/pool");
        assertThat(props.auth().audience()).contains("client-id");
        assertThat(props.auth().tokenSource()).isEqualTo(AuthSettings.TokenSource.QUERY);
        assertThat(props.logRetention()).isEqualTo(RetentionDays.TWO_WEEKS);
        assertThat(props.dataRemoval()).isEqualTo(SwitchboardProps.DataRemoval.DESTROY);
        // Destroying data implies no deletion protection, or `cdk destroy` would fail on the table.
        assertThat(props.deletionProtection()).isFalse();
        assertThat(props.tracing()).isTrue();
        assertThat(props.alarmEmail()).contains("oncall@example.com");
        assertThat(props.apiGatewayLoggingRole()).isFalse();
        assertThat(props.roomShards()).isEqualTo(16);
        assertThat(props.fanoutEnabled()).isFalse();
        assertThat(props.fanoutThreshold()).isEqualTo(500);
        assertThat(props.fanoutMaxConcurrency()).isEqualTo(100);
    }

    @Test
    void jsonValuesFromCdkJsonAreAcceptedAsWell() {
        SwitchboardProps props = fromContext(Map.of("memorySize", 512, "deletionProtection", false,
                "authMode", "off", "policy", "open", "allowUnauthenticatedProduction", true,
                "allowOpenPolicyProduction", true, "roomShards", 8, "fanoutEnabled", true, "fanoutMaxConcurrency", 2));
        assertThat(props.memorySize()).isEqualTo(512);
        assertThat(props.deletionProtection()).isFalse();
        assertThat(props.auth().enabled()).isFalse();
        assertThat(props.allowUnauthenticatedProduction()).isTrue();
        assertThat(props.roomShards()).isEqualTo(8);
        assertThat(props.fanoutEnabled()).isTrue();
        assertThat(props.fanoutMaxConcurrency()).isEqualTo(2);
    }

    @Test
    void limitsAndPublishersFromContext() {
        SwitchboardProps defaults = fromContext(Map.of());
        assertThat(defaults.quotas()).isEqualTo(Quotas.defaults());
        assertThat(defaults.maxPostsPerSecond()).isEqualTo(SwitchboardProps.DEFAULT_MAX_POSTS_PER_SECOND);
        assertThat(defaults.publishers()).isEmpty();

        SwitchboardProps props = fromContext(Map.of("frameRate", "5", "frameBurst", 15, "connectionsPerUser", "3",
                "presencePostsPerDisconnect", "0", "maxPostsPerSecond", "750",
                "publishers", List.of("arn:aws:iam::123456789012:role/orders/OrderService", "210987654321")));
        assertThat(props.quotas()).isEqualTo(new Quotas(5, 15, 3, 0));
        assertThat(props.maxPostsPerSecond()).isEqualTo(750);
        assertThat(props.publishers()).containsExactly("arn:aws:iam::123456789012:role/orders/OrderService",
                "210987654321");
    }

    @Test
    void limitsThatCannotWorkAndPublishersThatAreNotOnePrincipalAreRefused() {
        assertThatThrownBy(() -> fromContext(Map.of("frameRate", "50", "frameBurst", "10")))
                .hasMessageContaining("frameRate").hasMessageContaining("burst at least the rate");
        assertThatThrownBy(() -> fromContext(Map.of("connectionsPerUser", "0")))
                .hasMessageContaining("connectionsPerUser must be at least 1");
        assertThatThrownBy(() -> fromContext(Map.of("maxPostsPerSecond", "0")))
                .hasMessageContaining("maxPostsPerSecond must be at least 1");
        for (String wide : List.of("*", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:root",
                "arn:aws:sts::123456789012:assumed-role/OrderService/session", "12345678901",
                "arn:aws:iam::123456789012:group/admins")) {
            assertThatThrownBy(() -> fromContext(Map.of("publishers", wide)))
                    .as(wide).hasMessageContaining("publishers: '" + wide + "'");
        }
    }

    @Test
    void anExistingSecretMustBeNamedByItsCompleteArn() {
        String arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:switchboard/jwt-AbC123";
        assertThat(fromContext(Map.of("jwtSecretArn", arn)).auth().secretArn()).contains(arn);
        assertThatThrownBy(() -> fromContext(Map.of("jwtSecretArn",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:jwt")))
                .hasMessageContaining("complete ARN");
    }

    @Test
    void badValuesAreRejectedWithTheKeyAndTheValue() {
        assertThatThrownBy(() -> fromContext(Map.of("memorySize", "lots")))
                .hasMessage("memorySize must be a whole number, was 'lots'");
        assertThatThrownBy(() -> fromContext(Map.of("memorySize", "64")))
                .hasMessageContaining("memorySize must be between 128 and 10240 MB");
        assertThatThrownBy(() -> fromContext(Map.of("removalPolicy", "snapshot")))
                .hasMessageContaining("'retain' or 'destroy'");
        assertThatThrownBy(() -> fromContext(Map.of("logRetentionDays", "10")))
                .hasMessageContaining("logRetentionDays must be one of").hasMessageContaining("14");
        assertThatThrownBy(() -> fromContext(Map.of("stageName", "my stage")))
                .hasMessageContaining("stageName");
        assertThatThrownBy(() -> fromContext(Map.of("authMode", "basic")))
                .hasMessageContaining("'jwt' or 'off'");
        assertThatThrownBy(() -> fromContext(Map.of("tracing", "yes")))
                .hasMessage("tracing must be true or false, was 'yes'");
        assertThatThrownBy(() -> fromContext(Map.of("alarmEmail", "oncall")))
                .hasMessageContaining("alarmEmail");
        assertThatThrownBy(() -> fromContext(Map.of("tokenSource", "cookie")))
                .hasMessageContaining("'header-or-query', 'query' or 'header'");
    }

    @Test
    void shardAndFanoutSettingsOutsideWhatTheFunctionsAndLambdaAcceptAreRejected() {
        assertThat(fromContext(Map.of("roomShards", "64", "fanoutThreshold", "1", "fanoutMaxConcurrency", "1000")))
                .satisfies(props -> {
                    assertThat(props.roomShards()).isEqualTo(64);
                    assertThat(props.fanoutThreshold()).isEqualTo(1);
                    assertThat(props.fanoutMaxConcurrency()).isEqualTo(1000);
                });
        assertThatThrownBy(() -> fromContext(Map.of("roomShards", "0")))
                .hasMessage("roomShards must be between 1 and 64, was 0");
        assertThatThrownBy(() -> fromContext(Map.of("roomShards", "65")))
                .hasMessage("roomShards must be between 1 and 64, was 65");
        assertThatThrownBy(() -> fromContext(Map.of("roomShards", "four")))
                .hasMessage("roomShards must be a whole number, was 'four'");
        assertThatThrownBy(() -> fromContext(Map.of("fanoutThreshold", "0")))
                .hasMessage("fanoutThreshold must be at least 1 member, was 0");
        assertThatThrownBy(() -> fromContext(Map.of("fanoutMaxConcurrency", "1")))
                .hasMessageContaining("fanoutMaxConcurrency must be between 2 and 1000");
        assertThatThrownBy(() -> fromContext(Map.of("fanoutMaxConcurrency", "1001")))
                .hasMessageContaining("was 1001");
        assertThatThrownBy(() -> fromContext(Map.of("fanoutEnabled", "on")))
                .hasMessage("fanoutEnabled must be true or false, was 'on'");
    }

    @Test
    void contradictoryAuthSettingsAreRejected() {
        assertThatThrownBy(() -> fromContext(Map.of(
                "jwtJwksUrl", "https://issuer.example/jwks.json",
                "jwtSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:jwt-AbC123")))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> fromContext(Map.of("authMode", "off", "jwtIssuer", "https://issuer.example")))
                .hasMessageContaining("authMode=off cannot be combined with jwtIssuer");
        assertThatThrownBy(() -> fromContext(Map.of("jwtJwksUrl", "http://issuer.example/jwks.json",
                "jwtIssuer", "https://issuer.example", "jwtAudience", "switchboard")))
                .hasMessageContaining("https");
        assertThatThrownBy(() -> fromContext(Map.of("authMode", "off", "stageName", "dev",
                "cognitoUserPoolId", "eu-west-1_AbCdEf123")))
                .hasMessage("authMode=off cannot be combined with cognitoUserPoolId");
        assertThatThrownBy(() -> fromContext(Map.of("authMode", "off", "stageName", "dev",
                "capabilityClaim", "r", "directClaim", "d")))
                .hasMessage("authMode=off cannot be combined with capabilityClaim");
    }

    @ParameterizedTest
    @CsvSource({
            // stage, authMode, policy, allowUnauthenticatedProduction, allowOpenPolicyProduction, refused because
            "prod,       off, claims, false, false, authMode=off",
            "prod,       jwt, open,   false, false, policy=open",
            "prod,       off, open,   true,  false, policy=open",
            "prod,       off, open,   false, true,  authMode=off",
            "staging,    off, claims, false, false, authMode=off",
            "develop,    jwt, open,   false, false, policy=open",
            "devtools,   off, claims, false, false, authMode=off",
            "prod-dev,   jwt, open,   false, false, policy=open",
            "dev_alice,  off, claims, false, false, authMode=off",
            "testing,    jwt, open,   false, false, policy=open",
            "localhost,  off, claims, false, false, authMode=off"})
    void anOpenStackOnAStageThatIsNotForDevelopmentIsRefusedUnlessItsRiskIsAccepted(
            String stage, String authMode, String policy, boolean allowUnauthenticated, boolean allowOpenPolicy,
            String refused) {
        Map<String, Object> context = Map.of("stageName", stage, "authMode", authMode, "policy", policy,
                "allowUnauthenticatedProduction", Boolean.toString(allowUnauthenticated),
                "allowOpenPolicyProduction", Boolean.toString(allowOpenPolicy));
        String flag = refused.startsWith("authMode") ? "allowUnauthenticatedProduction=true"
                : "allowOpenPolicyProduction=true";
        assertThatThrownBy(() -> fromContext(context))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(refused + " lets ")
                .hasMessageContaining("stage '" + stage + "' is not a development stage")
                .hasMessageContaining(flag + " to accept the risk");
    }

    @ParameterizedTest
    @CsvSource({
            // stage, authMode, policy, allowUnauthenticatedProduction, allowOpenPolicyProduction
            "dev,        off, open,   false, false",
            "test,       off, open,   false, false",
            "local,      off, open,   false, false",
            "dev-alice,  jwt, open,   false, false",
            "test-pr-42, off, open,   false, false",
            "DEV,        off, open,   false, false",
            "Test-Bob,   jwt, open,   false, false",
            "prod,       jwt, open,   false, true",
            "prod,       off, open,   true,  true",
            "prod,       jwt, claims, false, false"})
    void anOpenStackIsAllowedOnADevelopmentStageOrWithItsRiskAccepted(
            String stage, String authMode, String policy, boolean allowUnauthenticated, boolean allowOpenPolicy) {
        SwitchboardProps props = fromContext(Map.of("stageName", stage, "authMode", authMode, "policy", policy,
                "allowUnauthenticatedProduction", Boolean.toString(allowUnauthenticated),
                "allowOpenPolicyProduction", Boolean.toString(allowOpenPolicy)));
        assertThat(props.auth().enabled()).isEqualTo(authMode.equals("jwt"));
        assertThat(props.policy().mode()).isEqualTo(policy);
    }

    @Test
    void theProductionGuardHoldsForPropsBuiltInCodeToo() {
        assertThatThrownBy(() -> SwitchboardProps.builder().functionsJar(jar).auth(AuthSettings.off()).build())
                .hasMessageContaining("allowUnauthenticatedProduction=true");
        assertThatThrownBy(() -> SwitchboardProps.builder().functionsJar(jar).policy(RoomPolicy.open()).build())
                .hasMessageContaining("allowOpenPolicyProduction=true");
        assertThat(SwitchboardProps.builder().functionsJar(jar).stageName("test-7").auth(AuthSettings.off())
                .policy(RoomPolicy.open()).build().stageName()).isEqualTo("test-7");
    }

    @Test
    void authenticationOffNeedsTheOpenPolicySinceNoTokenGrantsAnything() {
        assertThatThrownBy(() -> fromContext(Map.of("stageName", "dev", "authMode", "off")))
                .hasMessage("authMode=off leaves no token to grant rooms, so policy=claims would refuse every room:"
                        + " set policy=open too");
    }

    @Test
    void aPolicyIsClaimsOrOpen() {
        assertThat(fromContext(Map.of("policy", "CLAIMS")).policy()).isEqualTo(RoomPolicy.claims());
        assertThatThrownBy(() -> fromContext(Map.of("policy", "everyone")))
                .hasMessage("policy must be 'claims' or 'open', was 'everyone'");
        assertThatThrownBy(() -> fromContext(Map.of("allowOpenPolicyProduction", "yes")))
                .hasMessage("allowOpenPolicyProduction must be true or false, was 'yes'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jwtIssuer", "jwtAudience", "neither"})
    void aJwksUrlWithoutAnIssuerAndAnAudienceIsRefused(String only) {
        Map<String, Object> context = new HashMap<>(Map.of("jwtJwksUrl", "https://issuer.example/jwks.json"));
        if (!only.equals("neither")) {
            context.put(only, only.equals("jwtIssuer") ? "https://issuer.example" : "switchboard");
        }
        assertThatThrownBy(() -> fromContext(context))
                .hasMessageStartingWith("with jwtJwksUrl set jwtIssuer and jwtAudience too (or use the Cognito"
                        + " preset: cognitoUserPoolId and cognitoClientIds)")
                .hasMessageContaining("other applications");
        assertThatThrownBy(() -> SwitchboardProps.builder().functionsJar(jar)
                .auth(AuthSettings.jwks(URI.create("https://issuer.example/jwks.json"))
                        .withClientIds(Set.of("app")))
                .build())
                .hasMessageContaining("set jwtIssuer");
        assertThat(SwitchboardProps.builder().functionsJar(jar)
                .auth(AuthSettings.jwks(URI.create("https://issuer.example/jwks.json"))
                        .withIssuer("https://issuer.example").withClientIds(Set.of("app")))
                .build().auth().clientIds()).containsExactly("app");
    }

    @Test
    void theCognitoPresetFromContext() {
        SwitchboardProps props = fromContext(Map.of("cognitoUserPoolId", "eu-central-1_Q1w2E3r4",
                "cognitoClientIds", "abc123, def456"));
        assertThat(props.auth().jwksUrl()).contains(URI.create(
                "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Q1w2E3r4/.well-known/jwks.json"));
        assertThat(props.auth().issuer())
                .contains("https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Q1w2E3r4");
        assertThat(props.auth().clientIds()).containsExactlyInAnyOrder("abc123", "def456");
        assertThat(props.auth().tokenUse()).contains("access");
        assertThat(props.auth().audience()).isEmpty();

        // From cdk.json, the client ids may be a list; ID tokens instead of access tokens.
        SwitchboardProps idTokens = fromContext(Map.of("cognitoUserPoolId", "us-west-2_a1B2c3",
                "cognitoClientIds", List.of("abc123"), "cognitoTokenUse", "id"));
        assertThat(idTokens.auth().clientIds()).containsExactly("abc123");
        assertThat(idTokens.auth().tokenUse()).contains("id");
    }

    @Test
    void cognitoSettingsThatCannotWorkAreRefused() {
        assertThatThrownBy(() -> fromContext(Map.of("cognitoUserPoolId", "eu-west-1_AbC")))
                .hasMessageContaining("cognitoClientIds must name at least one app client of pool eu-west-1_AbC");
        assertThatThrownBy(() -> fromContext(Map.of("cognitoUserPoolId", "eu-west-1_AbC", "cognitoClientIds", "a,,b")))
                .hasMessageContaining("'' is not an app client id");
        assertThatThrownBy(() -> fromContext(Map.of("cognitoUserPoolId", "eu-west-1_AbC", "cognitoClientIds", "a",
                "cognitoTokenUse", "refresh")))
                .hasMessage("cognitoTokenUse must be 'access' or 'id', was 'refresh'");
        assertThatThrownBy(() -> fromContext(Map.of("cognitoUserPoolId", "eu-west-1_AbC", "cognitoClientIds", "a",
                "jwtAudience", "a")))
                .hasMessageContaining("cannot be combined with jwtAudience");
        assertThatThrownBy(() -> fromContext(Map.of("cognitoUserPoolId", "eu-west-1_AbC", "cognitoClientIds", "a",
                "jwtJwksUrl", "https://issuer.example/jwks.json")))
                .hasMessageContaining("cannot be combined with jwtJwksUrl");
        assertThatThrownBy(() -> fromContext(Map.of("cognitoClientIds", "a")))
                .hasMessage("cognitoClientIds needs cognitoUserPoolId");
        assertThatThrownBy(() -> fromContext(Map.of("cognitoTokenUse", "id")))
                .hasMessage("cognitoTokenUse needs cognitoUserPoolId");
    }

    @ParameterizedTest
    @ValueSource(strings = {"AbCdEf123", "eu-west-1", "eu-west-1_", "_AbC", "eu-west-1_Ab-C", "eu-west-1:AbC",
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC", "EU-WEST-1_AbC"})
    void aUserPoolIdThatIsNotOneIsRefused(String poolId) {
        assertThatThrownBy(() -> fromContext(Map.of("cognitoUserPoolId", poolId, "cognitoClientIds", "a")))
                .hasMessage("cognitoUserPoolId must be a user pool id such as 'eu-west-1_AbCdEf123' (its region, '_',"
                        + " letters and digits), was '" + poolId + "'");
    }

    @Test
    void capabilityClaimNamesAreSetTogetherAndDiffer() {
        SwitchboardProps props = fromContext(Map.of("capabilityClaim", "https://example.com/rooms",
                "directClaim", "https://example.com/direct"));
        assertThat(props.auth().claims()).contains(new AuthSettings.ClaimNames("https://example.com/rooms",
                "https://example.com/direct"));
        assertThatThrownBy(() -> fromContext(Map.of("capabilityClaim", "custom:rooms")))
                .hasMessage("set capabilityClaim and directClaim together (the defaults are 'rooms' and 'direct')");
        assertThatThrownBy(() -> fromContext(Map.of("capabilityClaim", "caps", "directClaim", "caps")))
                .hasMessageContaining("two different claims");
        assertThatThrownBy(() -> fromContext(Map.of("capabilityClaim", "sub", "directClaim", "direct")))
                .hasMessageContaining("capabilityClaim cannot be 'sub'");
        assertThatThrownBy(() -> fromContext(Map.of("capabilityClaim", "my rooms", "directClaim", "direct")))
                .hasMessageContaining("capabilityClaim must be 1-256 printable characters without spaces");
    }

    @Test
    void aMissingFunctionsJarSaysHowToBuildIt() throws IOException {
        Files.delete(jar);
        assertThatThrownBy(() -> fromContext(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("functions jar not found")
                .hasMessageContaining("./mvnw -DskipTests install");
        assertThatThrownBy(() -> SwitchboardProps.builder().functionsJar(repo.resolve("nope.jar")).build())
                .hasMessageContaining("nope.jar");
    }

    @Test
    void aFunctionsJarGivenInContextIsResolvedFromTheWorkingDirectory() throws IOException {
        Path other = Files.writeString(repo.resolve("other.jar"), "jar");
        assertThat(fromContext(Map.of("functionsJar", "../other.jar")).functionsJar())
                .isEqualTo(other.toAbsolutePath().normalize());
    }
}
