package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.config.EnvNames;
import dev.switchboard.core.CloseOutcome;
import dev.switchboard.core.Closed;
import dev.switchboard.core.MemberChange;
import dev.switchboard.core.RoomAction;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import dev.switchboard.local.LocalTokens;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The server API against the local stack, started in this JVM with authentication on, as {@code ./switchboard local
 * --auth} runs it: the library reaches its DynamoDB Local and its {@code @connections} over HTTP, from the
 * environment a backend would be given, while clients hold real WebSockets whose tokens grant them nothing in the
 * room the server puts them in.
 */
class ServerApiLocalRuntimeTest {

    private static final String SECRET = LocalTokens.newSecret();
    private static LocalRuntime stack;
    private static ServerApi server;
    private static DynamoDbClient dynamoDb;

    @BeforeAll
    static void start() {
        stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withJwtSecret(SECRET));
        Map<String, String> environment = Map.of(
                EnvNames.TABLE_NAME, stack.table(),
                EnvNames.DYNAMODB_ENDPOINT, stack.dynamoDbEndpoint().toString(),
                EnvNames.MANAGEMENT_ENDPOINT, stack.managementEndpoint().toString(),
                EnvNames.REGION, "us-east-1");
        server = ServerApi.builder().config(FunctionConfig.from(environment)).credentials(TestTables.CREDENTIALS)
                .build();
        dynamoDb = AwsClients.dynamoDb(FunctionConfig.from(environment), TestTables.CREDENTIALS);
    }

    @AfterAll
    static void stop() {
        server.close();
        dynamoDb.close();
        stack.close();
    }

    /** A socket for the user, whose token grants joining {@code lobby} and nothing else. */
    private static ClientSocket connect(String user) {
        String token = LocalTokens.mint(SECRET, user, Duration.ofHours(1), LocalTokens.parseRooms("lobby:join", ""));
        return ClientSocket.open(URI.create(stack.webSocketUrl() + "?token=" + token));
    }

    private static List<String> connectionsOf(String user) {
        return DynamoDbConnectionStore.create(dynamoDb, stack.table()).connectionsOf(user);
    }

    @Test
    void theServerJoinsAClientItsTokenKeepsOutPublishesToItAndClosesIt() {
        try (ClientSocket alice = connect("alice")) {
            alice.send("{\"action\":\"join\",\"id\":\"j1\",\"room\":\"order-42\"}");
            assertThat(alice.next(ServerFrame.Error.class, e -> "j1".equals(e.id())).code())
                    .as("her token does not let her in").isEqualTo(ErrorCode.FORBIDDEN);

            List<MemberChange> joined = server.addMember("alice", "order-42", RoomAction.HISTORY, RoomAction.SEND);
            assertThat(joined).singleElement().extracting(MemberChange::outcome)
                    .isEqualTo(MemberChange.Outcome.JOINED);

            Published published = server.publish("order-42", "{\"status\":\"shipped\"}", "orders", "order-42-1");
            ServerFrame.Message message = alice.next(ServerFrame.Message.class);
            assertThat(message.id()).isEqualTo(published.messageId());
            assertThat(message.from()).isEqualTo("server:orders");
            assertThat(message.seq()).isEqualTo(1);
            assertThat(message.data()).isEqualTo("{\"status\":\"shipped\"}");

            // The rights the server gave: she may send there now.
            alice.send("{\"action\":\"send\",\"id\":\"s1\",\"room\":\"order-42\",\"data\":\"thanks\"}");
            assertThat(alice.next(ServerFrame.Ack.class, ack -> "s1".equals(ack.id())).seq()).isEqualTo(2);
            assertThat(server.presence("order-42")).containsExactly(new ServerFrame.Member("alice", 1));
            assertThat(server.history("order-42", 0).messages()).extracting(ServerFrame.Message::from)
                    .containsExactly("server:orders", "alice");

            // A fresh token that still says nothing about the room keeps her in it.
            String fresh = LocalTokens.mint(SECRET, "alice", Duration.ofHours(1), LocalTokens.parseRooms("", ""));
            alice.send("{\"action\":\"refresh\",\"id\":\"r1\",\"token\":\"" + fresh + "\"}");
            assertThat(alice.next(ServerFrame.Ack.class, ack -> "r1".equals(ack.id())).revoked()).isEmpty();
            server.publish("order-42", "\"after refresh\"");
            assertThat(alice.next(ServerFrame.Message.class).data()).isEqualTo("\"after refresh\"");

            server.sendToUser("alice", FrameCodec.quote("psst"), "support", null);
            assertThat(alice.next(ServerFrame.Direct.class).from()).isEqualTo("server:support");

            // Out again: what the room gets next does not reach her (the direct message behind it does).
            assertThat(server.removeMember("alice", "order-42")).singleElement().extracting(MemberChange::outcome)
                    .isEqualTo(MemberChange.Outcome.LEFT);
            server.publish("order-42", "\"not for alice\"");
            server.sendToUser("alice", "\"marker\"");
            assertThat(alice.next(ServerFrame.class, frame -> frame instanceof ServerFrame.Message
                    || frame instanceof ServerFrame.Direct)).isInstanceOfSatisfying(ServerFrame.Direct.class,
                            direct -> assertThat(direct.data()).isEqualTo("\"marker\""));

            List<Closed> closed = server.disconnectUser("alice");
            assertThat(closed).singleElement().extracting(Closed::outcome).isEqualTo(CloseOutcome.CLOSED);
            alice.awaitClosed();
            assertThat(connectionsOf("alice")).isEmpty();
            assertThat(server.disconnectUser("alice")).isEmpty();
        }
    }

    @Test
    void backendsWithoutJavaDoTheSameThroughThePublishEndpoint() throws Exception {
        try (ClientSocket carl = connect("carl")) {
            carl.send("{\"action\":\"ping\",\"id\":\"p1\"}");
            carl.next(ServerFrame.Pong.class);

            assertThat(postPublish("{\"op\":\"addMember\",\"user\":\"carl\",\"room\":\"news\"}"))
                    .isEqualTo(202);
            server.publish("news", "\"extra\"");
            assertThat(carl.next(ServerFrame.Message.class).data()).isEqualTo("\"extra\"");
            assertThat(postPublish("{\"op\":\"addMember\",\"user\":\"carl\",\"room\":\"news\","
                    + "\"rights\":[\"join\"]}")).as("join is never the server's to give").isEqualTo(400);

            assertThat(postPublish("{\"op\":\"disconnect\",\"user\":\"carl\"}")).isEqualTo(202);
            carl.awaitClosed();
            assertThat(connectionsOf("carl")).isEmpty();
        }
    }

    private static int postPublish(String body) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(stack.publishUrl()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        }
    }

    @Test
    void oneConnectionIsClosedByItsIdAndAGoneOneIsPruned() {
        try (ClientSocket first = connect("bob"); ClientSocket second = connect("bob")) {
            first.send("{\"action\":\"ping\",\"id\":\"p1\"}");
            first.next(ServerFrame.Pong.class);
            second.send("{\"action\":\"ping\",\"id\":\"p2\"}");
            second.next(ServerFrame.Pong.class);
            List<String> ids = connectionsOf("bob");
            assertThat(ids).hasSize(2);

            Closed closed = server.disconnectConnection(ids.getFirst());
            assertThat(closed.outcome()).isEqualTo(CloseOutcome.CLOSED);
            assertThat(connectionsOf("bob")).containsExactly(ids.getLast());
            // One of the two sockets is closed; the other still answers.
            await().atMost(Duration.ofSeconds(20)).until(() -> first.isClosed() || second.isClosed());
            ClientSocket open = first.isClosed() ? second : first;
            open.send("{\"action\":\"ping\",\"id\":\"p3\"}");
            assertThat(open.next(ServerFrame.Pong.class).id()).isEqualTo("p3");

            // Closed again: the gateway finds it gone.
            assertThat(server.disconnectConnection(ids.getFirst()).outcome()).isEqualTo(CloseOutcome.ALREADY_GONE);
        }
    }
}
