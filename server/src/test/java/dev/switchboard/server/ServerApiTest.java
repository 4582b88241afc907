package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Capabilities;
import dev.switchboard.core.CloseOutcome;
import dev.switchboard.core.Closed;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.Grant;
import dev.switchboard.core.MemberChange;
import dev.switchboard.core.Quotas;
import dev.switchboard.core.Rights;
import dev.switchboard.core.RoomAction;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.aws.ManagementApiSender;
import dev.switchboard.functions.aws.TableSwitchboard;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/**
 * Every server API call against DynamoDB Local and a scripted {@code @connections} server, beside "clients" served
 * by the core on the same table as the route handlers serve them: what each call writes, posts and returns, what it
 * refuses, and how it fails.
 */
class ServerApiTest {

    private final ScriptedGateway gateway = new ScriptedGateway();
    private final String table = TestTables.newTable();
    private final ServerApi server = ServerApi.builder()
            .config(FunctionConfig.from(TestTables.environment(table, gateway.endpoint())))
            .credentials(TestTables.CREDENTIALS)
            .build();
    private final ApiGatewayManagementApiClient clientsGateway = AwsClients.managementApi(gateway.endpoint(),
            Region.US_EAST_1, TestTables.CREDENTIALS);
    /** What the route handlers run for clients, on the same table (one shard) and gateway. */
    private final TestSwitchboard clientsKit = TableSwitchboard.over(TestTables.client(), table)
            .sender(new ManagementApiSender(clientsGateway))
            .clock(Clock.systemUTC())
            // Frame quotas count by the wall clock: the tests that join 50 rooms in a row must not depend on how
            // fast the machine runs them.
            .settings(CoreSettings.defaults().withQuotas(Quotas.defaults().withFrames(1_000, 10_000)))
            .build();
    private final ConnectionStore store = clientsKit.store();
    private final Switchboard clients = clientsKit.switchboard();

    @AfterEach
    void close() {
        server.close();
        clientsGateway.close();
        gateway.close();
    }

    private static Grant grant(String compact) {
        return new Grant(Capabilities.fromCompact(compact), Instant.now().plus(Duration.ofHours(1)));
    }

    /** The frames posted to a connection, decoded. */
    private List<ServerFrame> posted(String connectionId) {
        return gateway.requests("POST").stream().filter(r -> r.connectionId().equals(connectionId))
                .map(r -> FrameCodec.decodeServer(r.body()).orElseThrow()).toList();
    }

    private List<ServerFrame.Message> messages(String connectionId) {
        return posted(connectionId).stream().filter(ServerFrame.Message.class::isInstance)
                .map(ServerFrame.Message.class::cast).toList();
    }

