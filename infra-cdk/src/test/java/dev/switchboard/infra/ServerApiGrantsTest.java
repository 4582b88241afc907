package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.config.EnvNames;
import dev.switchboard.core.Capabilities;
import dev.switchboard.core.Grant;
import dev.switchboard.core.RoomAction;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.aws.ManagementApiSender;
import dev.switchboard.functions.aws.SwitchboardTable;
import dev.switchboard.functions.aws.TableSwitchboard;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ServerFrame;
import dev.switchboard.server.ServerApi;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;

/**
 * The stack's server API grants: each gives an application's role exactly what {@link ServerApiGrants.Call} lists,
 * on the stack's table and its stage's {@code @connections}, and what each call lists is exactly what the server
 * library does: every call is driven through its paths (a repeat, a member found gone, a close that finds the
 * connection gone) against DynamoDB Local and a local {@code @connections} API, recording the DynamoDB actions IAM
 * checks and the methods called.
 */
class ServerApiGrantsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    private static final String STAGE = "prod";

    private static InProcessDynamoDb dynamoDbLocal;

    private final List<String> tableActions = new CopyOnWriteArrayList<>();
    private volatile boolean recording;
    private final ScriptedConnections gateway = new ScriptedConnections(STAGE);
    private final DynamoDbClient dynamoDb = DynamoDbClient.builder()
            .endpointOverride(dynamoDbLocal.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(CREDENTIALS)
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                @Override
                public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                    if (recording) {
                        tableActions.addAll(RouteAccessMatchesHandlersTest.iamActions(context.request(),
                                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)));
                    }
                }
            }))
            .build();
    private final ApiGatewayManagementApiClient managementApi = AwsClients.managementApi(gateway.endpoint(),
            Region.US_EAST_1, CREDENTIALS);

    @BeforeAll
    static void startDynamoDbLocal() throws Exception {
        dynamoDbLocal = InProcessDynamoDb.start();
    }

    @AfterAll
    static void stopDynamoDbLocal() throws Exception {
        dynamoDbLocal.close();
    }

    @AfterEach
    void close() {
        managementApi.close();
        dynamoDb.close();
        gateway.close();
    }

    @Test
    void eachGrantGivesTheRoleExactlyWhatItsCallNeedsOnThisTableAndStage() {
        App app = new App();
        SwitchboardStack stack = new SwitchboardStack(app, "Switchboard", StackProps.builder().build(),
                Deployments.defaults());
        Map<ServerApiGrants.Call, Role> roles = new EnumMap<>(ServerApiGrants.Call.class);
        for (ServerApiGrants.Call call : ServerApiGrants.Call.values()) {
            Role role = Role.Builder.create(stack, "App" + call.name().replace("_", "") + "Role")
                    .assumedBy(new ServicePrincipal("lambda.amazonaws.com")).build();
            roles.put(call, role);
            switch (call) {
                case PUBLISH -> stack.grantPublish(role);
                case SEND_TO_USER -> stack.grantSendToUser(role);
                case DISCONNECT -> stack.grantDisconnect(role);
                case MEMBERSHIP -> stack.grantMembership(role);
                case PRESENCE -> stack.grantPresence(role);
                case HISTORY -> stack.grantHistory(role);
            }
        }
        Template template = Template.fromStack(stack);
        String table = template.findResources("AWS::DynamoDB::GlobalTable").keySet().iterator().next();
        String api = template.findResources("AWS::ApiGatewayV2::Api").keySet().iterator().next();
        Pattern connectionsArn = Pattern.compile(Pattern.quote("{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":"
                + "\"AWS::Partition\"},\":execute-api:\",{\"Ref\":\"AWS::Region\"},\":\",{\"Ref\":\"AWS::AccountId\"},"
                + "\":\",{\"Ref\":\"" + api + "\"},\"/" + STAGE + "/") + "([A-Z]+)"
                + Pattern.quote("/@connections/*\"]]}"));

        roles.forEach((call, role) -> {
            Set<String> granted = new TreeSet<>();
            Set<RouteAccess.ConnectionMethod> methods = new TreeSet<>();
            for (Map<String, Object> statement : statementsOf(template, stack, role)) {
                List<String> actions = strings(statement.get("Action"));
                assertThat(statement.get("Effect")).isEqualTo("Allow");
                if (actions.equals(List.of("execute-api:ManageConnections"))) {
                    for (Object resource : list(statement.get("Resource"))) {
                        Matcher matcher = connectionsArn.matcher(JSON.valueToTree(resource).toString());
                        assertThat(matcher.matches()).as(call + ": " + resource).isTrue();
                        methods.add(RouteAccess.ConnectionMethod.valueOf(matcher.group(1)));
                    }
                } else {
                    assertThat(actions).as(call.name()).allMatch(a -> a.startsWith("dynamodb:"));
                    assertThat(statement.get("Resource")).isEqualTo(Map.of("Fn::GetAtt", List.of(table, "Arn")));
                    granted.addAll(actions);
                }
            }
            assertThat(granted).as(call.name()).isEqualTo(new TreeSet<>(call.access().tableActions()));
            assertThat(methods).as(call.name()).isEqualTo(call.access().connectionMethods());
        });
        // Reading presence or history reaches no connection; only closing connections may DELETE; nothing may GET.
        assertThat(ServerApiGrants.Call.PRESENCE.access().managesConnections()).isFalse();
        assertThat(ServerApiGrants.Call.HISTORY.access().managesConnections()).isFalse();
        for (ServerApiGrants.Call call : ServerApiGrants.Call.values()) {
            assertThat(call.access().connectionMethods()).doesNotContain(RouteAccess.ConnectionMethod.GET);
            assertThat(call.access().connectionMethods().contains(RouteAccess.ConnectionMethod.DELETE))
                    .isEqualTo(call == ServerApiGrants.Call.DISCONNECT);
            assertThat(call.access().tableActions()).doesNotContain("dynamodb:Scan");
        }
        assertThat(stack.serverApiEnvironment()).containsOnlyKeys(EnvNames.TABLE_NAME, EnvNames.MANAGEMENT_ENDPOINT,
                EnvNames.ROOM_SHARDS, EnvNames.MAX_POSTS_PER_SECOND).containsEntry(EnvNames.ROOM_SHARDS, "1");
    }

    /** Every statement of the policies attached to the role. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statementsOf(Template template, SwitchboardStack stack, Role role) {
        Object ref = stack.resolve(role.getRoleName());
        List<Map<String, Object>> statements = new ArrayList<>();
        for (Object policy : template.findResources("AWS::IAM::Policy").values()) {
            Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) policy).get("Properties");
            if (((List<?>) properties.get("Roles")).contains(ref)) {
                statements.addAll((List<Map<String, Object>>) ((Map<String, Object>) properties.get("PolicyDocument"))
                        .get("Statement"));
            }
        }
        assertThat(statements).as("policies of " + ref).isNotEmpty();
        return statements;
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of(value);
    }

    private static List<String> strings(Object value) {
        return list(value).stream().map(String::valueOf).toList();
    }

    @ParameterizedTest
    @EnumSource(ServerApiGrants.Call.class)
    void eachCallsGrantIsExactlyWhatTheLibraryDoes(ServerApiGrants.Call call) {
        String table = "switchboard-" + UUID.randomUUID();
        SwitchboardTable.createIfMissing(dynamoDb, table);
        FunctionConfig config = FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, table,
                EnvNames.MANAGEMENT_ENDPOINT, gateway.endpoint().toString(), EnvNames.REGION, "us-east-1"));
        world(table);
        try (ServerApi server = ServerApi.builder().config(config).dynamoDb(dynamoDb).managementApi(managementApi)
                .build()) {
            tableActions.clear();
            gateway.received.clear();
            recording = true;
            try {
                switch (call) {
                    case PUBLISH -> {
                        server.publish("lobby", "1", "desk", "p1");
                        server.publish("lobby", "1", "desk", "p1");
                        server.publish("lobby", "2");
                    }
                    case SEND_TO_USER -> {
                        server.sendToUser("bob", "1", "desk", "d1");
                        server.sendToUser("carol", "1");
                    }
                    case DISCONNECT -> {
                        server.disconnectUser("alice");
                        server.disconnectConnection("carol-connection");
                    }
                    case MEMBERSHIP -> {
                        server.addMember("alice", "extra", RoomAction.PRESENCE);
                        server.removeMember("alice", "lobby");
                    }
                    case PRESENCE -> assertThat(server.presence("lobby")).isNotEmpty();
                    case HISTORY -> assertThat(server.history("lobby", 0).messages()).isNotEmpty();
                }
            } finally {
                recording = false;
            }
        }
        assertThat(new TreeSet<>(tableActions)).as("DynamoDB actions of " + call)
                .isEqualTo(new TreeSet<>(call.access().tableActions()));
        Set<RouteAccess.ConnectionMethod> methods = new TreeSet<>();
        gateway.received.forEach(method -> methods.add(RouteAccess.ConnectionMethod.valueOf(method)));
        assertThat(methods).as("@connections methods of " + call).isEqualTo(call.access().connectionMethods());
    }

    /**
     * Alice, bob and carol in {@code lobby}, each allowed everything there, so each is told of joins and leaves;
     * carol's connection is gone (the gateway answers 410 for it); the room has a message in its history.
     */
    private void world(String table) {
        Switchboard clients = TableSwitchboard.over(dynamoDb, table)
                .sender(new ManagementApiSender(managementApi)).maxInFlight(4)
                .clock(Clock.systemUTC())
                .build().switchboard();
        Grant everything = new Grant(Capabilities.fromCompact("lobby=jhps|*"), Instant.now().plus(Duration.ofHours(1)));
        for (String user : List.of("alice", "bob", "carol")) {
            clients.connect(user + "-connection", user, "", everything);
            assertThat(clients.join(user + "-connection", new ClientFrame.Join(null, "lobby")))
                    .isInstanceOf(ServerFrame.Ack.class);
        }
        clients.send("bob-connection", "bob", new ClientFrame.Send(null, "lobby", "\"earlier\""));
        gateway.gone("carol");
    }
}
