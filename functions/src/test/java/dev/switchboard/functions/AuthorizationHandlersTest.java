package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.switchboard.core.Capabilities;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.Grant;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.MovableClock;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.functions.auth.TokenRules;
import dev.switchboard.functions.auth.Tokens;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.aws.DynamoDbRoomHistory;
import dev.switchboard.functions.aws.FakeConnectionsApi;
import dev.switchboard.functions.aws.LocalDynamoDb;
import dev.switchboard.functions.aws.ManagementApiSender;
import dev.switchboard.functions.aws.TableSwitchboard;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Route;
import dev.switchboard.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Authorization as deployed: tokens through the real authorizer, its context into {@code $connect}, every route's
 * handler over DynamoDB Local, and {@code @connections} through the real SDK client against a local fake.
 */
class AuthorizationHandlersTest {

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private final FakeConnectionsApi api = new FakeConnectionsApi();
    private final List<String> storeCalls = new CopyOnWriteArrayList<>();
    private final String table = LocalDynamoDb.newTable();
    private final DynamoDbClient dynamoDb = LocalDynamoDb.client(new ExecutionInterceptor() {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            storeCalls.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    });
    /** Moved by the tests, so expiry needs no waiting. */
    private final MovableClock clock = MovableClock.at(Instant.now());
    private final JwtVerifier verifier = JwtVerifier.hs256(Tokens.SECRET.getBytes(StandardCharsets.UTF_8),
            TokenRules.issuedBy(Tokens.ISSUER).withAudience(Optional.of(Tokens.AUDIENCE)));
    private final DynamoDbConnectionStore store = DynamoDbConnectionStore.create(dynamoDb, table);
    private final Switchboard switchboard;
    private final Map<Route, RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse>> routes =
            new EnumMap<>(Route.class);

    AuthorizationHandlersTest() {
        ManagementApiSender gateway = new ManagementApiSender(AwsClients.managementApi(api.endpoint(),
                Region.US_EAST_1, CREDENTIALS));
        switchboard = TableSwitchboard.over(dynamoDb, table)
                .store(store)
                .sender(gateway)
                .closer(gateway)
                .clock(clock)
                .policy(RoomPolicy.claims())
                .settings(CoreSettings.defaults().withPresenceEvents(false, 0))
                .build().switchboard();
        routes.put(Route.DEFAULT, new DefaultHandler(switchboard));
        routes.put(Route.JOIN, new JoinHandler(switchboard));
        routes.put(Route.LEAVE, new LeaveHandler(switchboard));
        routes.put(Route.SEND, new SendHandler(switchboard));
        routes.put(Route.PING, new PingHandler(switchboard));
        routes.put(Route.RESUME, new ResumeHandler(switchboard));
        routes.put(Route.PRESENCE, new PresenceHandler(switchboard));
        routes.put(Route.DIRECT, new DirectHandler(switchboard));
        routes.put(Route.REFRESH, new RefreshHandler(switchboard, verifier));
    }

    @AfterEach
    void stop() {
        api.close();
        dynamoDb.close();
    }

    private static String token(String user, UnaryOperator<JWTClaimsSet.Builder> change) {
        return Tokens.hs256(user, change);
    }

    /** The authorizer's context for a token, as API Gateway hands it to the connection's events. */
    private Map<String, Object> authorize(String token) {
        APIGatewayCustomAuthorizerEvent event = new APIGatewayCustomAuthorizerEvent();
        event.setMethodArn("arn:aws:execute-api:us-east-1:123456789012:abc123/prod/$connect");
        event.setQueryStringParameters(Map.of("token", token));
        Map<String, Object> context = new HashMap<>(new JwtAuthorizerHandler(verifier).handleRequest(event, null)
                .getContext());
        context.replaceAll((key, value) -> value.toString());
        return context;
    }

    private Map<String, Object> connect(String connectionId, String token) {
        Map<String, Object> context = authorize(token);
        APIGatewayV2WebSocketEvent event = Events.load("connect");
        event.getRequestContext().setConnectionId(connectionId);
        event.getRequestContext().setAuthorizer(context);
        assertThat(new ConnectHandler(switchboard).handleRequest(event, null).getStatusCode()).isEqualTo(200);
        return context;
    }

    private ServerFrame frame(String connectionId, Map<String, Object> context, String body) {
        Route route = Route.select(body);
        APIGatewayV2WebSocketEvent event = Events.withBody("send", body);
        event.getRequestContext().setConnectionId(connectionId);
        event.getRequestContext().setRouteKey(route.key());
        event.getRequestContext().setAuthorizer(context);
        APIGatewayV2WebSocketResponse response = routes.get(route).handleRequest(event, null);
        assertThat(response.getStatusCode()).isEqualTo(200);
        return FrameCodec.decodeServer(response.getBody()).orElseThrow();
    }

