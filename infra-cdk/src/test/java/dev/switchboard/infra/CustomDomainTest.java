package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The API at the application's own host name: each way of giving the certificate synthesizes a TLS 1.2 regional
 * domain mapped to the stage, with the record when a zone is given and the custom URL as an output; each
 * combination that could not work is refused before anything is made, naming the keys to fix.
 */
class CustomDomainTest {

    private static final String DOMAIN_TYPE = "AWS::ApiGatewayV2::DomainName";

    private static Synthesized inZone;
    private static Synthesized withCertificate;
    private static Synthesized certificateAndZone;
    private static Synthesized withoutDomain;

    @TempDir
    Path repo;

    @BeforeAll
    static void synthesize() {
        inZone = Synthesized.of(Deployments.customDomainInZone());
        withCertificate = Synthesized.of(Deployments.customDomainWithCertificate());
        certificateAndZone = Synthesized.of(SwitchboardProps.builder().customDomain(CustomDomain
                .withCertificate(Deployments.DOMAIN, Deployments.CERTIFICATE_ARN)
                .withHostedZone(Deployments.ZONE_ID, Deployments.ZONE_NAME)).build());
        withoutDomain = Synthesized.of(Deployments.defaults());
    }

    @Test
    void aHostedZoneGetsADnsValidatedCertificateATls12DomainMappedToTheStageAndTheAliasRecord() {
        String certificate = onlyId(inZone, "AWS::CertificateManager::Certificate");
        inZone.template().hasResourceProperties("AWS::CertificateManager::Certificate", Map.of(
                "DomainName", Deployments.DOMAIN,
                "ValidationMethod", "DNS",
                "DomainValidationOptions", List.of(Map.of(
                        "DomainName", Deployments.DOMAIN, "HostedZoneId", Deployments.ZONE_ID))));
        String domain = onlyId(inZone, DOMAIN_TYPE);
        inZone.template().hasResourceProperties(DOMAIN_TYPE, Map.of(
                "DomainName", Deployments.DOMAIN,
                "DomainNameConfigurations", List.of(Map.of(
                        "CertificateArn", Map.of("Ref", certificate),
                        "EndpointType", "REGIONAL",
                        "SecurityPolicy", "TLS_1_2"))));
        assertMappedAtTheRoot(inZone, domain);
        inZone.template().resourceCountIs("AWS::Route53::RecordSet", 1);
        inZone.template().hasResourceProperties("AWS::Route53::RecordSet", Match.objectLike(Map.of(
                "Name", Deployments.DOMAIN + ".",
                "Type", "A",
                "HostedZoneId", Deployments.ZONE_ID,
                "AliasTarget", Map.of(
                        "DNSName", Map.of("Fn::GetAtt", List.of(domain, "RegionalDomainName")),
                        "HostedZoneId", Map.of("Fn::GetAtt", List.of(domain, "RegionalHostedZoneId"))))));
        assertThat(output(inZone, "CustomWebSocketUrl")).isEqualTo("wss://realtime.example.com");
        assertThat(inZone.template().findOutputs("CustomDomainTarget")).isEmpty();
        assertThat(inZone.stack().customWebSocketUrl()).contains("wss://realtime.example.com");
        assertThat(inZone.nagErrors()).isEmpty();
        assertThat(inZone.nagWarnings()).isEmpty();
    }

    @Test
    void anExistingCertificateIsUsedAsGivenAndTheRecordIsLeftToTheApplication() {
        withCertificate.template().resourceCountIs("AWS::CertificateManager::Certificate", 0);
        String domain = onlyId(withCertificate, DOMAIN_TYPE);
        withCertificate.template().hasResourceProperties(DOMAIN_TYPE, Map.of(
                "DomainName", Deployments.DOMAIN,
                "DomainNameConfigurations", List.of(Map.of(
                        "CertificateArn", Deployments.CERTIFICATE_ARN,
                        "EndpointType", "REGIONAL",
                        "SecurityPolicy", "TLS_1_2"))));
        assertMappedAtTheRoot(withCertificate, domain);
        withCertificate.template().resourceCountIs("AWS::Route53::RecordSet", 0);
        assertThat(output(withCertificate, "CustomWebSocketUrl")).isEqualTo("wss://realtime.example.com");
        // Where the application's own CNAME must point.
        assertThat(output(withCertificate, "CustomDomainTarget"))
                .isEqualTo(Map.of("Fn::GetAtt", List.of(domain, "RegionalDomainName")));
        assertThat(withCertificate.nagErrors()).isEmpty();
        assertThat(withCertificate.nagWarnings()).isEmpty();
    }

