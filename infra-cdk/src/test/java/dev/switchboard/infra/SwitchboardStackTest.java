package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.config.EnvNames;
import dev.switchboard.core.Quotas;
import dev.switchboard.config.MetricNames;
import dev.switchboard.functions.Handlers;
import dev.switchboard.protocol.Route;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awscdk.assertions.Match;

/** The stack as `cdk deploy` builds it with no settings: synthesized once, asserted resource by resource. */
class SwitchboardStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Synthesized synth;

    @BeforeAll
    static void synthesize() {
        synth = Synthesized.of(Deployments.defaults());
    }

    @Test
    void theApiSelectsRoutesByTheBodysAction() {
        synth.template().hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of(
                "ProtocolType", "WEBSOCKET",
                "RouteSelectionExpression", Route.SELECTION_EXPRESSION));
    }

    @Test
    void thereIsExactlyOneRoutePerEntryOfTheRouteTable() {
        List<String> keys = synth.resources("AWS::ApiGatewayV2::Route").values().stream()
                .map(r -> (String) Synthesized.properties(r).get("RouteKey"))
                .toList();
        assertThat(keys).containsExactlyInAnyOrderElementsOf(Arrays.stream(Route.values()).map(Route::key).toList());
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void messageRoutesAreTwoWaySoTheHandlersReplyReachesTheCaller(Route route) {
        String routeId = routeLogicalId(route);
        Map<String, Object> properties = Synthesized.properties(synth.resources("AWS::ApiGatewayV2::Route")
                .get(routeId));
        long responses = synth.resources("AWS::ApiGatewayV2::RouteResponse").values().stream()
                .filter(r -> Map.of("Ref", routeId).equals(Synthesized.properties(r).get("RouteId")))
                .filter(r -> "$default".equals(Synthesized.properties(r).get("RouteResponseKey")))
                .count();
        if (route.repliesToCaller()) {
            assertThat(properties).containsEntry("RouteResponseSelectionExpression", "$default");
            assertThat(responses).isEqualTo(1);
        } else {
            assertThat(properties).doesNotContainKey("RouteResponseSelectionExpression");
            assertThat(responses).isZero();
        }
    }

    @Test
    void theJwtAuthorizerGuardsConnectAndNothingElse() {
        Map<String, Map<String, Object>> authorizers = synth.resources("AWS::ApiGatewayV2::Authorizer");
        assertThat(authorizers).hasSize(1);
        String authorizerId = authorizers.keySet().iterator().next();
        Map<String, Object> authorizer = Synthesized.properties(authorizers.get(authorizerId));
        assertThat(authorizer).containsEntry("AuthorizerType", "REQUEST");
        // No identity source: API Gateway calls the authorizer even when only one of header or ?token= is sent.
        assertThat(authorizer).doesNotContainKey("IdentitySource");
        assertThat(JSON.valueToTree(authorizer.get("AuthorizerUri")).toString())
                .contains(aliasOf(functionLogicalId(Handlers.lambdaHandler(Handlers.AUTHORIZER))));

        for (Route route : Route.values()) {
            Map<String, Object> properties = Synthesized.properties(
                    synth.resources("AWS::ApiGatewayV2::Route").get(routeLogicalId(route)));
            if (route == Route.CONNECT) {
                assertThat(properties).containsEntry("AuthorizationType", "CUSTOM")
                        .containsEntry("AuthorizerId", Map.of("Ref", authorizerId));
            } else {
                assertThat(properties).containsEntry("AuthorizationType", "NONE").doesNotContainKey("AuthorizerId");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void eachRouteRunsItsHandlerOnJavaArmWithSnapStart(Route route) {
        Map<String, Object> function = Synthesized.properties(synth.resources("AWS::Lambda::Function")
                .get(functionLogicalId(Handlers.lambdaHandler(route))));
        assertThat(function)
                .containsEntry("Runtime", "java25")
                .containsEntry("Architectures", List.of("arm64"))
                .containsEntry("MemorySize", 1024)
                .containsEntry("Timeout", 29)
                .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
        Map<?, ?> variables = (Map<?, ?>) ((Map<?, ?>) function.get("Environment")).get("Variables");
        assertThat(variables.get(EnvNames.TABLE_NAME)).isEqualTo(Map.of("Ref", tableLogicalId()));
        assertThat(JSON.valueToTree(variables.get(EnvNames.MANAGEMENT_ENDPOINT)).toString())
                .startsWith("{\"Fn::Join\":[\"\",[\"https://\"").contains("/prod");
    }

    @Test
    void everyFunctionThatUsesTheTableSeesTheSameRoomShardCount() {
        assertRoomShardsEverywhere(synth, "1");
    }

    /** Every function but the authorizer (which never touches the table) has the table and this shard count. */
    static void assertRoomShardsEverywhere(Synthesized synthesized, String shards) {
        Map<String, Map<String, Object>> environments = synthesized.environmentsByHandler();
        String authorizer = Handlers.lambdaHandler(Handlers.AUTHORIZER);
        assertThat(environments).containsKey(authorizer).hasSizeGreaterThan(Route.values().length);
        environments.forEach((handler, variables) -> {
            if (handler.equals(authorizer)) {
                assertThat(variables).doesNotContainKeys(EnvNames.TABLE_NAME, EnvNames.ROOM_SHARDS);
            } else {
                assertThat(variables).as(handler).containsKey(EnvNames.TABLE_NAME)
                        .containsEntry(EnvNames.ROOM_SHARDS, shards);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void eachRouteInvokesThePublishedVersionThroughTheLiveAlias(Route route) {
        String functionId = functionLogicalId(Handlers.lambdaHandler(route));
        String aliasId = aliasOf(functionId);
        Map<String, Object> alias = Synthesized.properties(synth.resources("AWS::Lambda::Alias").get(aliasId));
        assertThat(alias).containsEntry("Name", SwitchboardStack.ALIAS_NAME);
        String versionId = (String) ((List<?>) ((Map<?, ?>) alias.get("FunctionVersion")).get("Fn::GetAtt")).get(0);
        assertThat(Synthesized.properties(synth.resources("AWS::Lambda::Version").get(versionId)))
                .containsEntry("FunctionName", Map.of("Ref", functionId));

        Map<String, Object> route_ = Synthesized.properties(
                synth.resources("AWS::ApiGatewayV2::Route").get(routeLogicalId(route)));
        String integrationId = synth.resources("AWS::ApiGatewayV2::Integration").keySet().stream()
                .filter(id -> JSON.valueToTree(route_.get("Target")).toString().contains("\"" + id + "\""))
                .findFirst().orElseThrow();
        String uri = JSON.valueToTree(Synthesized.properties(
                synth.resources("AWS::ApiGatewayV2::Integration").get(integrationId)).get("IntegrationUri")).toString();
        assertThat(uri).contains("{\"Ref\":\"" + aliasId + "\"}").doesNotContain(functionId + "\"");
    }

    @Test
    void theTableIsOnDemandWithTtlAndPointInTimeRecoveryAndIsKept() {
        synth.template().hasResource("AWS::DynamoDB::GlobalTable", Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Match.objectLike(Map.of(
                        "BillingMode", "PAY_PER_REQUEST",
                        "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"),
                                Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                        "AttributeDefinitions", List.of(Map.of("AttributeName", "pk", "AttributeType", "S"),
                                Map.of("AttributeName", "sk", "AttributeType", "S")),
                        "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                        "Replicas", List.of(Match.objectLike(Map.of(
                                "DeletionProtectionEnabled", true,
                                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true))))))));
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void eachFunctionMayDoExactlyWhatItsRouteNeeds(Route route) {
        RouteAccess.Access access = RouteAccess.of(route);
        List<Map<String, Object>> statements = statementsOfFunction(functionLogicalId(Handlers.lambdaHandler(route)));

        Set<String> tableActions = new HashSet<>();
        Set<String> connectionResources = new HashSet<>();
        List<Map<String, Object>> queueStatements = new java.util.ArrayList<>();
        List<Map<String, Object>> keyStatements = new java.util.ArrayList<>();
        for (Map<String, Object> statement : statements) {
            List<String> actions = strings(statement.get("Action"));
            assertThat(statement.get("Effect")).isEqualTo("Allow");
            if (actions.stream().anyMatch(a -> a.startsWith("dynamodb:"))) {
                assertThat(statement.get("Resource"))
                        .isEqualTo(Map.of("Fn::GetAtt", List.of(tableLogicalId(), "Arn")));
                tableActions.addAll(actions);
            } else if (actions.contains("execute-api:ManageConnections")) {
                assertThat(actions).containsExactly("execute-api:ManageConnections");
                Object resources = statement.get("Resource");
                for (Object resource : resources instanceof List<?> list ? list : List.of(resources)) {
                    connectionResources.add(JSON.valueToTree(resource).toString());
                }
            } else if (actions.stream().anyMatch(a -> a.startsWith("sqs:"))) {
                queueStatements.add(statement);
            } else if (actions.stream().anyMatch(a -> a.startsWith("secretsmanager:"))) {
                keyStatements.add(statement);
            } else {
                // Only its own log group besides.
                assertThat(actions).containsExactlyInAnyOrder("logs:CreateLogStream", "logs:PutLogEvents");
                assertThat(JSON.valueToTree(statement.get("Resource")).toString()).contains("Logs");
            }
        }
        assertThat(tableActions).isEqualTo(access.tableActions());
        assertThat(queueStatements).isEqualTo(access.enqueuesFanout() ? List.of(sendToFanoutQueue()) : List.of());
        assertThat(keyStatements).isEqualTo(access.verifiesTokens() ? List.of(readSigningKey()) : List.of());
        assertThat(connectionResources).hasSize(access.connectionMethods().size());
        for (RouteAccess.ConnectionMethod method : access.connectionMethods()) {
            assertThat(connectionResources).anySatisfy(arn -> assertThat(arn)
                    .contains("{\"Ref\":\"" + apiLogicalId() + "\"}")
                    .endsWith("\"/prod/" + method + "/@connections/*\"]]}"));
        }
    }

    @Test
    void theGrantedTableActionsAreExactlyTheOperationsEachHandlerIssues() {
        // Written out on purpose, not derived from RouteAccess: a change to a grant must change this spec too.
        // Every answering route may close its connection as $disconnect would: read its row, delete the rest.
        Set<String> answering = Set.of("dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem", "dynamodb:Query");
        Map<Route, Set<String>> expected = new java.util.EnumMap<>(Route.class);
        expected.put(Route.CONNECT, Set.of("dynamodb:Query", "dynamodb:PutItem", "dynamodb:GetItem",
                "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"));
        expected.put(Route.DISCONNECT, Set.of("dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:Query",
                "dynamodb:BatchWriteItem"));
        expected.put(Route.DEFAULT, answering);
        expected.put(Route.JOIN, plus(answering, "dynamodb:PutItem", "dynamodb:GetItem"));
        expected.put(Route.LEAVE, answering);
        expected.put(Route.SEND, plus(answering, "dynamodb:PutItem"));
        expected.put(Route.PING, answering);
        expected.put(Route.RESUME, plus(answering, "dynamodb:GetItem"));
        expected.put(Route.PRESENCE, answering);
        expected.put(Route.DIRECT, plus(answering, "dynamodb:PutItem"));
        expected.put(Route.REFRESH, plus(answering, "dynamodb:GetItem"));
        for (Route route : Route.values()) {
            Set<String> granted = statementsOfFunction(functionLogicalId(Handlers.lambdaHandler(route))).stream()
                    .flatMap(s -> strings(s.get("Action")).stream())
                    .filter(a -> a.startsWith("dynamodb:"))
                    .collect(Collectors.toSet());
            assertThat(granted).as(route.key()).isEqualTo(expected.get(route));
        }
    }

    private static Set<String> plus(Set<String> set, String... more) {
        Set<String> all = new HashSet<>(set);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void theRouteTableDecidesWhoWritesAndWhoPosts() {
        // Every route that answers a client counts its frame on the connection's row, and closes the connection
        // (DELETE) after posting the answer when its token expired or it keeps flooding; $connect only asks
        // whether a user's older connections are still open (GET) when the user is at the limit, and $disconnect
        // only announces (POST).
        assertThat(Arrays.stream(Route.values()).filter(r -> RouteAccess.of(r).managesConnections()))
                .containsExactlyInAnyOrder(Route.CONNECT, Route.DISCONNECT, Route.DEFAULT, Route.JOIN, Route.LEAVE, Route.SEND,
                        Route.DIRECT, Route.PING, Route.RESUME, Route.PRESENCE, Route.REFRESH);
        for (Route answering : List.of(Route.DEFAULT, Route.JOIN, Route.LEAVE, Route.SEND, Route.PING, Route.RESUME,
                Route.PRESENCE, Route.DIRECT, Route.REFRESH)) {
            assertThat(RouteAccess.of(answering).connectionMethods()).as(answering.key()).containsExactlyInAnyOrder(
                    RouteAccess.ConnectionMethod.POST, RouteAccess.ConnectionMethod.DELETE);
        }
        assertThat(RouteAccess.of(Route.DISCONNECT).connectionMethods())
                .containsExactly(RouteAccess.ConnectionMethod.POST);
        assertThat(RouteAccess.of(Route.CONNECT).connectionMethods())
                .containsExactly(RouteAccess.ConnectionMethod.GET);
        // The publisher also closes connections: the queue's disconnect.
        assertThat(RouteAccess.PUBLISHER.connectionMethods()).containsExactlyInAnyOrder(
                RouteAccess.ConnectionMethod.POST, RouteAccess.ConnectionMethod.DELETE);
        // Only what publishes to rooms hands large rooms to the fan-out queue; the fan-out function only delivers.
        // Whatever delivers messages hands the queue what it cannot deliver now; presence events are not deferred.
        assertThat(Arrays.stream(Route.values()).filter(r -> RouteAccess.of(r).enqueuesFanout()))
                .containsExactly(Route.SEND, Route.DIRECT);
        assertThat(RouteAccess.PUBLISHER.enqueuesFanout()).isTrue();
        assertThat(RouteAccess.FANOUT.enqueuesFanout()).isTrue();
        assertThat(RouteAccess.FANOUT.connectionMethods()).containsExactly(RouteAccess.ConnectionMethod.POST);
        // Tokens are verified at $connect and again by refresh, and nowhere else.
        assertThat(Arrays.stream(Route.values()).filter(r -> RouteAccess.of(r).verifiesTokens()))
                .containsExactly(Route.REFRESH);
        assertThat(RouteAccess.AUTHORIZER.verifiesTokens()).isTrue();
        assertThat(RouteAccess.AUTHORIZER.usesTable()).isFalse();
        assertThat(RouteAccess.AUTHORIZER.managesConnections()).isFalse();
        assertThat(RouteAccess.PUBLISHER.verifiesTokens()).isFalse();
        assertThat(RouteAccess.FANOUT.verifiesTokens()).isFalse();
    }

    @Test
    void eachFunctionMayCallExactlyTheseConnectionsMethods() {
        // Written out on purpose, not derived from RouteAccess: a change to a grant must change this spec too. Every
        // route that answers a client ($default and refresh included) posts its answer and closes a connection
        // whose token expired or that keeps flooding; $disconnect and the fan-out function only post; the publisher
        // posts and closes connections (the queue's disconnect); only $connect reads a connection (GET), to tell
        // whether a user at the connection limit holds one that is gone.
        Set<String> answer = Set.of("POST", "DELETE");
        Map<String, Set<String>> expected = new java.util.TreeMap<>();
        expected.put(Handlers.lambdaHandler(Route.CONNECT), Set.of("GET"));
        expected.put(Handlers.lambdaHandler(Route.DISCONNECT), Set.of("POST"));
        expected.put(Handlers.lambdaHandler(Route.DEFAULT), answer);
        expected.put(Handlers.lambdaHandler(Route.JOIN), answer);
        expected.put(Handlers.lambdaHandler(Route.LEAVE), answer);
        expected.put(Handlers.lambdaHandler(Route.SEND), answer);
        expected.put(Handlers.lambdaHandler(Route.PING), answer);
        expected.put(Handlers.lambdaHandler(Route.RESUME), answer);
        expected.put(Handlers.lambdaHandler(Route.PRESENCE), answer);
        expected.put(Handlers.lambdaHandler(Route.DIRECT), answer);
        expected.put(Handlers.lambdaHandler(Route.REFRESH), answer);
        expected.put(Handlers.lambdaHandler(Handlers.AUTHORIZER), Set.of());
        expected.put(Handlers.lambdaHandler(Handlers.PUBLISHER), answer);
        expected.put(Handlers.lambdaHandler(Handlers.FANOUT), Set.of("POST"));

        assertThat(connectionMethodsByHandler(synth)).isEqualTo(expected);
    }

    /**
     * The {@code @connections} methods each function's role allows, by handler, read from the resources of its
     * {@code execute-api:ManageConnections} statements (one ARN per method, on this stage only).
     */
    static Map<String, Set<String>> connectionMethodsByHandler(Synthesized synthesized) {
        String stage = Synthesized.properties(synthesized.resources("AWS::ApiGatewayV2::Stage").values().iterator()
                .next()).get("StageName").toString();
        String api = synthesized.resources("AWS::ApiGatewayV2::Api").keySet().iterator().next();
        // The whole ARN: this partition, region, account, API and stage, one method, any connection id.
        java.util.regex.Pattern connectionsArn = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(
                "{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},\":execute-api:\","
                        + "{\"Ref\":\"AWS::Region\"},\":\",{\"Ref\":\"AWS::AccountId\"},\":\",{\"Ref\":\""
                        + api + "\"},\"/" + stage + "/") + "([A-Z]+)" + java.util.regex.Pattern.quote(
                "/@connections/*\"]]}"));
        Map<String, Set<String>> methods = new java.util.TreeMap<>();
        synthesized.statementsByHandler().forEach((handler, statements) -> {
            Set<String> granted = new java.util.TreeSet<>();
            for (Map<String, Object> statement : statements) {
                if (strings(statement.get("Action")).stream().anyMatch(a -> a.startsWith("execute-api:"))) {
                    assertThat(strings(statement.get("Action"))).containsExactly("execute-api:ManageConnections");
                    Object resources = statement.get("Resource");
                    for (Object resource : resources instanceof List<?> list ? list : List.of(resources)) {
                        String arn = JSON.valueToTree(resource).toString();
                        java.util.regex.Matcher matcher = connectionsArn.matcher(arn);
                        assertThat(matcher.matches()).as(handler + " may manage connections on " + arn).isTrue();
                        assertThat(granted.add(matcher.group(1))).as("granted once: " + arn).isTrue();
                    }
                }
            }
            methods.put(handler, granted);
        });
        return methods;
    }

    @Test
    void refreshVerifiesTokensWithTheAuthorizersSettingsAndKey() {
        assertRefreshVerifiesTokensAsTheAuthorizerDoes(synth);
        Map<String, Object> authorizer = synth.environmentsByHandler().get(Handlers.lambdaHandler(Handlers.AUTHORIZER));
        String secretId = synth.resources("AWS::SecretsManager::Secret").keySet().iterator().next();
        assertThat(authorizer).isEqualTo(Map.of(
                EnvNames.AUTH_MODE, "jwt",
                EnvNames.JWT_SECRET_ARN, Map.of("Ref", secretId)));
    }

    /**
     * The refresh function verifies tokens exactly as the authorizer does: its environment is the route environment
     * plus every one of the authorizer's settings, the same values; it reads the signing key if the authorizer does,
     * and no other route function may.
     */
    static void assertRefreshVerifiesTokensAsTheAuthorizerDoes(Synthesized synthesized) {
        Map<String, Map<String, Object>> environments = synthesized.environmentsByHandler();
        Map<String, Object> authorizer = environments.get(Handlers.lambdaHandler(Handlers.AUTHORIZER));
        Map<String, Object> refresh = environments.get(Handlers.lambdaHandler(Route.REFRESH));
        // Ping takes the route environment and nothing else.
        Map<String, Object> routeOnly = environments.get(Handlers.lambdaHandler(Route.PING));
        assertThat(authorizer).containsKey(EnvNames.AUTH_MODE);
        Map<String, Object> expected = new java.util.HashMap<>(routeOnly);
        expected.putAll(authorizer);
        assertThat(refresh).isEqualTo(expected);
        assertThat(routeOnly).doesNotContainKeys(authorizer.keySet().toArray(String[]::new));

        Set<String> readers = synthesized.handlersAllowed("secretsmanager:");
        boolean sharedKey = authorizer.containsKey(EnvNames.JWT_SECRET_ARN);
        assertThat(readers).isEqualTo(sharedKey
                ? Set.of(Handlers.lambdaHandler(Handlers.AUTHORIZER), Handlers.lambdaHandler(Route.REFRESH))
                : Set.of());
        if (sharedKey) {
            Map<String, List<Map<String, Object>>> statements = synthesized.statementsByHandler();
            for (String reader : readers) {
                assertThat(statements.get(reader)).filteredOn(s -> strings(s.get("Action")).stream()
                        .anyMatch(a -> a.startsWith("secretsmanager:"))).singleElement().satisfies(s -> {
                            assertThat(strings(s.get("Action"))).containsExactlyInAnyOrder(
                                    "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue");
                            assertThat(s.get("Resource")).isEqualTo(authorizer.get(EnvNames.JWT_SECRET_ARN));
                        });
            }
        }
    }

    @Test
    void everyFunctionThatDecidesAppliesTheClaimsPolicyByDefault() {
        assertPolicyEverywhere(synth, "claims");
    }

    /** Every function but the authorizer (which decides nothing about rooms) runs under this policy. */
    static void assertPolicyEverywhere(Synthesized synthesized, String policy) {
        Map<String, Map<String, Object>> environments = synthesized.environmentsByHandler();
        for (Route route : Route.values()) {
            assertThat(environments.get(Handlers.lambdaHandler(route))).as(route.key())
                    .containsEntry(EnvNames.POLICY, policy);
        }
        assertThat(environments.get(Handlers.lambdaHandler(Handlers.AUTHORIZER))).doesNotContainKey(EnvNames.POLICY);
    }

    @Test
    void noPolicyGrantsTableOrConnectionAccessOnAWildcardResource() {
        for (Map<String, Object> policy : synth.resources("AWS::IAM::Policy").values()) {
            for (Map<String, Object> statement : statements(policy)) {
                boolean sensitive = strings(statement.get("Action")).stream()
                        .anyMatch(a -> a.startsWith("dynamodb:") || a.startsWith("execute-api:")
                                || a.startsWith("sqs:"));
                if (sensitive) {
                    assertThat(JSON.valueToTree(statement.get("Resource")).toString())
                            .doesNotContain("\"*\"").doesNotContain("execute-api:*");
                    assertThat(strings(statement.get("Action"))).noneMatch(a -> a.contains("*"));
                }
            }
        }
    }

    @Test
    void everyFunctionThatServesOrDeliversHasTheLimits() {
        Map<String, Map<String, Object>> environments = synth.environmentsByHandler();
        Quotas quotas = Quotas.defaults();
        List<String> handlers = new ArrayList<>(Arrays.stream(Route.values()).map(Handlers::lambdaHandler).toList());
        handlers.add(Handlers.lambdaHandler(Handlers.PUBLISHER));
        handlers.add(Handlers.lambdaHandler(Handlers.FANOUT));
        for (String handler : handlers) {
            assertThat(environments.get(handler)).as(handler)
                    .containsEntry(EnvNames.FRAME_RATE, Integer.toString(quotas.frameRate()))
                    .containsEntry(EnvNames.FRAME_BURST, Integer.toString(quotas.frameBurst()))
                    .containsEntry(EnvNames.CONNECTIONS_PER_USER, Integer.toString(quotas.connectionsPerUser()))
                    .containsEntry(EnvNames.PRESENCE_POSTS_PER_DISCONNECT,
                            Integer.toString(quotas.presencePostsPerDisconnect()))
                    .containsEntry(EnvNames.MAX_POSTS_PER_SECOND,
                            Integer.toString(SwitchboardProps.DEFAULT_MAX_POSTS_PER_SECOND));
        }
    }

    @Test
    void withNoPublishersNamedOnlyPrincipalsOfTheStacksAccountMaySendToThePublishQueue() {
        String queueId = eventSourceQueueOf(functionLogicalId(Handlers.lambdaHandler(Handlers.PUBLISHER)));
        List<Map<String, Object>> statements = queuePolicyStatements(synth, queueId);
        assertThat(queueStatement(statements, "OnlyNamedPublishersSend"))
                .containsEntry("Effect", "Deny")
                .containsEntry("Principal", Map.of("AWS", "*"))
                .containsEntry("Action", "sqs:SendMessage")
                .containsEntry("Condition", Map.of("StringNotEquals",
                        Map.of("aws:PrincipalAccount", List.of(Map.of("Ref", "AWS::AccountId")))));
        assertThat(statements).noneMatch(s -> "NamedPublishersSend".equals(s.get("Sid")));
    }

    @Test
    void onlyTheFunctionsThatHandOnWorkMaySendToTheFanoutQueue() {
        Map<String, Object> deny = queueStatement(queuePolicyStatements(synth, fanoutQueueLogicalId()),
                "OnlyTheStackSends");
        assertThat(deny).containsEntry("Effect", "Deny").containsEntry("Principal", Map.of("AWS", "*"))
                .containsEntry("Action", "sqs:SendMessage");
        List<String> senders = new ArrayList<>();
        for (Route route : Route.values()) {
            if (RouteAccess.of(route).enqueuesFanout()) {
                senders.add(Handlers.lambdaHandler(route));
            }
        }
        senders.add(Handlers.lambdaHandler(Handlers.PUBLISHER));
        senders.add(Handlers.lambdaHandler(Handlers.FANOUT));
        assertThat(senders).hasSize(4);
        assertThat(deny.get("Condition")).isEqualTo(Map.of("ArnNotEquals", Map.of("aws:PrincipalArn",
                senders.stream().map(handler -> Map.of("Fn::GetAtt",
                        List.of(roleOf(functionLogicalId(handler)).get("Ref"), "Arn"))).toList())));
    }

    /** The statements of the queue's own policy. */
    static List<Map<String, Object>> queuePolicyStatements(Synthesized synthesized, String queueId) {
        List<Map<String, Object>> policies = synthesized.resources("AWS::SQS::QueuePolicy").values().stream()
                .filter(p -> ((List<?>) Synthesized.properties(p).get("Queues")).contains(Map.of("Ref", queueId)))
                .toList();
        assertThat(policies).hasSize(1);
        return statements(policies.get(0));
    }

    static Map<String, Object> queueStatement(List<Map<String, Object>> statements, String sid) {
        return statements.stream().filter(s -> sid.equals(s.get("Sid"))).findFirst()
                .orElseThrow(() -> new AssertionError("no statement " + sid + " in " + statements));
    }

    @Test
    void theAuthorizerReadsOnlyTheGeneratedSigningKey() {
        String functionId = functionLogicalId(Handlers.lambdaHandler(Handlers.AUTHORIZER));
        Map<String, Object> function = Synthesized.properties(synth.resources("AWS::Lambda::Function").get(functionId));
        Map<String, Object> variables = environment(function);
        String secretId = synth.resources("AWS::SecretsManager::Secret").keySet().iterator().next();
        assertThat(variables).containsEntry(EnvNames.AUTH_MODE, "jwt")
                .containsEntry(EnvNames.JWT_SECRET_ARN, Map.of("Ref", secretId))
                .doesNotContainKey(EnvNames.TABLE_NAME);
        synth.template().hasResourceProperties("AWS::SecretsManager::Secret", Map.of(
                "GenerateSecretString", Map.of("PasswordLength", 64, "ExcludePunctuation", true)));

        List<Map<String, Object>> statements = statementsOfFunction(functionId);
        assertThat(statements).anySatisfy(s -> {
            assertThat(strings(s.get("Action"))).containsExactlyInAnyOrder("secretsmanager:DescribeSecret",
                    "secretsmanager:GetSecretValue");
            assertThat(s.get("Resource")).isEqualTo(Map.of("Ref", secretId));
        });
        assertThat(statements).noneSatisfy(s -> assertThat(strings(s.get("Action")))
                .anyMatch(a -> a.startsWith("dynamodb:") || a.startsWith("execute-api:")));
    }

    @Test
    void theStageDeploysItselfThrottlesAndWritesJsonAccessLogs() throws Exception {
        Map<String, Object> stage = Synthesized.properties(
                synth.resources("AWS::ApiGatewayV2::Stage").values().iterator().next());
        assertThat(stage).containsEntry("StageName", "prod").containsEntry("AutoDeploy", true)
                .containsEntry("DefaultRouteSettings", Map.of("ThrottlingRateLimit", 500, "ThrottlingBurstLimit",
                        1000));
        Map<?, ?> accessLogs = (Map<?, ?>) stage.get("AccessLogSettings");
        Map<String, Object> format = JSON.readValue((String) accessLogs.get("Format"),
                new TypeReference<Map<String, Object>>() { });
        assertThat(format).containsEntry("connectionId", "$context.connectionId")
                .containsEntry("routeKey", "$context.routeKey").containsEntry("status", "$context.status");
        assertThat(format.values().toString()).doesNotContain("querystring").doesNotContain("header");
        String logGroupId = (String) ((List<?>) ((Map<?, ?>) accessLogs.get("DestinationArn")).get("Fn::GetAtt"))
                .get(0);
        assertThat(Synthesized.properties(synth.resources("AWS::Logs::LogGroup").get(logGroupId)))
                .containsEntry("RetentionInDays", 30);
        synth.template().hasResourceProperties("AWS::ApiGateway::Account", Match.objectLike(Map.of()));
    }

    @Test
    void everyLogGroupHasARetentionAndEveryFunctionWritesToItsOwn() {
        Map<String, Map<String, Object>> logGroups = synth.resources("AWS::Logs::LogGroup");
        // One per route function, the authorizer, the publisher, the fan-out function, and the API's access logs.
        assertThat(logGroups).hasSize(Route.values().length + 4);
        logGroups.values().forEach(g -> assertThat(Synthesized.properties(g)).containsEntry("RetentionInDays", 30));
        Set<Object> used = synth.resources("AWS::Lambda::Function").values().stream()
                .map(f -> ((Map<?, ?>) Synthesized.properties(f).get("LoggingConfig")).get("LogGroup"))
                .collect(Collectors.toSet());
        assertThat(used).hasSize(Route.values().length + 3);
    }

    @Test
    void alarmsWatchFunctionsTheApiAndTheTable() {
        List<Map<String, Object>> alarms = synth.resources("AWS::CloudWatch::Alarm").values().stream()
                .map(Synthesized::properties).toList();
        int functions = Route.values().length + 3;
        Map<String, Long> byMetric = alarms.stream().filter(a -> a.containsKey("MetricName"))
                .collect(Collectors.groupingBy(a -> (String) a.get("MetricName"), Collectors.counting()));
        assertThat(byMetric).containsEntry("Errors", (long) functions).containsEntry("Throttles", (long) functions)
                .containsEntry("ClientError", 1L).containsEntry("ExecutionError", 1L)
                .containsEntry("IntegrationError", 1L).containsEntry(MetricNames.DELIVERY_FAILURES, 1L);
        assertThat(alarms).filteredOn(a -> MetricNames.DELIVERY_FAILURES.equals(a.get("MetricName"))).singleElement()
                .satisfies(a -> assertThat(a.get("Dimensions")).as("the functions' service name is the stack's name")
                        .isEqualTo(List.of(Map.of("Name", MetricNames.SERVICE_DIMENSION, "Value", "Switchboard"))));
        // The publish queue and the fan-out queue: the age of their backlog, the depth of their dead-letter queues.
        assertThat(byMetric).containsEntry("ApproximateNumberOfMessagesVisible", 2L)
                .containsEntry("ApproximateAgeOfOldestMessage", 2L);
        assertThat(alarms).filteredOn(a -> "ApproximateAgeOfOldestMessage".equals(a.get("MetricName")))
                .anySatisfy(a -> assertThat(a.get("Dimensions")).isEqualTo(List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of(fanoutQueueLogicalId(), "QueueName"))))));
        assertThat(alarms).filteredOn(a -> "ApproximateNumberOfMessagesVisible".equals(a.get("MetricName")))
                .anySatisfy(a -> assertThat(a.get("Dimensions")).isEqualTo(List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of(deadLetterQueueOf(fanoutQueueLogicalId()),
                                "QueueName"))))));
        assertThat(alarms).filteredOn(a -> a.containsKey("Metrics")).singleElement()
                .satisfies(a -> assertThat(JSON.valueToTree(a.get("Metrics")).toString())
                        .contains("ReadThrottleEvents").contains("WriteThrottleEvents"));
        assertThat(alarms).allSatisfy(a -> assertThat(a).doesNotContainKey("AlarmActions"));
        synth.template().resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    }

    @Test
    void outputsTellClientsAndTestsWhereEverythingIs() {
        Map<String, Map<String, Object>> outputs = castOutputs();
        assertThat(outputs).containsKeys("WebSocketUrl", "ManagementEndpoint", "TableName", "Region", "JwtSecretArn",
                "DashboardName");
        assertThat(JSON.valueToTree(outputs.get("WebSocketUrl").get("Value")).toString())
                .contains("\"wss://\"").contains("\"/prod\"");
        assertThat(JSON.valueToTree(outputs.get("ManagementEndpoint").get("Value")).toString())
                .contains("\"https://\"").contains("\"/prod\"");
        assertThat(outputs.get("TableName").get("Value")).isEqualTo(Map.of("Ref", tableLogicalId()));
    }

    @Test
    void backendsPublishThroughAQueueDrainedByThePublisherWithPartialBatchFailures() {
        // The publish queue and the fan-out queue, each with its dead-letter queue.
        synth.template().resourceCountIs("AWS::SQS::Queue", 4);
        String publisher = functionLogicalId(Handlers.lambdaHandler(Handlers.PUBLISHER));
        Map<String, Object> mapping = eventSourceOf(publisher);
        assertThat(mapping).containsEntry("FunctionResponseTypes", List.of("ReportBatchItemFailures"))
                .containsEntry("BatchSize", 10);
        // The queue drives the published (SnapStart) alias, as every route does: its ARN ends in ":live".
        assertThat(JSON.valueToTree(mapping.get("FunctionName")).toString())
                .contains("\":" + SwitchboardStack.ALIAS_NAME + "\"");
        String queueId = eventSourceQueueOf(publisher);
        assertThat(Synthesized.properties(synth.resources("AWS::SQS::Queue").get(queueId)))
                .containsEntry("SqsManagedSseEnabled", true)
                .containsEntry("RedrivePolicy", Map.of("maxReceiveCount", 3,
                        "deadLetterTargetArn", Map.of("Fn::GetAtt", List.of(deadLetterQueueOf(queueId), "Arn"))));
        assertThat(castOutputs().get("PublishQueueUrl").get("Value")).isEqualTo(Map.of("Ref", queueId));
        Set<String> granted = statementsOfFunction(publisher).stream()
                .flatMap(statement -> strings(statement.get("Action")).stream())
                .filter(action -> action.startsWith("dynamodb:") || action.startsWith("sqs:"))
                .collect(Collectors.toSet());
        assertThat(granted).contains("dynamodb:PutItem", "dynamodb:UpdateItem", "sqs:ReceiveMessage",
                "sqs:DeleteMessage").doesNotContain("dynamodb:Scan", "dynamodb:DeleteTable");
    }

    @Test
    void largeRoomsGoThroughAFanoutQueueWithItsOwnDeadLetterQueue() {
        String queueId = fanoutQueueLogicalId();
        String deadLetterQueueId = deadLetterQueueOf(queueId);
        assertThat(deadLetterQueueId).isNotEqualTo(deadLetterQueueOf(eventSourceQueueOf(
                functionLogicalId(Handlers.lambdaHandler(Handlers.PUBLISHER)))));
        int functionTimeout = (Integer) Synthesized.properties(synth.resources("AWS::Lambda::Function")
                .get(functionLogicalId(Handlers.lambdaHandler(Handlers.FANOUT)))).get("Timeout");
        assertThat(Synthesized.properties(synth.resources("AWS::SQS::Queue").get(queueId))).isEqualTo(Map.of(
                "SqsManagedSseEnabled", true,
                // Six times the consumer's timeout, as for the publish queue.
                "VisibilityTimeout", 6 * functionTimeout,
                "RedrivePolicy", Map.of("maxReceiveCount", 3,
                        "deadLetterTargetArn", Map.of("Fn::GetAtt", List.of(deadLetterQueueId, "Arn")))));
        assertThat(Synthesized.properties(synth.resources("AWS::SQS::Queue").get(deadLetterQueueId))).isEqualTo(
                Map.of("SqsManagedSseEnabled", true, "MessageRetentionPeriod", 14 * 24 * 3600));
        // Both refuse plain HTTP, like the publish queues.
        for (String id : List.of(queueId, deadLetterQueueId)) {
            assertThat(queuePolicyStatements(synth, id)).anySatisfy(statement -> assertThat(statement)
                    .containsEntry("Effect", "Deny")
                    .containsEntry("Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))));
        }
    }

    @Test
    void theFanoutFunctionTakesOneShardPerInvocationThroughItsLiveAlias() {
        String functionId = functionLogicalId(Handlers.lambdaHandler(Handlers.FANOUT));
        assertThat(Synthesized.properties(synth.resources("AWS::Lambda::Function").get(functionId)))
                .containsEntry("Runtime", "java25")
                .containsEntry("Architectures", List.of("arm64"))
                .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
        String aliasId = aliasOf(functionId);
        assertThat(Synthesized.properties(synth.resources("AWS::Lambda::Alias").get(aliasId)))
                .containsEntry("Name", SwitchboardStack.ALIAS_NAME);

        Map<String, Object> mapping = eventSourceOf(functionId);
        assertThat(mapping)
                .containsEntry("EventSourceArn", Map.of("Fn::GetAtt", List.of(fanoutQueueLogicalId(), "Arn")))
                .containsEntry("BatchSize", 1)
                .containsEntry("FunctionResponseTypes", List.of("ReportBatchItemFailures"))
                .containsEntry("ScalingConfig", Map.of("MaximumConcurrency", 20));
        // The alias, never the function's $LATEST.
        assertThat(JSON.valueToTree(mapping.get("FunctionName")).toString())
                .contains("{\"Ref\":\"" + aliasId + "\"}").contains("\":" + SwitchboardStack.ALIAS_NAME + "\"")
                .doesNotContain(functionId + "\"");
    }

    @Test
    void theFanoutFunctionQueriesItsShardPostsPrunesAndHandsBackToItsQueueOnly() {
        String functionId = functionLogicalId(Handlers.lambdaHandler(Handlers.FANOUT));
        Map<String, Object> table = Map.of("Fn::GetAtt", List.of(tableLogicalId(), "Arn"));
        Map<String, Object> queue = Map.of("Fn::GetAtt", List.of(fanoutQueueLogicalId(), "Arn"));
        List<Map<String, Object>> statements = statementsOfFunction(functionId);
        assertThat(statements).hasSize(5).allSatisfy(s -> assertThat(s.get("Effect")).isEqualTo("Allow"));
        // Recipients it still cannot reach go back on its own queue for a later attempt.
        assertThat(statements).contains(sendToFanoutQueue());
        assertThat(statements).anySatisfy(s -> {
            assertThat(strings(s.get("Action"))).containsExactlyInAnyOrder("dynamodb:GetItem",
                    "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchWriteItem");
            assertThat(s.get("Resource")).isEqualTo(table);
        });
        assertThat(statements).anySatisfy(s -> {
            assertThat(strings(s.get("Action"))).containsExactly("execute-api:ManageConnections");
            assertThat(JSON.valueToTree(s.get("Resource")).toString()).endsWith("\"/prod/POST/@connections/*\"]]}");
        });
        assertThat(statements).anySatisfy(s -> {
            assertThat(strings(s.get("Action"))).containsExactlyInAnyOrder("sqs:ReceiveMessage",
                    "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:DeleteMessage", "sqs:GetQueueAttributes");
            assertThat(s.get("Resource")).isEqualTo(queue);
        });
        assertThat(statements).anySatisfy(s -> assertThat(strings(s.get("Action")))
                .containsExactlyInAnyOrder("logs:CreateLogStream", "logs:PutLogEvents"));
        assertThat(RouteAccess.FANOUT.tableActions()).containsExactlyInAnyOrder("dynamodb:GetItem",
                "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchWriteItem");
    }

    @Test
    void onlyTheFunctionsThatDeliverMessagesMaySendToTheFanoutQueue() {
        Set<Object> senders = new HashSet<>();
        for (Map<String, Object> policy : synth.resources("AWS::IAM::Policy").values()) {
            for (Map<String, Object> statement : statements(policy)) {
                List<String> actions = strings(statement.get("Action"));
                assertThat(actions).noneMatch(a -> a.startsWith("kms:"));
                if (actions.stream().anyMatch(a -> a.startsWith("sqs:Send"))) {
                    assertThat(statement).isEqualTo(sendToFanoutQueue());
                    senders.addAll((List<?>) Synthesized.properties(policy).get("Roles"));
                }
            }
        }
        assertThat(senders).containsExactlyInAnyOrder(
                roleOf(functionLogicalId(Handlers.lambdaHandler(Route.SEND))),
                roleOf(functionLogicalId(Handlers.lambdaHandler(Route.DIRECT))),
                roleOf(functionLogicalId(Handlers.lambdaHandler(Handlers.PUBLISHER))),
                roleOf(functionLogicalId(Handlers.lambdaHandler(Handlers.FANOUT))));
    }

    @Test
    void theFunctionsThatDeliverMessagesLearnTheFanoutQueueAndThresholdAndNoOtherFunctionDoes() {
        Map<String, Map<String, Object>> withQueue = new java.util.TreeMap<>(synth.environmentsByHandler());
        withQueue.values().removeIf(variables -> !variables.containsKey(EnvNames.FANOUT_QUEUE_URL)
                && !variables.containsKey(EnvNames.FANOUT_THRESHOLD));
        assertThat(withQueue).containsOnlyKeys(Handlers.lambdaHandler(Route.SEND), Handlers.lambdaHandler(Route.DIRECT),
                Handlers.lambdaHandler(Handlers.PUBLISHER), Handlers.lambdaHandler(Handlers.FANOUT));
        withQueue.values().forEach(variables -> assertThat(variables)
                .containsEntry(EnvNames.FANOUT_QUEUE_URL, Map.of("Ref", fanoutQueueLogicalId()))
                .containsEntry(EnvNames.FANOUT_THRESHOLD, "2000"));
    }

    @Test
    void cdkNagAwsSolutionsFindsNothingUnsuppressed() {
        assertThat(synth.nagErrors()).isEmpty();
        assertThat(synth.nagWarnings()).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> castOutputs() {
        return (Map<String, Map<String, Object>>) (Map<String, ?>) synth.template().findOutputs("*");
    }

    static String functionLogicalId(String handler) {
        return synth.resources("AWS::Lambda::Function").entrySet().stream()
                .filter(e -> handler.equals(Synthesized.properties(e.getValue()).get("Handler")))
                .map(Map.Entry::getKey)
                .reduce((a, b) -> {
                    throw new AssertionError("two functions with handler " + handler);
                })
                .orElseThrow(() -> new AssertionError("no function with handler " + handler));
    }

    /** The one statement that lets a function read the generated signing key. */
    private static Map<String, Object> readSigningKey() {
        return Map.of("Action", List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
                "Effect", "Allow",
                "Resource", Map.of("Ref", synth.resources("AWS::SecretsManager::Secret").keySet().iterator().next()));
    }

    /** The one statement that lets a function send to the fan-out queue. */
    private static Map<String, Object> sendToFanoutQueue() {
        return Map.of("Action", "sqs:SendMessage", "Effect", "Allow",
                "Resource", Map.of("Fn::GetAtt", List.of(fanoutQueueLogicalId(), "Arn")));
    }

    /** The queue the fan-out function's event source reads. */
    private static String fanoutQueueLogicalId() {
        return eventSourceQueueOf(functionLogicalId(Handlers.lambdaHandler(Handlers.FANOUT)));
    }

    private static String eventSourceQueueOf(String functionId) {
        return (String) ((List<?>) ((Map<?, ?>) eventSourceOf(functionId).get("EventSourceArn")).get("Fn::GetAtt"))
                .get(0);
    }

    /** The one SQS event source mapping invoking the function (through its alias). */
    private static Map<String, Object> eventSourceOf(String functionId) {
        String alias = "{\"Ref\":\"" + aliasOf(functionId) + "\"}";
        List<Map<String, Object>> mappings = synth.resources("AWS::Lambda::EventSourceMapping").values().stream()
                .map(Synthesized::properties)
                .filter(m -> JSON.valueToTree(m.get("FunctionName")).toString().contains(alias))
                .toList();
        assertThat(mappings).hasSize(1);
        return mappings.get(0);
    }

    private static String deadLetterQueueOf(String queueId) {
        Map<?, ?> redrive = (Map<?, ?>) Synthesized.properties(synth.resources("AWS::SQS::Queue").get(queueId))
                .get("RedrivePolicy");
        return (String) ((List<?>) ((Map<?, ?>) redrive.get("deadLetterTargetArn")).get("Fn::GetAtt")).get(0);
    }

    private static Map<String, Object> roleOf(String functionId) {
        Map<String, Object> function = Synthesized.properties(synth.resources("AWS::Lambda::Function").get(functionId));
        return Map.of("Ref", ((List<?>) ((Map<?, ?>) function.get("Role")).get("Fn::GetAtt")).get(0));
    }

    private static String aliasOf(String functionId) {
        return synth.resources("AWS::Lambda::Alias").entrySet().stream()
                .filter(e -> Map.of("Ref", functionId).equals(Synthesized.properties(e.getValue()).get("FunctionName")))
                .map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("no alias for " + functionId));
    }

    private static String routeLogicalId(Route route) {
        return synth.resources("AWS::ApiGatewayV2::Route").entrySet().stream()
                .filter(e -> route.key().equals(Synthesized.properties(e.getValue()).get("RouteKey")))
                .map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    private static String tableLogicalId() {
        return synth.resources("AWS::DynamoDB::GlobalTable").keySet().iterator().next();
    }

    private static String apiLogicalId() {
        return synth.resources("AWS::ApiGatewayV2::Api").keySet().iterator().next();
    }

    /** Every statement of every policy attached to the function's role. */
    static List<Map<String, Object>> statementsOfFunction(String functionId) {
        Map<String, Object> function = Synthesized.properties(synth.resources("AWS::Lambda::Function").get(functionId));
        String roleId = (String) ((List<?>) ((Map<?, ?>) function.get("Role")).get("Fn::GetAtt")).get(0);
        assertThat(Synthesized.properties(synth.resources("AWS::IAM::Role").get(roleId)))
                .doesNotContainKey("ManagedPolicyArns");
        return synth.resources("AWS::IAM::Policy").values().stream()
                .filter(p -> ((List<?>) Synthesized.properties(p).get("Roles")).contains(Map.of("Ref", roleId)))
                .flatMap(p -> statements(p).stream())
                .toList();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> statements(Map<String, Object> policy) {
        Map<String, Object> document = (Map<String, Object>) Synthesized.properties(policy).get("PolicyDocument");
        return (List<Map<String, Object>>) document.get("Statement");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> environment(Map<String, Object> function) {
        return (Map<String, Object>) ((Map<String, Object>) function.get("Environment")).get("Variables");
    }

    static List<String> strings(Object actionOrActions) {
        return actionOrActions instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                : List.of(String.valueOf(actionOrActions));
    }
}