    @Test
    void publishNumbersStoresAndPostsAsASendDoesFromASenderNoUserCanBe() {
        clients.connect("alice-1", "alice", "", grant("news=jhs|"));
        clients.join("alice-1", new ClientFrame.Join("1", "news"));
        clients.send("alice-1", "alice", new ClientFrame.Send("2", "news", "\"first\""));
        gateway.clear();

        Published published = server.publish("news", "{ \"headline\": \"hi\" }", "newsroom", null);

        assertThat(published.seq()).isEqualTo(2);
        assertThat(published.delivery().delivered()).isEqualTo(1);
        assertThat(messages("alice-1")).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(published.messageId());
            assertThat(m.from()).isEqualTo("server:newsroom");
            assertThat(m.data()).isEqualTo("{\"headline\":\"hi\"}");
            assertThat(m.seq()).isEqualTo(2);
        });
        assertThat(server.history("news", 0).messages()).extracting(ServerFrame.Message::from)
                .containsExactly("alice", "server:newsroom");
        assertThat(server.publish("news", "1").seq()).as("the default sender, a third message").isEqualTo(3);
        assertThat(messages("alice-1").getLast().from()).isEqualTo("server:system");
    }

    @Test
    void aRepeatedIdPublishesOnceAndAnswersWithTheFirstMessage() {
        clients.connect("alice-1", "alice", "", grant("news=j|"));
        clients.join("alice-1", new ClientFrame.Join("1", "news"));

        Published first = server.publish("news", "1", "desk", "evt-42");
        Published again = server.publish("news", "1", "desk", "evt-42");

        assertThat(again.messageId()).isEqualTo(first.messageId());
        assertThat(again.seq()).isEqualTo(first.seq());
        assertThat(again.delivery().attempted()).isZero();
        assertThat(messages("alice-1")).hasSize(1);
        assertThat(server.history("news", 0).latestSeq()).isEqualTo(1);
        // Another sender's id is its own.
        assertThat(server.publish("news", "1", "other-desk", "evt-42").seq()).isEqualTo(2);
    }

    @Test
    void sendToUserReachesEveryOpenConnectionOnceById() {
        clients.connect("bob-1", "bob", "", Grant.NONE);
        clients.connect("bob-2", "bob", "", Grant.NONE);
        clients.connect("carol-1", "carol", "", Grant.NONE);

        Delivered delivered = server.sendToUser("bob", "\"your order shipped\"", "orders", "ship-1");
        Delivered again = server.sendToUser("bob", "\"your order shipped\"", "orders", "ship-1");

        assertThat(delivered.delivery().delivered()).isEqualTo(2);
        assertThat(again.messageId()).isEqualTo(delivered.messageId());
        for (String bob : List.of("bob-1", "bob-2")) {
            assertThat(posted(bob)).singleElement().isInstanceOfSatisfying(ServerFrame.Direct.class, d -> {
                assertThat(d.from()).isEqualTo("server:orders");
                assertThat(d.data()).isEqualTo("\"your order shipped\"");
            });
        }
        assertThat(posted("carol-1")).isEmpty();
    }

    @Test
    void addMemberWritesWhatAJoinWritesAndTheMemberGetsTheRoom() {
        clients.connect("alice-1", "alice", "", Grant.NONE);
        clients.connect("alice-2", "alice", "", Grant.NONE);
        clients.connect("carol-1", "carol", "", grant("vip=jps|"));
        clients.join("carol-1", new ClientFrame.Join("1", "vip"));
        gateway.clear();

        List<MemberChange> changes = server.addMember("alice", "vip");

        assertThat(changes).extracting(MemberChange::outcome).containsOnly(MemberChange.Outcome.JOINED).hasSize(2);
        assertThat(store.members("vip")).containsExactlyInAnyOrder("carol-1", "alice-1", "alice-2");
        assertThat(store.find("alice-1").orElseThrow().rooms()).isEqualTo(Map.of("vip", Rights.of(RoomAction.HISTORY)));
        assertThat(posted("carol-1")).containsExactly(
                new ServerFrame.PresenceChange("vip", ServerFrame.PresenceChange.JOINED, "alice"));

        clients.send("carol-1", "carol", new ClientFrame.Send("2", "vip", "\"hello alice\""));
        assertThat(messages("alice-2")).extracting(ServerFrame.Message::data).containsExactly("\"hello alice\"");
        // History, the default right: alice may resume; she may not send.
        assertThat(clients.resume("alice-1", new ClientFrame.Resume("3", "vip", 0)))
                .isInstanceOf(ServerFrame.History.class);
        assertThat(clients.send("alice-1", "alice", new ClientFrame.Send("4", "vip", "1")).reply())
                .isInstanceOfSatisfying(ServerFrame.Error.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    }

    @Test
    void membershipsWithoutRightsAndWithChosenRightsAreStoredAsGiven() {
        clients.connect("alice-1", "alice", "", Grant.NONE);
        clients.connect("bob-1", "bob", "", Grant.NONE);

        server.addMember("alice", "quiet", new RoomAction[0]);
        server.addMember("bob", "talk", RoomAction.SEND, RoomAction.PRESENCE);

        assertThat(store.find("alice-1").orElseThrow().rightsIn("quiet")).isEqualTo(Rights.NONE);
        assertThat(store.find("alice-1").orElseThrow().isIn("quiet")).isTrue();
        assertThat(store.members("quiet")).containsExactly("alice-1");
        assertThat(clients.send("bob-1", "bob", new ClientFrame.Send("1", "talk", "\"hi\"")).reply())
                .isInstanceOf(ServerFrame.Ack.class);
        server.publish("quiet", "\"psst\"");
        assertThat(messages("alice-1")).extracting(ServerFrame.Message::data).containsExactly("\"psst\"");
    }

    @Test
    void aTokenRefreshKeepsTheServersMembership() {
        clients.connect("alice-1", "alice", "", grant("lobby=j|"));
        clients.join("alice-1", new ClientFrame.Join("1", "lobby"));
        server.addMember("alice", "order-42", RoomAction.HISTORY, RoomAction.SEND);

        ServerFrame ack = clients.refresh("alice-1", new ClientFrame.Refresh("2", "t"), "alice", grant("other=j|"));

        assertThat(ack).isInstanceOfSatisfying(ServerFrame.Ack.class, a -> assertThat(a.revoked())
                .containsExactly("lobby"));
        assertThat(store.find("alice-1").orElseThrow().rooms())
                .isEqualTo(Map.of("order-42", Rights.of(RoomAction.HISTORY, RoomAction.SEND)));
        assertThat(store.members("order-42")).containsExactly("alice-1");
    }

    @Test
    void theRoomLimitPerConnectionStillHolds() {
        clients.connect("alice-1", "alice", "", grant("*=j|"));
        clients.connect("alice-2", "alice", "", Grant.NONE);
        for (int i = 0; i < 50; i++) {
            assertThat(clients.join("alice-1", new ClientFrame.Join(null, "room-" + i)))
                    .isInstanceOf(ServerFrame.Ack.class);
        }

        List<MemberChange> changes = server.addMember("alice", "one-more");

        assertThat(changes).containsExactlyInAnyOrder(new MemberChange("alice-1", MemberChange.Outcome.TOO_MANY_ROOMS),
                new MemberChange("alice-2", MemberChange.Outcome.JOINED));
        assertThat(store.members("one-more")).containsExactly("alice-2");
        assertThat(server.addMember("nobody", "one-more")).as("a user without connections").isEmpty();
    }

    @Test
    void removeMemberTakesEveryConnectionOutHoweverItJoined() {
        clients.connect("alice-1", "alice", "", grant("vip=j|"));
        clients.join("alice-1", new ClientFrame.Join("1", "vip"));
        clients.connect("alice-2", "alice", "", Grant.NONE);
        server.addMember("alice", "vip");
        clients.connect("alice-3", "alice", "", Grant.NONE);

        assertThat(server.removeMember("alice", "vip")).containsExactlyInAnyOrder(
                new MemberChange("alice-1", MemberChange.Outcome.LEFT),
                new MemberChange("alice-2", MemberChange.Outcome.LEFT),
                new MemberChange("alice-3", MemberChange.Outcome.NOT_A_MEMBER));
        assertThat(store.members("vip")).isEmpty();
        assertThat(store.find("alice-1").orElseThrow().rooms()).isEmpty();
    }

    @Test
    void disconnectUserClosesEachConnectionAndForgetsWhatTheGatewayClosedOrFoundGone() {
        clients.connect("mallory-1", "mallory", "", Grant.NONE);
        clients.connect("mallory-2", "mallory", "", Grant.NONE);
        clients.connect("mallory-3", "mallory", "", Grant.NONE);
        server.addMember("mallory", "lobby");
        gateway.answer("mallory-2", 410).answer("mallory-3", 429);

        List<Closed> closed = server.disconnectUser("mallory");

        assertThat(closed).containsExactlyInAnyOrder(new Closed("mallory-1", CloseOutcome.CLOSED),
                new Closed("mallory-2", CloseOutcome.ALREADY_GONE), new Closed("mallory-3", CloseOutcome.FAILED));
        assertThat(gateway.requests("DELETE")).extracting(ScriptedGateway.Request::connectionId)
                .containsExactlyInAnyOrder("mallory-1", "mallory-2", "mallory-3");
        assertThat(store.connectionsOf("mallory")).as("the one the gateway could not close is kept for a retry")
                .containsExactly("mallory-3");
        assertThat(store.members("lobby")).containsExactly("mallory-3");

        gateway.answer("mallory-3", 204);
        assertThat(server.disconnectConnection("mallory-3")).isEqualTo(new Closed("mallory-3", CloseOutcome.CLOSED));
        assertThat(store.connectionsOf("mallory")).isEmpty();
        assertThat(store.members("lobby")).isEmpty();
        assertThat(server.disconnectUser("mallory")).isEmpty();
    }

    @Test
    void presenceAndHistoryNeedNoMembership() {
        clients.connect("alice-1", "alice", "", Grant.NONE);
        clients.connect("alice-2", "alice", "", Grant.NONE);
        clients.connect("bob-1", "bob", "", Grant.NONE);
        server.addMember("alice", "desk");
        server.addMember("bob", "desk");
        for (int i = 1; i <= 3; i++) {
            server.publish("desk", Integer.toString(i));
        }

        assertThat(server.presence("desk")).containsExactly(new ServerFrame.Member("alice", 2),
                new ServerFrame.Member("bob", 1));
        HistoryPage first = server.history("desk", 0, 2);
        assertThat(first.messages()).extracting(ServerFrame.Message::data).containsExactly("1", "2");
        assertThat(first.more()).isTrue();
        assertThat(first.latestSeq()).isEqualTo(3);
        HistoryPage rest = server.history("desk", first.messages().getLast().seq());
        assertThat(rest.messages()).extracting(ServerFrame.Message::data).containsExactly("3");
        assertThat(rest.more()).isFalse();
    }

    @Test
    void everyBadArgumentIsRefusedBeforeAnythingIsWrittenOrPosted() {
        clients.connect("alice-1", "alice", "", Grant.NONE);
        gateway.clear();

        assertRefused(() -> server.publish("bad room", "1"), "room");
        assertRefused(() -> server.publish(null, "1"), "room");
        assertRefused(() -> server.publish("news", "not json"), "JSON");
        assertRefused(() -> server.publish("news", "{\"a\":1} trailing"), "JSON");
        assertRefused(() -> server.publish("news", null), "data");
        assertRefused(() -> server.publish("news", "\"" + "x".repeat(120 * 1024) + "\""), "data");
        assertRefused(() -> server.publish("news", "1", "bad\nsender", null), "sender");
        assertRefused(() -> server.publish("news", "1", null, "id with spaces"), "id");
        assertRefused(() -> server.sendToUser("", "1"), "user");
        assertRefused(() -> server.sendToUser("bob", "{"), "JSON");
        assertRefused(() -> server.addMember("alice", "vip", RoomAction.JOIN), "'join'");
        assertRefused(() -> server.addMember("alice", "x".repeat(129)), "room");
        assertRefused(() -> server.addMember("al\u0000ice", "vip"), "user");
        assertRefused(() -> server.removeMember("alice", "a/b"), "room");
        assertRefused(() -> server.disconnectUser(null), "user");
        assertRefused(() -> server.disconnectConnection("alice-1/../x"), "connection id");
        assertRefused(() -> server.presence("a b"), "room");
        assertRefused(() -> server.history("news", -1), "after");
        assertRefused(() -> server.history("news", 0, 101), "limit");

        assertThat(gateway.requests()).isEmpty();
        assertThat(server.history("news", 0).latestSeq()).isZero();
        assertThat(store.find("alice-1").orElseThrow().rooms()).isEmpty();
        assertThat(store.connectionsOf("alice")).containsExactly("alice-1");
    }

    private static void assertRefused(Runnable call, String words) {
        assertThatThrownBy(call::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(words);
    }

    @Test
    void withoutAManagementEndpointItReadsButReachesNoConnection() {
        clients.connect("alice-1", "alice", "", Grant.NONE);
        clients.publish("desk", "server:test", "1", null);
        try (ServerApi reader = ServerApi.builder()
                .config(FunctionConfig.from(TestTables.environment(table, null)))
                .credentials(TestTables.CREDENTIALS)
                .build()) {
            assertThat(reader.history("desk", 0).messages()).hasSize(1);
            assertThat(reader.presence("desk")).isEmpty();
            for (Runnable posting : List.<Runnable>of(() -> reader.publish("desk", "2"),
                    () -> reader.sendToUser("alice", "2"), () -> reader.addMember("alice", "desk"),
                    () -> reader.removeMember("alice", "desk"), () -> reader.disconnectUser("alice"),
                    () -> reader.disconnectConnection("alice-1"))) {
                assertThatThrownBy(posting::run).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("SWITCHBOARD_MANAGEMENT_ENDPOINT");
            }
            assertRefused(() -> reader.publish("bad room", "1"), "room");
        }
        assertThat(server.history("desk", 0).latestSeq()).isEqualTo(1);
        assertThat(store.find("alice-1").orElseThrow().rooms()).isEmpty();
    }

    @Test
    void aStoreFailureIsATemporaryServerApiException() {
        try (ServerApi lost = ServerApi.builder()
                .config(FunctionConfig.from(TestTables.environment("no-such-table", gateway.endpoint())))
                .credentials(TestTables.CREDENTIALS)
                .build()) {
            assertThatThrownBy(() -> lost.publish("news", "1", null, "evt-1"))
                    .isInstanceOfSatisfying(ServerApiException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                        assertThat(e.temporary()).isTrue();
                    });
            assertThatThrownBy(() -> lost.presence("news")).isInstanceOf(ServerApiException.class);
        }
    }

    @Test
    void aConfigurationIsRequired() {
        assertThatThrownBy(() -> ServerApi.builder().build()).isInstanceOf(IllegalStateException.class);
    }
}
