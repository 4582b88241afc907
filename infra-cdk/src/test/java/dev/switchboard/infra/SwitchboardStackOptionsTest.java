package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.EnvNames;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.functions.Handlers;
import dev.switchboard.protocol.Route;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * A development-style deployment with every option turned: JWKS auth with issuer and audience, query-string tokens,
 * alarm e-mails, tracing, data destroyed with the stack, eight room shards, a tuned fan-out. One with an existing
 * HS256 secret, one without the fan-out queue, two on Cognito user pools, and an open development stack.
 */
class SwitchboardStackOptionsTest {

    private static Synthesized dev;
    private static Synthesized existingSecret;
    private static Synthesized withoutFanout;
    private static Synthesized cognito;
    private static Synthesized cognitoIdTokens;
    private static Synthesized openDevelopment;

    @BeforeAll
    static void synthesize() {
        dev = Synthesized.of(Deployments.everyOption());
        existingSecret = Synthesized.of(Deployments.existingSecret());
        withoutFanout = Synthesized.of(Deployments.withoutFanout());
        cognito = Synthesized.of(SwitchboardProps.builder()
                .auth(AuthSettings.cognito("eu-west-1_AbCdEf123", Set.of("web1client2id", "mobile3client4id")))
                .build());
        cognitoIdTokens = Synthesized.of(SwitchboardProps.builder()
                .stackName("SwitchboardUs")
                .auth(AuthSettings.cognito("us-east-2_Zy9x8W7v", Set.of("web1client2id"))
                        .withTokenUse("id")
                        .withClaims("custom:rooms", "custom:direct"))
                .build());
        openDevelopment = Synthesized.of(SwitchboardProps.builder()
                .stackName("SwitchboardAlice")
                .stageName("dev-alice")
                .auth(AuthSettings.off())
                .policy(RoomPolicy.open())
                .dataRemoval(SwitchboardProps.DataRemoval.DESTROY)
                .build());
    }

    @Test
    void theLimitsGivenReachTheFunctions() {
        for (Map<String, Object> environment : dev.environmentsByHandler().values()) {
            if (environment.containsKey(EnvNames.TABLE_NAME)) {
                assertThat(environment).containsEntry(EnvNames.FRAME_RATE, "5")
                        .containsEntry(EnvNames.FRAME_BURST, "15")
                        .containsEntry(EnvNames.CONNECTIONS_PER_USER, "3")
                        .containsEntry(EnvNames.PRESENCE_POSTS_PER_DISCONNECT, "0")
                        .containsEntry(EnvNames.MAX_POSTS_PER_SECOND, "750");
            }
        }
    }

    @Test
    void namedPublishersAreTheOnlyOnesTheQueueLetsSend() {
        Map<?, ?> output = (Map<?, ?>) dev.template().findOutputs("PublishQueueUrl").get("PublishQueueUrl");
        String queueId = (String) ((Map<?, ?>) output.get("Value")).get("Ref");
        List<Map<String, Object>> statements = SwitchboardStackTest.queuePolicyStatements(dev, queueId);
        assertThat(SwitchboardStackTest.queueStatement(statements, "OnlyNamedPublishersSend"))
                .containsEntry("Effect", "Deny")
                .containsEntry("Condition", Map.of(
                        "ArnNotEquals", Map.of("aws:PrincipalArn", List.of(Deployments.PUBLISHER_ROLE)),
                        "StringNotEquals", Map.of("aws:PrincipalAccount", List.of(Deployments.PUBLISHER_ACCOUNT))));
        Map<String, Object> allow = SwitchboardStackTest.queueStatement(statements, "NamedPublishersSend");
        assertThat(allow).containsEntry("Effect", "Allow");
        assertThat(allow.get("Action")).isEqualTo(List.of("sqs:SendMessage", "sqs:GetQueueUrl",
                "sqs:GetQueueAttributes"));
        assertThat(allow.get("Principal").toString()).contains(Deployments.PUBLISHER_ROLE)
                .contains(Deployments.PUBLISHER_ACCOUNT);
    }

