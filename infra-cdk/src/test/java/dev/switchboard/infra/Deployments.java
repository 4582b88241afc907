package dev.switchboard.infra;

import dev.switchboard.core.Quotas;
import java.net.URI;
import java.util.List;

/**
 * The deployments the tests synthesize: the one {@code cdk deploy} makes with no settings, and variants that between
 * them turn every option. Shared, so the lint covers what the assertions cover.
 */
final class Deployments {

    static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:switchboard/jwt-AbC123";

    static final String PUBLISHER_ROLE = "arn:aws:iam::123456789012:role/orders/OrderService";
    static final String PUBLISHER_ACCOUNT = "210987654321";

    static final String DOMAIN = "realtime.example.com";
    static final String ZONE_ID = "Z0123456789ABCDEFGHIJ";
    static final String ZONE_NAME = "example.com";
    static final String EVENT_BUS_ARN = "arn:aws:events:eu-west-1:123456789012:event-bus/support-desk";
    static final String CERTIFICATE_ARN =
            "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

    private Deployments() {
    }

    static SwitchboardProps defaults() {
        return SwitchboardProps.builder().build();
    }

    /**
     * Development-style, every option turned: JWKS auth with issuer and audience, query-string tokens, alarm
     * e-mails, tracing, data destroyed with the stack, eight room shards, a tuned fan-out, other limits, and the
     * publish queue open to one role of this account and one other account.
     */
    static SwitchboardProps everyOption() {
        return SwitchboardProps.builder()
                .stackName("SwitchboardDev")
                .stageName("dev")
                .memorySize(2048)
                .throttlingRateLimit(50)
                .throttlingBurstLimit(100)
                .auth(AuthSettings.jwks(URI.create("https://issuer.example/.well-known/jwks.json"))
                        .withIssuer("https://issuer.example")
                        .withAudience("switchboard")
                        .withTokenSource(AuthSettings.TokenSource.QUERY))
                .alarmEmail("oncall@example.com")
                .tracing(true)
                .logRetention(SwitchboardContext.retention(7))
                .dataRemoval(SwitchboardProps.DataRemoval.DESTROY)
                .apiGatewayLoggingRole(false)
                .roomShards(8)
                .fanoutThreshold(500)
                .fanoutMaxConcurrency(50)
                .quotas(Quotas.defaults().withFrames(5, 15).withConnectionsPerUser(3).withPresencePostsPerDisconnect(0))
                .maxPostsPerSecond(750)
                .publishers(List.of(PUBLISHER_ROLE, PUBLISHER_ACCOUNT))
                .build();
    }

    /** HS256 tokens checked against an existing Secrets Manager secret. */
    static SwitchboardProps existingSecret() {
        return SwitchboardProps.builder().auth(AuthSettings.secret(SECRET_ARN)).build();
    }

    /** No fan-out queue: big rooms are posted to by one invocation. */
    static SwitchboardProps withoutFanout() {
        return SwitchboardProps.builder().fanoutEnabled(false).roomShards(4).build();
    }

    /** The API at its own host name in a Route 53 zone: a certificate validated there, and the alias record. */
    static SwitchboardProps customDomainInZone() {
        return SwitchboardProps.builder().customDomain(CustomDomain.inHostedZone(DOMAIN, ZONE_ID, ZONE_NAME)).build();
    }

    /** The API at its own host name with an existing certificate; DNS is the application's. */
    static SwitchboardProps customDomainWithCertificate() {
        return SwitchboardProps.builder().customDomain(CustomDomain.withCertificate(DOMAIN, CERTIFICATE_ARN)).build();
    }

    /** The table's changes as events on the application's bus, named by ARN as CDK context names it. */
    static SwitchboardProps eventStream() {
        return SwitchboardProps.builder().eventStream(EventStream.toBus(EVENT_BUS_ARN).withSource("support.desk"))
                .build();
    }

    static final String TYPING_ARN = "arn:aws:lambda:us-east-1:123456789012:function:typing";
    static final String VOTE_ARN = "arn:aws:lambda:us-east-1:123456789012:function:vote:live";
    static final String ON_CONNECT_ARN = "arn:aws:lambda:us-east-1:123456789012:function:on-connect";
    static final String ON_JOIN_ARN = "arn:aws:lambda:us-east-1:123456789012:function:on-join";
    static final String ON_SEND_ARN = "arn:aws:lambda:us-east-1:123456789012:function:on-send";

    /** The application's own functions wired in by ARN: two application routes and every hook. */
    static SwitchboardProps withExtensions() {
        return SwitchboardProps.builder()
                .extensions(Extensions.none()
                        .withRoute("typing", Extensions.Target.arn(TYPING_ARN))
                        .withRoute("vote", Extensions.Target.arn(VOTE_ARN))
                        .withOnConnect(Extensions.Target.arn(ON_CONNECT_ARN))
                        .withOnJoin(Extensions.Target.arn(ON_JOIN_ARN))
                        .withOnSend(Extensions.Target.arn(ON_SEND_ARN))
                        .withHookTimeout(java.time.Duration.ofMillis(1500)))
                .build();
    }
}
