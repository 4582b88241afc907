package dev.switchboard.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.config.EnvNames;
import dev.switchboard.core.Connection;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.FanoutQueue;
import dev.switchboard.core.Grant;
import dev.switchboard.core.JoinResult;
import dev.switchboard.core.Rights;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.FanoutHandler;
import dev.switchboard.functions.Handlers;
import dev.switchboard.functions.JwtAuthorizerHandler;
import dev.switchboard.functions.PublishHandler;
import dev.switchboard.functions.RefreshHandler;
import dev.switchboard.functions.Services;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.functions.auth.TokenRules;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.aws.DynamoDbIdempotencyStore;
import dev.switchboard.functions.aws.DynamoDbRoomHistory;
import dev.switchboard.functions.aws.FanoutMessages;
import dev.switchboard.functions.aws.SwitchboardTable;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Route;
import dev.switchboard.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * The grants in {@link RouteAccess}, checked against what each handler really does: every route's handler (and the
 * publisher and the fan-out function) is driven through its paths — the answer, a member found gone and pruned, a
 * frame after the token expired — over DynamoDB Local and a local {@code @connections} API, wired as in a
 * deployment ({@link Services#create}). The DynamoDB actions IAM checks (a transaction's puts, updates, deletes and
 * checks by their own names) and the {@code @connections} methods are recorded, and must be exactly the ones
 * granted: a missing grant fails in AWS, a grant no path uses is more than least privilege allows.
 */
class RouteAccessMatchesHandlersTest {

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    private static final String SIGNING_KEY = "route-access-test-key-of-at-least-32-bytes";
    private static final String STAGE = "prod";
    /** Each room's membership spread over four partitions, so that a room can be spread over the fan-out queue. */
    private static final int SHARDS = 4;
    /** Every action in every room, and direct messages to anyone. */
    private static final Map<String, Object> EVERYTHING = Map.of("*", List.of("join", "history", "presence", "send"));

    private static InProcessDynamoDb dynamoDbLocal;

    /** IAM actions on the table, in the order issued; recorded only while {@link #recording} is set. */
    private final List<String> tableActions = new CopyOnWriteArrayList<>();
    private volatile boolean recording;
    /** Run once, just before the next transaction is sent: to change a connection under a decision. */
    private volatile Runnable beforeNextTransaction;
    private String table;
    private final ScriptedConnections connections = new ScriptedConnections(STAGE);
    private final DynamoDbClient dynamoDb = DynamoDbClient.builder()
            .endpointOverride(dynamoDbLocal.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(CREDENTIALS)
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                @Override
                public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                    Runnable hook = beforeNextTransaction;
                    if (hook != null && context.request() instanceof TransactWriteItemsRequest) {
                        beforeNextTransaction = null;
                        hook.run();
                    }
                    if (recording) {
                        tableActions.addAll(iamActions(context.request(),
                                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)));
                    }
                }
            }))
            .build();
    private final JwtVerifier verifier = JwtVerifier.hs256(SIGNING_KEY.getBytes(StandardCharsets.UTF_8),
            TokenRules.none());
    private final List<FanoutQueue.Job> enqueued = new CopyOnWriteArrayList<>();
    private Switchboard switchboard;
    private Switchboard fanningOut;

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
        connections.close();
        dynamoDb.close();
    }

    /**
     * The IAM actions one request needs: a transaction's items by their own operations (IAM names those, not the
     * transaction), anything else by its operation.
     */
    static List<String> iamActions(SdkRequest request, String operation) {
        if (request instanceof TransactWriteItemsRequest transaction) {
            List<String> actions = new ArrayList<>();
            for (TransactWriteItem item : transaction.transactItems()) {
                actions.add(item.put() != null ? "dynamodb:PutItem"
                        : item.update() != null ? "dynamodb:UpdateItem"
                        : item.delete() != null ? "dynamodb:DeleteItem"
                        : "dynamodb:ConditionCheckItem");
            }
            return actions;
        }
        if ("TransactGetItems".equals(operation)) {
            return List.of("dynamodb:GetItem");
        }
        return List.of("dynamodb:" + operation);
    }

    /** What one function did while it was driven. */
    record Observed(Set<String> tableActions, Set<RouteAccess.ConnectionMethod> connectionMethods,
                    boolean enqueued) {
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void eachRoutesGrantsAreExactlyWhatItsHandlerDoes(Route route) {
        Observed observed = drive(route);
        RouteAccess.Access access = RouteAccess.of(route);

        assertThat(observed.tableActions()).as("DynamoDB actions of " + route.key())
                .isEqualTo(new TreeSet<>(access.tableActions()));
        assertThat(observed.connectionMethods()).as("@connections methods of " + route.key())
                .isEqualTo(access.connectionMethods());
        if (access.enqueuesFanout()) {
            // Only these functions are given the queue; given it, they use it for a large room.
            assertThat(observed.enqueued()).as("hands broadcasts to the fan-out queue: " + route.key()).isTrue();
        }
    }

    @Test
    void thePublishersGrantsAreExactlyWhatItDoes() {
        world();
        Observed observed = record(() -> {
            publish(switchboard, "{\"room\":\"lobby\",\"from\":\"newsroom\",\"data\":{\"headline\":\"hi\"},"
                    + "\"id\":\"p1\"}");
            publish(switchboard, "{\"room\":\"lobby\",\"from\":\"newsroom\",\"data\":1,\"id\":\"p1\"}");
            publish(switchboard, "{\"user\":\"carol\",\"data\":1}");
            publish(fanningOut, "{\"room\":\"lobby\",\"data\":2}");
            // The queue's other operations: a membership the server makes and one it ends (whose room, told, finds
            // carol gone), and a user's connections closed.
            publish(switchboard, "{\"op\":\"addMember\",\"user\":\"bob\",\"room\":\"extra\","
                    + "\"rights\":[\"presence\"]}");
            publish(switchboard, "{\"op\":\"removeMember\",\"user\":\"bob\",\"room\":\"side\"}");
            publish(switchboard, "{\"op\":\"disconnect\",\"user\":\"alice\"}");
        });

        assertThat(observed.tableActions()).isEqualTo(new TreeSet<>(RouteAccess.PUBLISHER.tableActions()));
        assertThat(observed.connectionMethods()).isEqualTo(RouteAccess.PUBLISHER.connectionMethods());
        assertThat(observed.enqueued()).isEqualTo(RouteAccess.PUBLISHER.enqueuesFanout()).isTrue();
    }

    @Test
    void theFanoutFunctionsGrantsAreExactlyWhatItDoes() {
        world();
        new RouteHandlers().message("alice", "{\"action\":\"send\",\"room\":\"lobby\",\"id\":\"big\",\"data\":1}",
                fanningOut);
        assertThat(enqueued).isNotEmpty();
        SQSEvent shards = new SQSEvent();
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (FanoutQueue.Job job : enqueued) {
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId(UUID.randomUUID().toString());
            message.setBody(new String(job.payload(), StandardCharsets.UTF_8));
            Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
            FanoutMessages.attributes(job).forEach(a -> attributes.put(a.name(), stringAttribute(a.value())));
            message.setMessageAttributes(attributes);
            messages.add(message);
        }
        shards.setRecords(messages);
        enqueued.clear();

        // Gina, throttled past every retry, is handed back to the queue once more.
        Observed observed = record(() -> assertThat(new FanoutHandler(fanningOut).handleRequest(shards, null)
                .getBatchItemFailures()).isEmpty());

        assertThat(observed.tableActions()).isEqualTo(new TreeSet<>(RouteAccess.FANOUT.tableActions()));
        assertThat(observed.connectionMethods()).isEqualTo(RouteAccess.FANOUT.connectionMethods());
        assertThat(observed.enqueued()).isEqualTo(RouteAccess.FANOUT.enqueuesFanout()).isTrue();
    }

    /**
     * A fresh table (rooms spread over four shards) with connected users, every one allowed everything: alice (who
     * acts; in {@code lobby} and {@code lobby2}), bob (a member who receives) and carol (a member whose connection
     * is gone: posts to her answer 410), both in those rooms and in {@code side}, each room with a message in its
     * history; gina, in {@code lobby} and {@code lobby2}, whose posts are throttled (429) past every retry; and two
     * connections in {@code side} whose tokens expired, dave (reachable) and erin (gone). {@code lobby} and
     * {@code lobby2} have a member in their first shard, so that their broadcasts can go through the fan-out queue.
     */
    private void world() {
        table = "switchboard-" + UUID.randomUUID();
        SwitchboardTable.createIfMissing(dynamoDb, table);
        Map<String, String> environment = Map.of(
                EnvNames.TABLE_NAME, table,
                EnvNames.MANAGEMENT_ENDPOINT, connections.endpoint().toString(),
                EnvNames.REGION, "us-east-1",
                // Shards, so that a room can be spread over the fan-out queue; every room counts as large.
                EnvNames.ROOM_SHARDS, Integer.toString(SHARDS),
                EnvNames.FANOUT_THRESHOLD, "1",
                // Small, so that $connect's path at the limit is driven too.
                EnvNames.CONNECTIONS_PER_USER, "2");
        FunctionConfig config = FunctionConfig.from(environment);
        Services.Stores stores = new Services.Stores(
                DynamoDbConnectionStore.create(dynamoDb, table, config.roomShards()),
                new DynamoDbRoomHistory(dynamoDb, table), new DynamoDbIdempotencyStore(dynamoDb, table));
        switchboard = Services.create(config, CREDENTIALS, stores, null);
        fanningOut = Services.create(config, CREDENTIALS, stores, jobs -> {
            enqueued.addAll(jobs);
            return List.of();
        });

        RouteHandlers handlers = new RouteHandlers();
        for (String user : List.of("alice", "bob", "carol", "gina")) {
            handlers.connect(user, authorize(token(user, EVERYTHING, Instant.now().plus(Duration.ofHours(1)))));
            for (String room : List.of("lobby", "lobby2", "side")) {
                if (!room.equals("side") || user.equals("bob") || user.equals("carol")) {
                    handlers.message(user, "{\"action\":\"join\",\"room\":\"" + room + "\"}", switchboard);
                }
            }
        }
        // A broadcast goes to the fan-out queue when the room's first shard suggests enough members: more members
        // until it has one.
        for (String room : List.of("lobby", "lobby2")) {
            while (stores.connections().members(room, 0).isEmpty()) {
                String user = "member" + stores.connections().members(room).size();
                handlers.connect(user, authorize(token(user, EVERYTHING, Instant.now().plus(Duration.ofHours(1)))));
                handlers.message(user, "{\"action\":\"join\",\"room\":\"" + room + "\"}", switchboard);
            }
        }
        for (String room : List.of("lobby", "lobby2", "side")) {
            handlers.message("bob", "{\"action\":\"send\",\"room\":\"" + room + "\",\"data\":\"earlier\"}",
                    switchboard);
        }
        for (String user : List.of("dave", "erin")) {
            // The authorizer passed them while their tokens were valid, they joined a room, and the tokens have
            // expired since (written into the store as a refresh would, with an expiry in the past).
            handlers.connect(user, authorize(token(user, EVERYTHING, Instant.now().plus(Duration.ofHours(1)))));
            handlers.message(user, "{\"action\":\"join\",\"room\":\"side\"}", switchboard);
            Connection seen = stores.connections().find(handlers.connectionId(user)).orElseThrow();
            assertThat(stores.connections().regrant(seen, new Grant(seen.grant().capabilities(),
                    Instant.now().minus(Duration.ofMinutes(1))), seen.rooms())).isEqualTo(JoinResult.JOINED);
        }
        connections.gone("carol", "erin");
        connections.throttled("gina");
        connections.received.clear();
        enqueued.clear();
    }

    /** Drives one route's handler through its paths and records what it did. */
    private Observed drive(Route route) {
        world();
        RouteHandlers handlers = new RouteHandlers();
        return record(() -> {
            switch (route) {
                case CONNECT -> {
                    // Frank reaches the limit of two connections; one of them is closed without its $disconnect,
                    // so the third is let in after the look that finds it gone; a fourth is refused.
                    Map<String, Object> frank = authorize(token("frank", EVERYTHING,
                            Instant.now().plus(Duration.ofHours(1))));
                    handlers.connect("frank1", frank);
                    handlers.connect("frank2", frank);
                    connections.gone("frank1");
                    handlers.connect("frank3", frank);
                    assertThat(handlers.connectStatus("frank4", frank)).isEqualTo(429);
                }
                case DISCONNECT -> handlers.disconnect("alice");
                case DEFAULT -> assertError(handlers.message("alice", "{\"action\":\"no-such-action\",\"id\":\"x\"}",
                        switchboard), ErrorCode.UNKNOWN_ACTION);
                case JOIN -> {
                    handlers.served("alice", "{\"action\":\"join\",\"room\":\"side\",\"after\":0,\"id\":\"j1\"}",
                            switchboard);
                    handlers.served("alice", "{\"action\":\"join\",\"room\":\"empty\",\"id\":\"j2\"}", switchboard);
                    // A member already: the answer needs only the room's counter.
                    handlers.served("alice", "{\"action\":\"join\",\"room\":\"lobby\",\"id\":\"j3\"}", switchboard);
                    // The connection's rooms change between its read and its join: read again, joined then.
                    changeBeforeNextTransaction("alice", "elsewhere");
                    handlers.served("alice", "{\"action\":\"join\",\"room\":\"empty2\",\"id\":\"j4\"}", switchboard);
                }
                case LEAVE -> handlers.served("alice", "{\"action\":\"leave\",\"room\":\"lobby\",\"id\":\"l1\"}",
                        switchboard);
                case SEND -> {
                    String send = "{\"action\":\"send\",\"room\":\"lobby\",\"id\":\"s1\",\"data\":\"hi\"}";
                    handlers.served("alice", send, switchboard);
                    handlers.served("alice", send, switchboard);
                    handlers.served("alice", "{\"action\":\"send\",\"room\":\"lobby2\",\"id\":\"s2\",\"data\":1}",
                            fanningOut);
                }
                case PING -> handlers.served("alice", "{\"action\":\"ping\",\"id\":\"p1\"}", switchboard);
                case RESUME -> handlers.served("alice", "{\"action\":\"resume\",\"room\":\"lobby\",\"after\":0,"
                        + "\"id\":\"r1\"}", switchboard);
                case PRESENCE -> handlers.served("alice", "{\"action\":\"presence\",\"room\":\"lobby\",\"id\":\"q1\"}",
                        switchboard);
                case DIRECT -> {
                    handlers.served("alice", "{\"action\":\"direct\",\"user\":\"bob\",\"id\":\"d1\",\"data\":1}",
                            switchboard);
                    handlers.served("alice", "{\"action\":\"direct\",\"user\":\"carol\",\"id\":\"d2\",\"data\":1}",
                            switchboard);
                    // Posts to gina are throttled past every retry: she is handed to the queue for later.
                    handlers.served("alice", "{\"action\":\"direct\",\"user\":\"gina\",\"id\":\"d3\",\"data\":1}",
                            fanningOut);
                }
                case REFRESH -> {
                    // A fresh token that no longer grants lobby: alice leaves it, and its members are told.
                    String fresh = token("alice", Map.of("lobby2", List.of("join", "send")),
                            Instant.now().plus(Duration.ofHours(2)));
                    // Her rooms change between the refresh's read and its write: read again, refreshed then.
                    changeBeforeNextTransaction("alice", "elsewhere");
                    handlers.served("alice", "{\"action\":\"refresh\",\"id\":\"f1\",\"token\":\"" + fresh + "\"}",
                            switchboard);
                    assertError(handlers.message("alice",
                            "{\"action\":\"refresh\",\"id\":\"f2\",\"token\":\"not.a.token\"}", switchboard),
                            ErrorCode.FORBIDDEN);
                    // A refused refresh from a connection whose own token expired closes it instead.
                    assertError(handlers.message("erin",
                            "{\"action\":\"refresh\",\"id\":\"f3\",\"token\":\"not.a.token\"}", switchboard),
                            ErrorCode.TOKEN_EXPIRED);
                }
            }
            if (route.kind() == Route.Kind.MESSAGE) {
                // A frame from each connection whose token expired: the answer reaches dave and closes his
                // connection, and both leave their room; erin's socket is gone already. A refresh with a valid token
                // is how such a connection gets going again (erin's, refused above, is closed by now).
                for (String user : List.of("dave", "erin")) {
                    ServerFrame reply = handlers.message(user, frameAfterExpiry(route, user), switchboard);
                    if (route == Route.REFRESH) {
                        assertThat(reply).isInstanceOfSatisfying(ServerFrame.class, r -> assertThat(r)
                                .isInstanceOf(user.equals("dave") ? ServerFrame.Ack.class : ServerFrame.Error.class));
                    } else {
                        assertError(reply, ErrorCode.TOKEN_EXPIRED);
                    }
                }
            }
        });
    }

    /**
     * Has the user's connection join a room just before the next transaction, through a client of its own (not
     * recorded): a route that decided from its read of the connection finds it changed and reads it again.
     */
    private void changeBeforeNextTransaction(String user, String room) {
        String connectionId = new RouteHandlers().connectionId(user);
        beforeNextTransaction = () -> {
            try (DynamoDbClient other = DynamoDbClient.builder().endpointOverride(dynamoDbLocal.endpoint())
                    .region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
                    .httpClient(UrlConnectionHttpClient.create()).build()) {
                assertThat(DynamoDbConnectionStore.create(other, table, SHARDS).join(connectionId, room, Rights.ALL,
                        CoreSettings.MAX_ROOMS)).isEqualTo(JoinResult.JOINED);
            }
        };
    }

    private static void assertError(ServerFrame reply, ErrorCode code) {
        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    /** A well-formed frame for the route, as a connection whose token expired might send it. */
    private static String frameAfterExpiry(Route route, String user) {
        return switch (route) {
            case JOIN -> "{\"action\":\"join\",\"room\":\"lobby\",\"id\":\"e1\"}";
            case LEAVE -> "{\"action\":\"leave\",\"room\":\"lobby\",\"id\":\"e1\"}";
            case SEND -> "{\"action\":\"send\",\"room\":\"lobby\",\"id\":\"e1\",\"data\":1}";
            case PING -> "{\"action\":\"ping\",\"id\":\"e1\"}";
            case RESUME -> "{\"action\":\"resume\",\"room\":\"lobby\",\"after\":0,\"id\":\"e1\"}";
            case PRESENCE -> "{\"action\":\"presence\",\"room\":\"lobby\",\"id\":\"e1\"}";
            case DIRECT -> "{\"action\":\"direct\",\"user\":\"bob\",\"id\":\"e1\",\"data\":1}";
            case REFRESH -> "{\"action\":\"refresh\",\"id\":\"e1\",\"token\":\""
                    + token(user, EVERYTHING, Instant.now().plus(Duration.ofHours(1))) + "\"}";
            case DEFAULT -> "{\"action\":\"no-such-action\",\"id\":\"e1\"}";
            case CONNECT, DISCONNECT -> throw new IllegalArgumentException(route.key() + " carries no frame");
        };
    }

    private Observed record(Runnable run) {
        tableActions.clear();
        connections.received.clear();
        enqueued.clear();
        recording = true;
        try {
            run.run();
        } finally {
            recording = false;
        }
        Set<RouteAccess.ConnectionMethod> methods = new TreeSet<>();
        connections.received.forEach(method -> methods.add(RouteAccess.ConnectionMethod.valueOf(method)));
        return new Observed(new TreeSet<>(tableActions), methods, !enqueued.isEmpty());
    }

    private void publish(Switchboard publisher, String body) {
        SQSEvent event = new SQSEvent();
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(UUID.randomUUID().toString());
        message.setBody(body);
        event.setRecords(List.of(message));
        assertThat(new PublishHandler(publisher).handleRequest(event, null).getBatchItemFailures()).isEmpty();
    }

    private static SQSEvent.MessageAttribute stringAttribute(String value) {
        SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
        attribute.setDataType("String");
        attribute.setStringValue(value);
        return attribute;
    }

    private static String token(String user, Map<String, Object> rooms, Instant expiry) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .subject(user)
                    .issueTime(new Date())
                    .expirationTime(Date.from(expiry))
                    .claim(TokenRules.DEFAULT_ROOMS_CLAIM, rooms)
                    .claim(TokenRules.DEFAULT_DIRECT_CLAIM, List.of("*"))
                    .build());
            jwt.sign(new MACSigner(SIGNING_KEY.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The authorizer's context for a token, as API Gateway hands it to every event of the connection. */
    private Map<String, Object> authorize(String token) {
        APIGatewayCustomAuthorizerEvent event = new APIGatewayCustomAuthorizerEvent();
        event.setMethodArn("arn:aws:execute-api:us-east-1:123456789012:abc123/" + STAGE + "/$connect");
        event.setQueryStringParameters(Map.of("token", token));
        Map<String, Object> context = new HashMap<>(new JwtAuthorizerHandler(verifier).handleRequest(event, null)
                .getContext());
        context.replaceAll((key, value) -> value.toString());
        assertThat(context).containsKey("userId");
        return context;
    }

    /**
     * The route handlers, built from the route table with their {@code (Switchboard)} constructor as the local stack
     * builds them ({@code refresh} also takes the authorizer's verifier); each user has one connection.
     */
    private final class RouteHandlers {
        private final Map<String, Map<String, Object>> contexts = new ConcurrentHashMap<>();

        void connect(String user, Map<String, Object> context) {
            assertThat(connectStatus(user, context)).isEqualTo(200);
        }

        int connectStatus(String user, Map<String, Object> context) {
            contexts.put(user, context);
            return invoke(Route.CONNECT, user, null, switchboard).getStatusCode();
        }

        void disconnect(String user) {
            assertThat(invoke(Route.DISCONNECT, user, null, switchboard).getStatusCode()).isEqualTo(200);
        }

        String connectionId(String user) {
            return user + "-connection";
        }

        /** A frame from the user's connection, to the route API Gateway would select; the reply. */
        ServerFrame message(String user, String body, Switchboard wiring) {
            APIGatewayV2WebSocketResponse response = invoke(Route.select(body), user, body, wiring);
            assertThat(response.getStatusCode()).isEqualTo(200);
            return FrameCodec.decodeServer(response.getBody()).orElseThrow();
        }

        /** A frame the route must serve, not refuse. */
        void served(String user, String body, Switchboard wiring) {
            assertThat(message(user, body, wiring)).as(body).isNotInstanceOf(ServerFrame.Error.class);
        }

        private APIGatewayV2WebSocketResponse invoke(Route route, String user, String body, Switchboard wiring) {
            APIGatewayV2WebSocketEvent.RequestContext requestContext = new APIGatewayV2WebSocketEvent.RequestContext();
            requestContext.setConnectionId(connectionId(user));
            requestContext.setRouteKey(route.key());
            requestContext.setEventType(route.kind().name());
            requestContext.setStage(STAGE);
            requestContext.setRequestId(UUID.randomUUID().toString());
            requestContext.setConnectedAt(System.currentTimeMillis());
            requestContext.setAuthorizer(contexts.get(user));
            APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
            event.setRequestContext(requestContext);
            event.setBody(body);
            return handler(route, wiring).handleRequest(event, null);
        }

        @SuppressWarnings("unchecked")
        private RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler(
                Route route, Switchboard wiring) {
            if (route == Route.REFRESH) {
                return new RefreshHandler(wiring, verifier);
            }
            try {
                return (RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse>)
                        Class.forName(Handlers.classOf(route)).getConstructor(Switchboard.class).newInstance(wiring);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("no (Switchboard) constructor on " + Handlers.classOf(route), e);
            }
        }
    }
}
