package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.Admission;
import dev.switchboard.core.Connection;
import dev.switchboard.core.Grant;
import dev.switchboard.core.RoomMember;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.JoinResult;
import dev.switchboard.core.Quotas;
import dev.switchboard.core.Rights;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.MovableClock;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every handler driven by API Gateway event fixtures, over the in-memory store and a recording sender. */
class HandlersTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:01:00Z");
    private static final String ALICE = "Conn-Alice-1=";

    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final Map<String, List<String>> delivered = new ConcurrentHashMap<>();
    private final Switchboard switchboard = switchboard(store);

    private Switchboard switchboard(ConnectionStore connections) {
        return TestSwitchboard.builder().policy(RoomPolicy.open())
                .store(connections)
                .sender((id, payload) -> {
                    delivered.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
                            .add(new String(payload, StandardCharsets.UTF_8));
                    return SendOutcome.DELIVERED;
                })
                .clock(MovableClock.at(NOW))
                .settings(CoreSettings.defaults().withPresenceEvents(false, 0))
                .messageIds(() -> "m-1")
                .build().switchboard();
    }

    private ServerFrame reply(APIGatewayV2WebSocketResponse response) {
        assertThat(response.getStatusCode()).isEqualTo(200);
        return FrameCodec.decodeServer(response.getBody()).orElseThrow();
    }

    private void connectAndJoin(String connectionId, String userId, String room) {
        switchboard.connect(connectionId, userId, "");
        switchboard.join(connectionId, new ClientFrame.Join(null, room));
    }

    @Test
    void connectRegistersTheIdentityFromTheAuthorizerContext() {
        APIGatewayV2WebSocketResponse response = new ConnectHandler(switchboard).handleRequest(Events.load("connect"),
                null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        Connection connection = store.find(ALICE).orElseThrow();
        assertThat(connection.userId()).isEqualTo("alice");
        assertThat(connection.sourceIp()).isEqualTo("203.0.113.9");
        assertThat(connection.expiresAt()).isAfter(NOW.plus(Duration.ofHours(2)));
        assertThat(delivered).as("nothing may be posted to a connection during its $connect").isEmpty();
    }

    @Test
    void connectWithoutAnAuthorizerGetsAnAnonymousIdentity() {
        APIGatewayV2WebSocketEvent event = Events.load("connect");
        event.getRequestContext().setAuthorizer(null);

        new ConnectHandler(switchboard).handleRequest(event, null);

        assertThat(store.find(ALICE).orElseThrow().userId()).isEqualTo("anonymous:" + ALICE);
    }

    @Test
    void connectFailsTheHandshakeWith500WhenTheStoreFails() {
        Switchboard failing = switchboard(new FailingStore());

        assertThat(new ConnectHandler(failing).handleRequest(Events.load("connect"), null).getStatusCode())
                .isEqualTo(500);
    }

    @Test
    void disconnectRemovesTheConnectionFromEveryRoomAndIsIdempotent() {
        connectAndJoin(ALICE, "alice", "lobby");
        switchboard.join(ALICE, new ClientFrame.Join(null, "other"));
        DisconnectHandler handler = new DisconnectHandler(switchboard);

        assertThat(handler.handleRequest(Events.load("disconnect"), null).getStatusCode()).isEqualTo(200);
        assertThat(handler.handleRequest(Events.load("disconnect"), null).getStatusCode()).isEqualTo(200);

        assertThat(store.find(ALICE)).isEmpty();
        assertThat(store.members("lobby")).isEmpty();
        assertThat(store.members("other")).isEmpty();
    }

    @Test
    void joinAcksWithTheClientsIdAndAddsMembership() {
        switchboard.connect(ALICE, "alice", "");

        ServerFrame reply = reply(new JoinHandler(switchboard).handleRequest(Events.load("join"), null));

        assertThat(reply).isEqualTo(new ServerFrame.Ack("c-1", "join", null, 0L));
        assertThat(store.members("lobby")).containsExactly(ALICE);
    }

    @Test
    void leaveAcksAndRemovesMembership() {
        connectAndJoin(ALICE, "alice", "lobby");

        ServerFrame reply = reply(new LeaveHandler(switchboard).handleRequest(Events.load("leave"), null));

        assertThat(reply).isEqualTo(new ServerFrame.Ack("c-2", "leave", null));
        assertThat(store.members("lobby")).isEmpty();
    }

    @Test
    void sendBroadcastsToTheRoomWithTheSenderFromTheAuthorizerNotFromTheFrame() {
        connectAndJoin(ALICE, "alice", "lobby");
        connectAndJoin("Conn-Bob=", "bob", "lobby");
        connectAndJoin("Conn-Carol=", "carol", "elsewhere");
        APIGatewayV2WebSocketEvent event = Events.withBody("send",
                "{\"action\":\"send\",\"room\":\"lobby\",\"id\":\"c-3\",\"from\":\"mallory\",\"data\":{\"text\":\"hi\"}}");

        ServerFrame reply = reply(new SendHandler(switchboard).handleRequest(event, null));

        assertThat(reply).isEqualTo(new ServerFrame.Ack("c-3", "send", "m-1", 1L));
        String expected = FrameCodec.encode(new ServerFrame.Message("m-1", "lobby", "alice", "{\"text\":\"hi\"}",
                NOW.toEpochMilli(), 1));
        assertThat(delivered.get("Conn-Bob=")).containsExactly(expected);
        assertThat(delivered.get(ALICE)).containsExactly(expected);
        assertThat(delivered).doesNotContainKey("Conn-Carol=");
    }

    @Test
    void sendToARoomNotJoinedIsRefused() {
        switchboard.connect(ALICE, "alice", "");

        ServerFrame reply = reply(new SendHandler(switchboard).handleRequest(Events.load("send"), null));

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_ROOM);
            assertThat(e.id()).isEqualTo("c-3");
        });
        assertThat(delivered).isEmpty();
    }

    @Test
    void pingAnswersPong() {
        switchboard.connect(ALICE, "alice", "");

        ServerFrame reply = reply(new PingHandler(switchboard).handleRequest(Events.load("ping"), null));

        assertThat(reply).isEqualTo(new ServerFrame.Pong("c-4", NOW.toEpochMilli()));
    }

    @Test
    void defaultRouteNamesTheUnknownAction() {
        ServerFrame reply = reply(new DefaultHandler(switchboard).handleRequest(Events.load("default"), null));

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_ACTION);
            assertThat(e.id()).isEqualTo("c-5");
            assertThat(e.message()).contains("dance");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"action\":", "[]", "null", "{\"id\":\"x\"}", "{\"action\":42}",
            "\u0000\u0001binary", "{\"action\":\"send\",\"room\":\"lobby\"}", "{\"action\":\"join\",\"room\":\"a b\"}"})
    void malformedFramesGetAnErrorFrameOnEveryRoute(String body) {
        switchboard.connect(ALICE, "alice", "");
        for (var handler : List.of(new DefaultHandler(switchboard), new JoinHandler(switchboard),
                new SendHandler(switchboard), new LeaveHandler(switchboard))) {
            ServerFrame reply = reply(handler.handleRequest(Events.withBody("default", body), null));
            assertThat(reply).isInstanceOf(ServerFrame.Error.class);
        }
        assertThat(delivered).isEmpty();
    }

    @Test
    void oversizeFrameIsRefusedWithPayloadTooLarge() {
        connectAndJoin(ALICE, "alice", "lobby");
        String body = "{\"action\":\"send\",\"room\":\"lobby\",\"id\":\"big\",\"data\":\""
                + "x".repeat(Limits.MAX_DATA_BYTES) + "\"}";

        ServerFrame reply = reply(new SendHandler(switchboard).handleRequest(Events.withBody("send", body), null));

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
        assertThat(delivered).isEmpty();
    }

    @Test
    void binaryFramesAreDecodedFromBase64AndJudgedAsText() {
        switchboard.connect(ALICE, "alice", "");
        APIGatewayV2WebSocketEvent event = Events.withBody("join", Base64.getEncoder().encodeToString(
                "{\"action\":\"join\",\"room\":\"lobby\",\"id\":\"b-1\"}".getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);

        assertThat(reply(new JoinHandler(switchboard).handleRequest(event, null)))
                .isEqualTo(new ServerFrame.Ack("b-1", "join", null, 0L));
    }

    @Test
    void aFrameForAnotherRouteIsNotServedHere() {
        switchboard.connect(ALICE, "alice", "");

        ServerFrame reply = reply(new JoinHandler(switchboard).handleRequest(Events.load("send"), null));

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_ACTION));
    }

    @Test
    void storeFailureBecomesATemporaryInternalError() {
        Switchboard failing = switchboard(new FailingStore());

        ServerFrame reply = reply(new JoinHandler(failing).handleRequest(Events.load("join"), null));

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.temporary()).isTrue();
            assertThat(e.id()).isEqualTo("c-1");
            assertThat(e.message()).doesNotContain("simulated");
        });
    }

    @Test
    void eventsWithoutAConnectionAreRejectedWithoutAnException() {
        APIGatewayV2WebSocketEvent empty = new APIGatewayV2WebSocketEvent();

        assertThat(new ConnectHandler(switchboard).handleRequest(empty, null).getStatusCode()).isEqualTo(400);
        assertThat(new DisconnectHandler(switchboard).handleRequest(empty, null).getStatusCode()).isEqualTo(400);
        assertThat(reply(new SendHandler(switchboard).handleRequest(empty, null)))
                .isInstanceOf(ServerFrame.Error.class);
    }

    @Test
    void responsesSerializeAsLambdaReturnsThemToApiGateway() {
        switchboard.connect(ALICE, "alice", "");
        String json = Events.toJson(new JoinHandler(switchboard).handleRequest(Events.load("join"), null));

        assertThat(json).contains("\"statusCode\":200").contains("\"isBase64Encoded\":false")
                .contains("\\\"type\\\":\\\"ack\\\"");
    }

    /** A store whose every operation fails, as DynamoDB does when throttled or unreachable. */
    private static final class FailingStore implements ConnectionStore {
        private static IllegalStateException outage() {
            return new IllegalStateException("simulated store outage");
        }

        @Override
        public void register(Connection connection) {
            throw outage();
        }

        @Override
        public Optional<Connection> find(String connectionId) {
            throw outage();
        }

        @Override
        public Admission admit(String connectionId, Instant now, Quotas quotas) {
            throw outage();
        }

        @Override
        public Set<String> remove(String connectionId) {
            throw outage();
        }

        @Override
        public JoinResult join(Connection seen, String room, Rights rights, int maxRooms) {
            throw outage();
        }

        @Override
        public JoinResult regrant(Connection seen, Grant grant, Map<String, Rights> rooms) {
            throw outage();
        }

        @Override
        public boolean leave(String connectionId, String room) {
            throw outage();
        }

        @Override
        public boolean isMember(String connectionId, String room) {
            throw outage();
        }

        @Override
        public Set<String> roomsOf(String connectionId) {
            throw outage();
        }

        @Override
        public List<RoomMember> shardMembers(String room, int shard) {
            throw outage();
        }

        @Override
        public List<RoomMember> membersAfter(String room, int shard, String after, int limit) {
            throw outage();
        }

        @Override
        public List<RoomMember> roomMembers(String room, int limit) {
            throw outage();
        }

        @Override
        public List<RoomMember> userConnections(String userId) {
            throw outage();
        }
    }
}