    private static void assertError(ServerFrame reply, ErrorCode code) {
        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private List<String> postsTo(String connectionId) {
        return api.received().stream().filter(r -> r.method().equals("POST") && r.connectionId().equals(connectionId))
                .map(r -> new String(r.body(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void everyDenialIsForbiddenChangesNothingAndLeavesTheSocketUsable() {
        Map<String, Object> alice = connect("alice-1", token("alice", c -> c
                .claim("rooms", Map.of("team-42:*", List.of("join", "history", "presence", "send")))));
        Map<String, Object> mallory = connect("mallory-1", token("mallory", c -> c
                .claim("rooms", Map.of("lobby", List.of("join")))));
        assertThat(frame("alice-1", alice, "{\"action\":\"join\",\"room\":\"team-42:general\",\"id\":\"1\"}"))
                .isInstanceOf(ServerFrame.Ack.class);
        assertThat(frame("alice-1", alice, "{\"action\":\"send\",\"room\":\"team-42:general\",\"id\":\"2\","
                + "\"data\":\"secret plans\"}")).isInstanceOf(ServerFrame.Ack.class);
        assertThat(frame("mallory-1", mallory, "{\"action\":\"join\",\"room\":\"lobby\",\"id\":\"1\"}"))
                .isInstanceOf(ServerFrame.Ack.class);
        int postsBefore = api.received().size();

        for (String denied : List.of(
                "{\"action\":\"join\",\"room\":\"team-42:general\",\"id\":\"a\"}",
                "{\"action\":\"join\",\"room\":\"team-42:general\",\"after\":0,\"id\":\"b\"}",
                "{\"action\":\"send\",\"room\":\"lobby\",\"id\":\"c\",\"data\":1}",
                "{\"action\":\"presence\",\"room\":\"lobby\",\"id\":\"d\"}",
                "{\"action\":\"resume\",\"room\":\"lobby\",\"after\":0,\"id\":\"e\"}",
                "{\"action\":\"direct\",\"user\":\"alice\",\"id\":\"f\",\"data\":1}",
                "{\"action\":\"join\",\"room\":\"inbox~alice\",\"id\":\"g\"}")) {
            assertError(frame("mallory-1", mallory, denied), ErrorCode.FORBIDDEN);
        }

        assertThat(api.received()).as("nothing was posted to anyone").hasSize(postsBefore);
        assertThat(store.find("mallory-1").orElseThrow().rooms()).containsOnlyKeys("lobby");
        assertThat(store.members("team-42:general")).containsExactly("alice-1");
        assertThat(new DynamoDbRoomHistory(dynamoDb, table).latestSeq("lobby")).isZero();
        assertThat(frame("mallory-1", mallory, "{\"action\":\"ping\",\"id\":\"p\"}"))
                .isInstanceOf(ServerFrame.Pong.class);
    }

    @Test
    void aFrameAfterTheTokenExpiredIsAnsweredOverTheGatewayAndTheConnectionDeleted() {
        Map<String, Object> bob = connect("bob-1", token("bob", c -> c
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(5))))
                .claim("rooms", Map.of("lobby", List.of("join", "send")))));
        frame("bob-1", bob, "{\"action\":\"join\",\"room\":\"lobby\"}");
        clock.advance(Duration.ofMinutes(6));

        assertError(frame("bob-1", bob, "{\"action\":\"send\",\"room\":\"lobby\",\"id\":\"s\",\"data\":1}"),
                ErrorCode.TOKEN_EXPIRED);

        assertThat(api.received()).extracting(FakeConnectionsApi.Received::method, FakeConnectionsApi.Received::connectionId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("POST", "bob-1"),
                        org.assertj.core.groups.Tuple.tuple("DELETE", "bob-1"));
        assertThat(postsTo("bob-1")).singleElement().asString().contains("TOKEN_EXPIRED");
        assertThat(new DynamoDbRoomHistory(dynamoDb, table).latestSeq("lobby")).isZero();
    }

    @Test
    void refreshWithAFreshTokenForTheSameUserExtendsAndRegrants() {
        Map<String, Object> carol = connect("carol-1", token("carol", c -> c
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(5))))
                .claim("rooms", Map.of("a", List.of("join", "send"), "b", List.of("join")))));
        frame("carol-1", carol, "{\"action\":\"join\",\"room\":\"a\"}");
        frame("carol-1", carol, "{\"action\":\"join\",\"room\":\"b\"}");
        Instant later = clock.instant().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String fresh = token("carol", c -> c.expirationTime(Date.from(later))
                .claim("rooms", Map.of("a", List.of("join", "send", "history"))));

        ServerFrame reply = frame("carol-1", carol, "{\"action\":\"refresh\",\"id\":\"r\",\"token\":\"" + fresh + "\"}");

