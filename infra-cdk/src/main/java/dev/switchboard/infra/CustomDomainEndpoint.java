package dev.switchboard.infra;

import java.util.Objects;
import java.util.Optional;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.apigatewayv2.ApiMapping;
import software.amazon.awscdk.services.apigatewayv2.DomainName;
import software.amazon.awscdk.services.apigatewayv2.EndpointType;
import software.amazon.awscdk.services.apigatewayv2.SecurityPolicy;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.certificatemanager.CertificateValidation;
import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.route53.ARecord;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.amazon.awscdk.services.route53.RecordTarget;
import software.amazon.awscdk.services.route53.targets.ApiGatewayv2DomainProperties;

/**
 * The API at the application's own host name ({@link CustomDomain}): a regional API Gateway domain with the TLS 1.2
 * security policy, its certificate (given, or requested and validated by DNS in the hosted zone), the stage mapped at
 * the domain's root, and the name's alias record when a zone is given.
 *
 * <p>Not a construct of its own, as {@link WebSocketEndpoint} is not: the resources are made in the stack under the
 * ids {@code Domain*}, and only when a domain is asked for, so a stack without one synthesizes exactly as before.
 */
final class CustomDomainEndpoint {

    private final CustomDomain domain;
    private final DomainName domainName;

    CustomDomainEndpoint(Stack scope, CustomDomain domain, WebSocketApi api, WebSocketStage stage) {
        this.domain = Objects.requireNonNull(domain, "domain");
        Optional<IHostedZone> zone = domain.hostedZone().map(hostedZone -> HostedZone.fromHostedZoneAttributes(
                scope, "DomainZone", HostedZoneAttributes.builder()
                        .hostedZoneId(hostedZone.id())
                        .zoneName(hostedZone.name())
                        .build()));
        domainName = DomainName.Builder.create(scope, "Domain")
                .domainName(domain.domainName())
                .certificate(certificate(scope, zone))
                .endpointType(EndpointType.REGIONAL)
                .securityPolicy(SecurityPolicy.TLS_1_2)
                .build();
        // Empty mapping key: the stage answers at wss://<domain>, with no stage name in the path.
        ApiMapping.Builder.create(scope, "DomainApiMapping")
                .api(api)
                .stage(stage)
                .domainName(domainName)
                .build();
        zone.ifPresent(hostedZone -> ARecord.Builder.create(scope, "DomainAliasRecord")
                .zone(hostedZone)
                .recordName(domain.domainName())
                .target(RecordTarget.fromAlias(new ApiGatewayv2DomainProperties(domainName.getRegionalDomainName(),
                        domainName.getRegionalHostedZoneId())))
                .comment("Switchboard WebSocket API")
                .build());
    }

    CustomDomain domain() {
        return domain;
    }

    /** The host name API Gateway serves the domain on: the target of the name's CNAME or alias record. */
    String regionalDomainName() {
        return domainName.getRegionalDomainName();
    }

    private ICertificate certificate(Stack scope, Optional<IHostedZone> zone) {
        Optional<String> arn = domain.certificateArn();
        if (arn.isPresent()) {
            String region = domain.certificateRegion().orElseThrow();
            if (!Token.isUnresolved(scope.getRegion()) && !region.equals(scope.getRegion())) {
                throw new IllegalArgumentException(ContextKeys.CUSTOM_DOMAIN_CERTIFICATE_ARN + " is a certificate"
                        + " in " + region + ", but the stack deploys to " + scope.getRegion() + ": a regional API"
                        + " Gateway domain needs a certificate in its own region");
            }
            return Certificate.fromCertificateArn(scope, "DomainCertificate", arn.get());
        }
        return Certificate.Builder.create(scope, "DomainCertificate")
                .domainName(domain.domainName())
                .validation(CertificateValidation.fromDns(zone.orElseThrow()))
                .build();
    }
}