    @Test
    void anExistingCertificateWithAZoneGetsTheAliasRecordAndNoNewCertificate() {
        certificateAndZone.template().resourceCountIs("AWS::CertificateManager::Certificate", 0);
        certificateAndZone.template().hasResourceProperties(DOMAIN_TYPE, Match.objectLike(Map.of(
                "DomainNameConfigurations", List.of(Match.objectLike(Map.of(
                        "CertificateArn", Deployments.CERTIFICATE_ARN, "SecurityPolicy", "TLS_1_2"))))));
        assertMappedAtTheRoot(certificateAndZone, onlyId(certificateAndZone, DOMAIN_TYPE));
        certificateAndZone.template().hasResourceProperties("AWS::Route53::RecordSet", Match.objectLike(Map.of(
                "Name", Deployments.DOMAIN + ".", "Type", "A", "HostedZoneId", Deployments.ZONE_ID)));
        assertThat(certificateAndZone.template().findOutputs("CustomDomainTarget")).isEmpty();
    }

    @Test
    void withoutADomainNothingOfOneIsMade() {
        for (String type : List.of(DOMAIN_TYPE, "AWS::ApiGatewayV2::ApiMapping",
                "AWS::CertificateManager::Certificate", "AWS::Route53::RecordSet")) {
            withoutDomain.template().resourceCountIs(type, 0);
        }
        assertThat(withoutDomain.template().findOutputs("CustomWebSocketUrl")).isEmpty();
        assertThat(withoutDomain.template().findOutputs("CustomDomainTarget")).isEmpty();
        assertThat(withoutDomain.stack().customWebSocketUrl()).isEmpty();
    }