        assertThat(reply).isEqualTo(new ServerFrame.Ack("r", "refresh", null, null, later.getEpochSecond(),
                List.of("b")));
        assertThat(store.find("carol-1").orElseThrow().grant().expiresAt()).isEqualTo(later);
        assertThat(store.members("b")).isEmpty();
        clock.advance(Duration.ofMinutes(30));
        assertThat(frame("carol-1", carol, "{\"action\":\"resume\",\"room\":\"a\",\"after\":0}"))
                .as("past the first token's expiry, with the history right the second one gave")
                .isInstanceOf(ServerFrame.History.class);
    }

    @Test
    void aRefreshWithABadTokenIsRefusedAndTheOldGrantStays() {
        Map<String, Object> dave = connect("dave-1", token("dave", c -> c
                .claim("rooms", Map.of("lobby", List.of("join")))));
        Grant before = store.find("dave-1").orElseThrow().grant();
        JWTClaimsSet everything = Tokens.claims("dave").claim("rooms", Map.of("*", List.of("join", "send"))).build();

        for (String bad : List.of(
                token("mallory", c -> c.claim("rooms", Map.of("*", List.of("join", "send")))),
                token("dave", c -> c.expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(5))))),
                Tokens.hs256(everything, "another-secret-that-is-also-32-bytes!!"),
                Tokens.unsecured(everything),
                token("dave", c -> c.audience("another-app")),
                "not.a.token")) {
            assertError(frame("dave-1", dave, "{\"action\":\"refresh\",\"id\":\"r\",\"token\":\"" + bad + "\"}"),
                    ErrorCode.FORBIDDEN);
        }

        assertThat(store.find("dave-1").orElseThrow().grant()).isEqualTo(before);
        assertThat(before.capabilities()).isEqualTo(Capabilities.fromCompact("lobby=j|"));
    }

    @Test
    void twoSendsWhoseKeysWouldCollideWithoutEscapingAreTwoMessages() {
        // "r" + "a#b" + "c" and "r" + "a" + "b#c" both read MSGID#r#a#b#c when parts are joined unescaped.
        ServerFrame first = switchboard.publish("r", "a#b", "1", "c").reply();
        ServerFrame second = switchboard.publish("r", "a", "2", "b#c").reply();

        assertThat(first).isInstanceOfSatisfying(ServerFrame.Ack.class, a -> assertThat(a.seq()).isEqualTo(1));
        assertThat(second).isInstanceOfSatisfying(ServerFrame.Ack.class, a -> assertThat(a.seq()).isEqualTo(2));
        assertThat(new DynamoDbRoomHistory(dynamoDb, table).after("r", 0, 10, Instant.now()))
                .extracting(ServerFrame.Message::from).containsExactly("a#b", "a");
    }

    @Test
    void aSendIsFourStoreCallsWithItsAuthorizationQuotaAndIdIncluded() {
        Map<String, Object> erin = connect("erin-1", token("erin", c -> c
                .claim("rooms", Map.of("lobby", List.of("join", "send")))));
        frame("erin-1", erin, "{\"action\":\"join\",\"room\":\"lobby\"}");
        storeCalls.clear();

        frame("erin-1", erin, "{\"action\":\"send\",\"room\":\"lobby\",\"id\":\"s1\",\"data\":1}");

        // Six calls before: GetItem (membership), PutItem (claim), UpdateItem (seq), PutItem (history), UpdateItem
        // (complete), Query (members). Now the frame's quota, membership, send right and token expiry are conditions
        // of one update, written in one transaction with the id's claim; the message and the claim's completion are
        // a second transaction.
        assertThat(storeCalls).containsExactly("TransactWriteItems", "UpdateItem", "TransactWriteItems", "Query");
        storeCalls.clear();

        frame("erin-1", erin, "{\"action\":\"send\",\"room\":\"lobby\",\"data\":2}");

        assertThat(storeCalls).as("without an id there is nothing to claim")
                .containsExactly("UpdateItem", "UpdateItem", "PutItem", "Query");
    }

    @Test
    void anExpiredConnectionThatSendsOnlyUnparseableFramesIsClosedToo() {
        Map<String, Object> frank = connect("frank-1", token("frank", c -> c
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(5))))
                .claim("rooms", Map.of("lobby", List.of("join")))));
        assertError(frame("frank-1", frank, "not json"), ErrorCode.MALFORMED_JSON);
        clock.advance(Duration.ofMinutes(6));

        assertError(frame("frank-1", frank, "{\"action\":\"keepalive\"}"), ErrorCode.TOKEN_EXPIRED);

        assertThat(api.received()).extracting(FakeConnectionsApi.Received::method).containsExactly("POST", "DELETE");
        assertThat(store.find("frank-1")).isEmpty();
    }
}
