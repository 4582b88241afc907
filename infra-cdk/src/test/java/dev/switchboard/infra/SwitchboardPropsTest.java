package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.services.logs.RetentionDays;

class SwitchboardPropsTest {

    @TempDir
    Path repo;

    private Path jar;

    @BeforeEach
    void aBuiltRepository() throws IOException {
        Path target = Files.createDirectories(repo.resolve("functions").resolve("target"));
        jar = Files.writeString(target.resolve("switchboard-functions-" + SwitchboardProps.buildVersion()
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
                "authMode", "off", "roomShards", 8, "fanoutEnabled", true, "fanoutMaxConcurrency", 2));
        assertThat(props.memorySize()).isEqualTo(512);
        assertThat(props.deletionProtection()).isFalse();
        assertThat(props.auth().enabled()).isFalse();
        assertThat(props.roomShards()).isEqualTo(8);
        assertThat(props.fanoutEnabled()).isTrue();
        assertThat(props.fanoutMaxConcurrency()).isEqualTo(2);
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
        assertThatThrownBy(() -> fromContext(Map.of("jwtJwksUrl", "http://issuer.example/jwks.json")))
                .hasMessageContaining("https");
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