    @Test
    void aCertificateFromAnotherRegionThanTheStacksIsRefused() {
        SwitchboardProps props = Deployments.customDomainWithCertificate();
        StackProps inUsEast1 = StackProps.builder()
                .env(Environment.builder().account("123456789012").region("us-east-1").build()).build();
        assertThatThrownBy(() -> new SwitchboardStack(new App(), "Switchboard", inUsEast1, props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("customDomainCertificateArn is a certificate in eu-west-1")
                .hasMessageContaining("us-east-1");
        StackProps inEuWest1 = StackProps.builder()
                .env(Environment.builder().account("123456789012").region("eu-west-1").build()).build();
        Template sameRegion = Template.fromStack(new SwitchboardStack(new App(), "Switchboard", inEuWest1, props));
        sameRegion.resourceCountIs(DOMAIN_TYPE, 1);
    }

    @Test
    void theContextKeysGiveEachVariant() throws IOException {
        aBuiltRepository();
        Map<String, Object> zone = Map.of(
                "customDomainName", "Realtime.Example.com",
                "customDomainHostedZoneId", Deployments.ZONE_ID,
                "customDomainHostedZoneName", "example.com.");
        assertThat(fromContext(zone).customDomain()).contains(CustomDomain.inHostedZone(Deployments.DOMAIN,
                Deployments.ZONE_ID, Deployments.ZONE_NAME));
        Map<String, Object> certificate = Map.of(
                "customDomainName", Deployments.DOMAIN,
                "customDomainCertificateArn", Deployments.CERTIFICATE_ARN);
        assertThat(fromContext(certificate).customDomain()).contains(CustomDomain.withCertificate(Deployments.DOMAIN,
                Deployments.CERTIFICATE_ARN));
        assertThat(fromContext(Map.of()).customDomain()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"customDomainCertificateArn", "customDomainHostedZoneId", "customDomainHostedZoneName"})
    void aDomainSettingWithoutTheNameIsRefused(String key) throws IOException {
        aBuiltRepository();
        String value = key.equals("customDomainCertificateArn") ? Deployments.CERTIFICATE_ARN
                : key.equals("customDomainHostedZoneId") ? Deployments.ZONE_ID : Deployments.ZONE_NAME;
        assertThatThrownBy(() -> fromContext(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(key + " needs customDomainName (the host name clients connect to)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"customDomainHostedZoneId", "customDomainHostedZoneName"})
    void halfAZoneIsRefused(String key) throws IOException {
        aBuiltRepository();
        String value = key.equals("customDomainHostedZoneId") ? Deployments.ZONE_ID : Deployments.ZONE_NAME;
        assertThatThrownBy(() -> fromContext(Map.of("customDomainName", Deployments.DOMAIN, key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set customDomainHostedZoneId and customDomainHostedZoneName together");
    }

    @Test
    void aNameWithoutACertificateOrAZoneIsRefused() throws IOException {
        aBuiltRepository();
        assertThatThrownBy(() -> fromContext(Map.of("customDomainName", Deployments.DOMAIN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("customDomainName needs a certificate: set customDomainCertificateArn")
                .hasMessageContaining("customDomainHostedZoneId and customDomainHostedZoneName");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wss://realtime.example.com", "realtime.example.com/prod", "realtime.example.com:443",
            "*.example.com", "localhost", "realtime..example.com", "-realtime.example.com", "realtime.example.com.",
            "real time.example.com", ""})
    void whatIsNotAHostNameIsRefused(String name) {
        assertThatThrownBy(() -> CustomDomain.inHostedZone(name, Deployments.ZONE_ID, Deployments.ZONE_NAME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("customDomainName must be a host name such as realtime.example.com");
    }

    @ParameterizedTest
    @CsvSource({
            "realtime.example.org, example.com",
            "realtime.notexample.com, example.com",
            "example.com, realtime.example.com"})
    void aNameOutsideTheZoneIsRefused(String name, String zone) {
        assertThatThrownBy(() -> CustomDomain.inHostedZone(name, Deployments.ZONE_ID, zone))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("customDomainName '" + name + "' is not in the hosted zone '" + zone
                        + "' (customDomainHostedZoneName): the zone cannot hold its record");
    }

    @Test
    void theZonesOwnNameMayBeTheDomain() {
        assertThat(CustomDomain.inHostedZone("example.com", Deployments.ZONE_ID, "example.com").webSocketUrl())
                .isEqualTo("wss://example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"arn:aws:acm:eu-west-1:123456789012:certificate/*",
            "arn:aws:iam::123456789012:server-certificate/realtime",
            "arn:aws:acm:eu-west-1:1234:certificate/0a1b2c3d", "0a1b2c3d-4e5f-6789-abcd-ef0123456789"})
    void whatIsNotAnAcmCertificateArnIsRefused(String arn) {
        assertThatThrownBy(() -> CustomDomain.withCertificate(Deployments.DOMAIN, arn))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("customDomainCertificateArn must be an ACM certificate ARN");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/hostedzone/Z0123456789ABCDEFGHIJ", "z0123", "Z012345678901234567890123456789012", "Z-1"})
    void whatIsNotAHostedZoneIdIsRefused(String id) {
        assertThatThrownBy(() -> CustomDomain.inHostedZone(Deployments.DOMAIN, id, Deployments.ZONE_NAME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("customDomainHostedZoneId must be a Route 53 hosted zone id");
    }

    private static void assertMappedAtTheRoot(Synthesized synthesized, String domain) {
        String api = onlyId(synthesized, "AWS::ApiGatewayV2::Api");
        String stage = onlyId(synthesized, "AWS::ApiGatewayV2::Stage");
        synthesized.template().resourceCountIs("AWS::ApiGatewayV2::ApiMapping", 1);
        Map<String, Object> mapping = synthesized.resources("AWS::ApiGatewayV2::ApiMapping").values().iterator().next();
        // No ApiMappingKey: the stage answers at the domain's root. The stage is named, so the mapping waits for it.
        assertThat(Synthesized.properties(mapping)).isEqualTo(Map.of(
                "ApiId", Map.of("Ref", api),
                "DomainName", Map.of("Ref", domain),
                "Stage", SwitchboardProps.DEFAULT_STAGE_NAME));
        assertThat(mapping).containsEntry("DependsOn", List.of(stage));
    }

    private static String onlyId(Synthesized synthesized, String type) {
        Map<String, Map<String, Object>> resources = synthesized.resources(type);
        assertThat(resources).as(type).hasSize(1);
        return resources.keySet().iterator().next();
    }

    private static Object output(Synthesized synthesized, String name) {
        Map<?, ?> output = (Map<?, ?>) synthesized.template().findOutputs(name).get(name);
        assertThat(output).as("output %s", name).isNotNull();
        return output.get("Value");
    }

    private void aBuiltRepository() throws IOException {
        Path target = Files.createDirectories(repo.resolve("functions").resolve("target"));
        Files.writeString(target.resolve("switchboard-functions-" + FunctionsJar.buildVersion() + "-lambda.jar"),
                "jar");
        Files.createDirectories(repo.resolve("infra-cdk"));
    }

    private SwitchboardProps fromContext(Map<String, Object> context) {
        return SwitchboardProps.fromContext(context::get, repo.resolve("infra-cdk"));
    }
}