    @Test
    void theAuthorizerVerifiesAgainstTheJwksWithIssuerAndAudience() {
        Map<String, Object> authorizer = Synthesized.properties(
                dev.resources("AWS::ApiGatewayV2::Authorizer").values().iterator().next());
        assertThat(authorizer).containsEntry("IdentitySource", List.of("route.request.querystring.token"));
        dev.template().hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", Handlers.lambdaHandler(Handlers.AUTHORIZER),
                "Environment", Map.of("Variables", Map.of(
                        EnvNames.AUTH_MODE, "jwt",
                        EnvNames.JWT_JWKS_URL, "https://issuer.example/.well-known/jwks.json",
                        EnvNames.JWT_ISSUER, "https://issuer.example",
                        EnvNames.JWT_AUDIENCE, "switchboard")))));
        dev.template().resourceCountIs("AWS::SecretsManager::Secret", 0);
        assertThat(dev.template().findOutputs("JwtSecretArn")).isEmpty();
        SwitchboardStackTest.assertRefreshVerifiesTokensAsTheAuthorizerDoes(dev);
    }

    @Test
    void aCognitoUserPoolGivesTheAuthorizerAndRefreshItsKeysIssuerAppClientsAndAccessTokens() {
        Map<String, Object> expected = Map.of(
                EnvNames.AUTH_MODE, "jwt",
                EnvNames.JWT_JWKS_URL, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"
                        + "/.well-known/jwks.json",
                EnvNames.JWT_ISSUER, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
                EnvNames.JWT_CLIENT_IDS, "mobile3client4id,web1client2id",
                EnvNames.JWT_TOKEN_USE, "access");
        cognito.template().hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", Handlers.lambdaHandler(Handlers.AUTHORIZER),
                "Environment", Map.of("Variables", expected))));
        cognito.template().hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", Handlers.lambdaHandler(Route.REFRESH),
                "Environment", Map.of("Variables", Match.objectLike(expected)))));
        SwitchboardStackTest.assertRefreshVerifiesTokensAsTheAuthorizerDoes(cognito);
        // Keys from the pool's JWKS: no signing secret, and nothing may read one.
        cognito.template().resourceCountIs("AWS::SecretsManager::Secret", 0);
        assertThat(cognito.template().findOutputs("JwtSecretArn")).isEmpty();
        assertThat(cognito.nagErrors()).isEmpty();
        assertThat(cognito.nagWarnings()).isEmpty();
    }

    @Test
    void cognitoIdTokensWithCustomAttributeClaimsReachTheAuthorizerAndRefresh() {
        Map<String, Object> expected = Map.of(
                EnvNames.AUTH_MODE, "jwt",
                EnvNames.JWT_JWKS_URL, "https://cognito-idp.us-east-2.amazonaws.com/us-east-2_Zy9x8W7v"
                        + "/.well-known/jwks.json",
                EnvNames.JWT_ISSUER, "https://cognito-idp.us-east-2.amazonaws.com/us-east-2_Zy9x8W7v",
                EnvNames.JWT_CLIENT_IDS, "web1client2id",
                EnvNames.JWT_TOKEN_USE, "id",
                EnvNames.CAPABILITY_CLAIM, "custom:rooms",
                EnvNames.DIRECT_CLAIM, "custom:direct");
        for (String handler : List.of(Handlers.lambdaHandler(Handlers.AUTHORIZER),
                Handlers.lambdaHandler(Route.REFRESH))) {
            cognitoIdTokens.template().hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                    "Handler", handler,
                    "Environment", Map.of("Variables", Match.objectLike(expected)))));
        }
        SwitchboardStackTest.assertRefreshVerifiesTokensAsTheAuthorizerDoes(cognitoIdTokens);
    }

    @Test
    void anOpenDevelopmentStackLetsEveryoneInAndEveryRouteFunctionKnowsThePolicyIsOpen() {
        Map<String, Map<String, Object>> environments = openDevelopment.environmentsByHandler();
        assertThat(environments.get(Handlers.lambdaHandler(Handlers.AUTHORIZER)))
                .isEqualTo(Map.of(EnvNames.AUTH_MODE, "off"));
        // Refresh must know too: with authentication on by default it would look for a key and fail to start.
        assertThat(environments.get(Handlers.lambdaHandler(Route.REFRESH))).containsEntry(EnvNames.AUTH_MODE, "off");
        SwitchboardStackTest.assertRefreshVerifiesTokensAsTheAuthorizerDoes(openDevelopment);
        SwitchboardStackTest.assertPolicyEverywhere(openDevelopment, "open");
        openDevelopment.template().resourceCountIs("AWS::SecretsManager::Secret", 0);
        assertThat(openDevelopment.nagErrors()).isEmpty();
        assertThat(openDevelopment.nagWarnings()).isEmpty();
    }

    @Test
    void propertiesReachTheFunctionsAndTheStage() {
        dev.resources("AWS::Lambda::Function").values().forEach(f -> assertThat(Synthesized.properties(f))
                .containsEntry("MemorySize", 2048)
                .containsEntry("TracingConfig", Map.of("Mode", "Active")));
        dev.template().hasResourceProperties("AWS::ApiGatewayV2::Stage", Match.objectLike(Map.of(
                "StageName", "dev",
                "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 50, "ThrottlingBurstLimit", 100))));
        dev.template().hasResourceProperties("AWS::ApiGatewayV2::Api", Match.objectLike(Map.of(
                "Name", "SwitchboardDev")));
        dev.template().resourceCountIs("AWS::ApiGateway::Account", 0);
        dev.resources("AWS::Logs::LogGroup").values().forEach(g -> {
            assertThat(g).containsEntry("DeletionPolicy", "Delete");
            assertThat(Synthesized.properties(g)).containsEntry("RetentionInDays", 7);
        });
    }

    @Test
    void theShardCountReachesEveryFunctionThatUsesTheTable() {
        SwitchboardStackTest.assertRoomShardsEverywhere(dev, "8");
    }

    @Test
    void theFanoutThresholdAndConcurrencyReachThePublishersAndTheEventSource() {
        Map<String, Map<String, Object>> environments = dev.environmentsByHandler();
        for (String publisher : List.of(Handlers.lambdaHandler(Route.SEND),
                Handlers.lambdaHandler(Handlers.PUBLISHER))) {
            assertThat(environments.get(publisher)).containsEntry(EnvNames.FANOUT_THRESHOLD, "500")
                    .containsKey(EnvNames.FANOUT_QUEUE_URL);
        }
        dev.template().hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "BatchSize", 1,
                "ScalingConfig", Map.of("MaximumConcurrency", 50))));
    }

    @Test
    void withoutFanoutThereIsNoQueueNoConsumerAndNoOneIsToldOfOne() {
        // Only the publish queue and its dead-letter queue, drained by the publisher.
        withoutFanout.template().resourceCountIs("AWS::SQS::Queue", 2);
        withoutFanout.template().resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
        Map<String, Map<String, Object>> environments = withoutFanout.environmentsByHandler();
        assertThat(environments).doesNotContainKey(Handlers.lambdaHandler(Handlers.FANOUT));
        assertThat(environments.values()).allSatisfy(variables -> assertThat(variables)
                .doesNotContainKeys(EnvNames.FANOUT_QUEUE_URL, EnvNames.FANOUT_THRESHOLD));
        List<Map<String, Object>> senders = withoutFanout.resources("AWS::IAM::Policy").values().stream()
                .flatMap(p -> SwitchboardStackTest.statements(p).stream())
                .filter(s -> SwitchboardStackTest.strings(s.get("Action")).stream()
                        .anyMatch(a -> a.startsWith("sqs:Send")))
                .toList();
        assertThat(senders).isEmpty();
        // The shard count still reaches every function that uses the table.
        SwitchboardStackTest.assertRoomShardsEverywhere(withoutFanout, "4");
        // One dead-letter queue to watch.
        assertThat(withoutFanout.resources("AWS::CloudWatch::Alarm").values()).filteredOn(a ->
                "ApproximateNumberOfMessagesVisible".equals(Synthesized.properties(a).get("MetricName"))).hasSize(1);
        assertThat(withoutFanout.stack().fanoutQueue()).isEmpty();
        assertThat(withoutFanout.nagErrors()).isEmpty();
        assertThat(withoutFanout.nagWarnings()).isEmpty();
    }

    @Test
    void aDevelopmentTableGoesAwayWithTheStack() {
        dev.template().hasResource("AWS::DynamoDB::GlobalTable", Map.of(
                "DeletionPolicy", "Delete",
                "Properties", Match.objectLike(Map.of("Replicas", List.of(Match.objectLike(Map.of(
                        "DeletionProtectionEnabled", false)))))));
    }

    @Test
    void everyAlarmNotifiesTheOnCallTopic() {
        String topicId = dev.resources("AWS::SNS::Topic").keySet().iterator().next();
        dev.template().hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", "oncall@example.com", "TopicArn", Map.of("Ref", topicId)));
        assertThat(dev.resources("AWS::CloudWatch::Alarm").values()).isNotEmpty().allSatisfy(a ->
                assertThat(Synthesized.properties(a)).containsEntry("AlarmActions", List.of(Map.of("Ref", topicId))));
        assertThat(dev.template().findOutputs("AlarmTopicArn")).isNotEmpty();
        // Publishing over plain HTTP is refused by the topic policy.
        dev.template().hasResourceProperties("AWS::SNS::TopicPolicy", Match.objectLike(Map.of(
                "PolicyDocument", Match.objectLike(Map.of("Statement", List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))));
    }

    @Test
    void anExistingSecretIsReadByTheAuthorizerAndRefreshAndNoOneElse() {
        existingSecret.template().resourceCountIs("AWS::SecretsManager::Secret", 0);
        existingSecret.template().hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", Handlers.lambdaHandler(Handlers.AUTHORIZER),
                "Environment", Map.of("Variables", Map.of(
                        EnvNames.AUTH_MODE, "jwt", EnvNames.JWT_SECRET_ARN, Deployments.SECRET_ARN)))));
        List<Map<String, Object>> readers = existingSecret.resources("AWS::IAM::Policy").values().stream()
                .flatMap(p -> SwitchboardStackTest.statements(p).stream())
                .filter(s -> SwitchboardStackTest.strings(s.get("Action")).contains("secretsmanager:GetSecretValue"))
                .toList();
        assertThat(readers).hasSize(2)
                .allSatisfy(s -> assertThat(s.get("Resource")).isEqualTo(Deployments.SECRET_ARN));
        SwitchboardStackTest.assertRefreshVerifiesTokensAsTheAuthorizerDoes(existingSecret);
    }

    @Test
    void cdkNagAwsSolutionsFindsNothingUnsuppressedWithEveryOption() {
        assertThat(dev.nagErrors()).isEmpty();
        assertThat(dev.nagWarnings()).isEmpty();
        assertThat(existingSecret.nagErrors()).isEmpty();
    }
}
