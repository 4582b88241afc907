package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.Capabilities;
import dev.switchboard.core.Rights;
import dev.switchboard.core.Connection;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.local.TestSocket;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GetConnectionResponse;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PayloadTooLargeException;

/**
 * Switchboard end to end, written once against a {@link Target}: real sockets, real handlers, the real store.
 * Each test uses its own room names, so targets can be shared between tests.
 */
abstract class EndToEndSuite {

    abstract Target target();

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    ServerFrame frame(String text) {
        return FrameCodec.decodeServer(text).orElseThrow(() -> new AssertionError("unknown frame " + text));
    }

    /** Sends a frame and returns the reply carrying its id (other frames, e.g. messages, are skipped). */
    ServerFrame request(TestSocket socket, String frameJson, String id) {
        socket.send(frameJson);
        return frame(socket.next("\"id\":\"" + id + "\""));
    }

    /** Opens a socket for {@code user} at the URL the target gives it ({@link Target#urlFor(String)}). */
    TestSocket connect(String user) {
        return TestSocket.open(target().urlFor(user));
    }

    void join(TestSocket socket, String room) {
        String id = unique("j");
        assertThat(request(socket, "{\"action\":\"join\",\"room\":\"" + room + "\",\"id\":\"" + id + "\"}", id))
                .isInstanceOf(ServerFrame.Ack.class);
    }

    ApiGatewayManagementApiClient managementClient() {
        return AwsClients.managementApi(target().managementEndpoint(), Region.of(target().region()),
                target().credentials());
    }

    @Test
    void connectAndDisconnectAreReflectedInTheStore() {
        ConnectionStore store = target().store().orElse(null);
        assumeThat(store).as("this target exposes its store").isNotNull();
        String room = unique("lifecycle");
        String connectionId;
        try (TestSocket socket = connect("alice")) {
            join(socket, room);
            List<String> members = store.members(room);
            assertThat(members).hasSize(1);
            connectionId = members.getFirst();
            assertThat(store.find(connectionId)).hasValueSatisfying(c -> {
                assertThat(c.userId()).isEqualTo(target().authRequired() ? "alice" : "anonymous:" + connectionId);
                assertThat(c.expiresAt()).isAfter(Instant.now().plus(Duration.ofHours(2)));
            });
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(store.find(connectionId)).isEmpty();
            assertThat(store.members(room)).isEmpty();
        });
    }

    @Test
    void broadcastReachesEveryMemberOfABigRoom() throws Exception {
        String room = unique("big");
        int clients = target().broadcastClients();
        List<TestSocket> sockets = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<TestSocket>> opening = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String user = "user-" + i;
                opening.add(pool.submit(() -> {
                    TestSocket socket = connect(user);
                    join(socket, room);
                    return socket;
                }));
            }
            for (Future<TestSocket> socket : opening) {
                sockets.add(socket.get());
            }
        }
        try {
            TestSocket sender = sockets.getFirst();
            ServerFrame ack = request(sender, "{\"action\":\"send\",\"room\":\"" + room
                    + "\",\"id\":\"b1\",\"data\":{\"text\":\"to everyone\"}}", "b1");
            assertThat(ack).isInstanceOf(ServerFrame.Ack.class);
            int missing = 0;
            for (TestSocket socket : sockets) {
                ServerFrame message;
                try {
                    message = frame(socket.next("\"type\":\"message\""));
                } catch (AssertionError e) {
                    missing++;
                    continue;
                }
                assertThat(message).isInstanceOfSatisfying(ServerFrame.Message.class, m -> {
                    assertThat(m.data()).isEqualTo("{\"text\":\"to everyone\"}");
                    assertThat(m.from()).isEqualTo(target().authRequired() ? "user-0" : m.from());
                    assertThat(m.id()).isEqualTo(((ServerFrame.Ack) ack).messageId());
                });
            }
            assertThat(missing).as("members that never got the message").isZero();
        } finally {
            sockets.forEach(TestSocket::close);
        }
    }

    @Test
    void aStaleConnectionIsPrunedWhenTheGatewayAnswers410() {
        ConnectionStore store = target().store().orElse(null);
        assumeThat(store).as("this target exposes its store").isNotNull();
        String room = unique("stale");
        // A connection whose $disconnect never arrived: in the store, gone at the gateway.
        String ghost = "GhostConnId" + (int) (Math.random() * 1000) + "=";
        try (TestSocket socket = connect("alice")) {
            join(socket, room);
            Instant now = Instant.now();
            store.register(new Connection(ghost, "ghost", now, "", now.plus(Duration.ofHours(3))));
            store.join(ghost, room, Rights.ALL, 50);
            assertThat(store.members(room)).contains(ghost);
            request(socket, "{\"action\":\"send\",\"room\":\"" + room + "\",\"id\":\"s1\",\"data\":1}", "s1");
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(store.find(ghost)).isEmpty();
                assertThat(store.members(room)).doesNotContain(ghost).hasSize(1);
            });
        }
    }

    @Test
    void connectWithoutOrWithABadTokenIsRefusedAndWithAGoodOneAccepted() {
        assumeThat(target().authRequired()).as("the target requires tokens").isTrue();
        assertThat(TestSocket.refusalStatus(target().webSocketUrl(), Map.of())).isEqualTo(401);
        assertThat(TestSocket.refusalStatus(URI.create(target().webSocketUrl() + "?token=not.a.jwt"), Map.of()))
                .isEqualTo(403);
        assertThat(TestSocket.refusalStatus(target().urlFor("alice"), Map.of())).isEqualTo(101);
    }

    @Test
    void malformedUnknownAndOversizeFramesGetErrorFramesAndTheSocketStaysUsable() {
        try (TestSocket socket = connect("alice")) {
            socket.send("this is not json");
            assertThat(frame(socket.next())).isInstanceOfSatisfying(ServerFrame.Error.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON));
            assertThat(request(socket, "{\"action\":\"teleport\",\"id\":\"u1\"}", "u1"))
                    .isInstanceOfSatisfying(ServerFrame.Error.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_ACTION));
            assertThat(request(socket, "{\"action\":\"join\",\"id\":\"u2\"}", "u2"))
                    .isInstanceOfSatisfying(ServerFrame.Error.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD));
            String room = unique("limits");
            join(socket, room);
            socket.sendFragmented("{\"action\":\"send\",\"room\":\"" + room + "\",\"id\":\"u3\",\"data\":\""
                    + "x".repeat(121 * 1024) + "\"}", 30 * 1024);
            assertThat(frame(socket.next("\"id\":\"u3\""))).isInstanceOfSatisfying(ServerFrame.Error.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
            assertThat(request(socket, "{\"action\":\"ping\",\"id\":\"u4\"}", "u4")).isInstanceOf(ServerFrame.Pong.class);
        }
    }

    @Test
    void managementApiThroughTheAwsSdk() {
        String room = unique("mgmt");
        try (TestSocket socket = connect("alice"); ApiGatewayManagementApiClient api = managementClient()) {
            join(socket, room);
            String connectionId = target().store().map(s -> s.members(room).getFirst()).orElse(null);
            assumeThat(connectionId).as("the connection id is known through the store").isNotNull();

            api.postToConnection(r -> r.connectionId(connectionId).data(SdkBytes.fromUtf8String("{\"via\":\"sdk\"}")));
            assertThat(socket.next("via")).isEqualTo("{\"via\":\"sdk\"}");

            GetConnectionResponse info = api.getConnection(r -> r.connectionId(connectionId));
            assertThat(info.connectedAt()).isBefore(Instant.now().plusSeconds(1));
            assertThat(info.identity().sourceIp()).isNotBlank();

            assertThatThrownBy(() -> api.postToConnection(r -> r.connectionId(connectionId)
                    .data(SdkBytes.fromByteArray(new byte[128 * 1024 + 1])))).isInstanceOf(PayloadTooLargeException.class);

            api.deleteConnection(r -> r.connectionId(connectionId));
            assertThat(socket.closeStatus()).isNotEqualTo(1006);
            assertThatThrownBy(() -> api.postToConnection(r -> r.connectionId(connectionId)
                    .data(SdkBytes.fromUtf8String("late")))).isInstanceOf(GoneException.class);
        }
    }

    @Test
    void resumeAfterADroppedConnectionDeliversEveryMissedMessageInOrder() {
        String room = unique("resume");
        long lastSeen;
        try (TestSocket alice = connect("alice"); TestSocket bob = connect("bob")) {
            join(alice, room);
            join(bob, room);
            request(alice, "{\"action\":\"send\",\"room\":\"" + room + "\",\"id\":\"m0\",\"data\":0}", "m0");
            lastSeen = ((ServerFrame.Message) frame(bob.next("\"type\":\"message\""))).seq();
            bob.close();
            for (int i = 1; i <= 5; i++) {
                request(alice, "{\"action\":\"send\",\"room\":\"" + room + "\",\"id\":\"m" + i + "\",\"data\":" + i
                        + "}", "m" + i);
            }
        }
        try (TestSocket bob = connect("bob")) {
            ServerFrame history = request(bob, "{\"action\":\"join\",\"room\":\"" + room + "\",\"after\":" + lastSeen
                    + ",\"id\":\"rj\"}", "rj");
            assertThat(history).isInstanceOfSatisfying(ServerFrame.History.class, h -> {
                assertThat(h.messages()).extracting(ServerFrame.Message::data)
                        .containsExactly("1", "2", "3", "4", "5");
                assertThat(h.messages()).extracting(ServerFrame.Message::seq)
                        .containsExactly(lastSeen + 1, lastSeen + 2, lastSeen + 3, lastSeen + 4, lastSeen + 5);
                assertThat(h.more()).isFalse();
            });
        }
    }

    @Test
    void aRetriedSendWithTheSameIdCreatesOneMessage() {
        String room = unique("idem");
        try (TestSocket alice = connect("alice"); TestSocket bob = connect("bob")) {
            join(alice, room);
            join(bob, room);
            String send = "{\"action\":\"send\",\"room\":\"" + room + "\",\"id\":\"once\",\"data\":\"hi\"}";
            ServerFrame first = request(alice, send, "once");
            ServerFrame retry = request(alice, send, "once");
            assertThat(retry).isEqualTo(first);
            request(alice, "{\"action\":\"send\",\"room\":\"" + room + "\",\"id\":\"after\",\"data\":\"next\"}",
                    "after");
            assertThat(((ServerFrame.Message) frame(bob.next("\"type\":\"message\""))).data()).isEqualTo("\"hi\"");
            assertThat(((ServerFrame.Message) frame(bob.next("\"type\":\"message\""))).data())
                    .as("the retry produced no second message").isEqualTo("\"next\"");
        }
    }

    @Test
    void presenceEventsAndSnapshot() {
        assumeThat(target().authRequired()).as("presence is per user; needs identities").isTrue();
        String room = unique("presence");
        try (TestSocket alice = connect("alice")) {
            join(alice, room);
            try (TestSocket bob = connect("bob")) {
                join(bob, room);
                assertThat(frame(alice.next("presence_change"))).as("members hear their own join too")
                        .isEqualTo(new ServerFrame.PresenceChange(room, "join", "alice"));
                assertThat(frame(alice.next("presence_change"))).isEqualTo(
                        new ServerFrame.PresenceChange(room, "join", "bob"));
                assertThat(request(alice, "{\"action\":\"presence\",\"room\":\"" + room + "\",\"id\":\"p\"}", "p"))
                        .isEqualTo(new ServerFrame.Presence("p", room, List.of(new ServerFrame.Member("alice", 1),
                                new ServerFrame.Member("bob", 1))));
            }
            assertThat(frame(alice.next("\"event\":\"leave\""))).isEqualTo(
                    new ServerFrame.PresenceChange(room, "leave", "bob"));
        }
    }

    @Test
    void presenceOfABigRoomComesInPagesThatOnlyWatchersGet() throws Exception {
        String room = unique("crowd");
        String nextDoor = unique("next-door");
        String watcherRights = room + "=jp;" + nextDoor + "=jp|";
        List<TestSocket> sockets = new ArrayList<>();
        try (TestSocket alice = connect("alice", watcherRights, Duration.ofHours(1));
             TestSocket mallory = connect("mallory", room + "=j|", Duration.ofHours(1))) {
            join(alice, room);
            join(alice, nextDoor);
            join(mallory, room);
            // 120 more connections of 80 users who may only join: the first 40 users have two.
            String crowd = unique("crowd-user");
            try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                List<Future<TestSocket>> opening = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    String user = crowd + "-" + (i % 80);
                    opening.add(pool.submit(() -> {
                        TestSocket socket = connect(user, room + "=j|", Duration.ofHours(1));
                        join(socket, room);
                        return socket;
                    }));
                }
                for (Future<TestSocket> socket : opening) {
                    sockets.add(socket.get());
                }
            }

            ServerFrame.Presence first = (ServerFrame.Presence) request(alice,
                    "{\"action\":\"presence\",\"room\":\"" + room + "\",\"id\":\"pp1\"}", "pp1");
            assertThat(first.more()).isTrue();
            String pageTwo = "{\"action\":\"presence\",\"room\":\"" + room + "\",\"id\":\"pp2\",\"cursor\":\""
                    + first.cursor() + "\"}";
            ServerFrame.Presence second = (ServerFrame.Presence) request(alice, pageTwo, "pp2");

            assertThat(List.of(first, second)).extracting(p -> p.members().stream()
                    .mapToInt(ServerFrame.Member::connections).sum()).containsExactly(100, 22);
            assertThat(second.more()).isFalse();
            Map<String, Integer> summed = new java.util.TreeMap<>();
            List.of(first, second).forEach(page -> page.members()
                    .forEach(m -> summed.merge(m.user(), m.connections(), Integer::sum)));
            Map<String, Integer> expected = new java.util.TreeMap<>(Map.of("alice", 1, "mallory", 1));
            for (int user = 0; user < 80; user++) {
                expected.put(crowd + "-" + user, user < 40 ? 2 : 1);
            }
            assertThat(summed).isEqualTo(expected);

            assertRefused(mallory, pageTwo.replace("pp2", "m1"), "m1", ErrorCode.FORBIDDEN);
            assertRefused(alice, pageTwo.replace(room, nextDoor).replace("pp2", "a1"), "a1",
                    ErrorCode.INVALID_FIELD);
            assertRefused(alice, "{\"action\":\"presence\",\"room\":\"" + room
                    + "\",\"id\":\"a2\",\"cursor\":\"AQAAforged0000\"}", "a2", ErrorCode.INVALID_FIELD);
            assertRefused(alice, "{\"action\":\"presence\",\"room\":\"" + room + "\",\"id\":\"a3\",\"cursor\":\""
                    + "A".repeat(4_000) + "\"}", "a3", ErrorCode.INVALID_FIELD);
        } finally {
            sockets.forEach(TestSocket::close);
        }
    }

    @Test
    void directReachesBothConnectionsOfTheUser() {
        assumeThat(target().authRequired()).as("direct messages address users; needs identities").isTrue();
        String carol = unique("carol");
        try (TestSocket one = connect(carol); TestSocket two = connect(carol); TestSocket dave = connect("dave")) {
            // The sockets are registered once their handshakes are done; make sure with a ping each.
            for (TestSocket socket : List.of(one, two, dave)) {
                request(socket, "{\"action\":\"ping\",\"id\":\"w\"}", "w");
            }
            ServerFrame ack = request(dave, "{\"action\":\"direct\",\"user\":\"" + carol
                    + "\",\"id\":\"d1\",\"data\":{\"psst\":true}}", "d1");
            assertThat(ack).isInstanceOf(ServerFrame.Ack.class);
            for (TestSocket socket : List.of(one, two)) {
                assertThat(frame(socket.next("\"type\":\"direct\""))).isInstanceOfSatisfying(ServerFrame.Direct.class,
                        d -> {
                            assertThat(d.from()).isEqualTo("dave");
                            assertThat(d.data()).isEqualTo("{\"psst\":true}");
                        });
            }
        }
    }

    @Test
    void backendPublishReachesTheRoomAndAPoisonMessageIsRejected() {
        URI publish = target().publishUrl().orElse(null);
        assumeThat(publish).as("this target has a local publish endpoint").isNotNull();
        String room = unique("news");
        HttpClient http = HttpClient.newHttpClient();
        try (TestSocket reader = connect("reader")) {
            join(reader, room);
            HttpResponse<String> accepted = http.sendAsync(HttpRequest.newBuilder(publish)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"room\":\"" + room
                            + "\",\"from\":\"newsroom\",\"data\":{\"headline\":\"hello\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString()).join();
            assertThat(accepted.statusCode()).isEqualTo(202);
            assertThat(frame(reader.next("\"type\":\"message\""))).isInstanceOfSatisfying(ServerFrame.Message.class,
                    m -> assertThat(m.from()).isEqualTo("server:newsroom"));

            HttpResponse<String> poison = http.sendAsync(HttpRequest.newBuilder(publish)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(),
                    HttpResponse.BodyHandlers.ofString()).join();
            assertThat(poison.statusCode()).isEqualTo(400);
        }
    }

    /** Hands a publish request to the target's local publish endpoint, as a backend would to the queue. */
    HttpResponse<String> publish(String body) {
        return HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(target().publishUrl().orElseThrow())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).join();
    }

    /** A socket for {@code user} whose token grants exactly {@code capabilities}; skips where tokens cannot be minted. */
    TestSocket connect(String user, String capabilities, Duration lifetime) {
        URI url = target().urlFor(user, Capabilities.fromCompact(capabilities), lifetime).orElse(null);
        assumeThat(url).as("this target lets the suite mint tokens").isNotNull();
        return TestSocket.open(url);
    }

    void assertRefused(TestSocket socket, String frameJson, String id, ErrorCode code) {
        assertThat(request(socket, frameJson, id)).as(frameJson).isInstanceOfSatisfying(ServerFrame.Error.class,
                e -> assertThat(e.code()).isEqualTo(code));
        String ping = unique("p");
        assertThat(request(socket, "{\"action\":\"ping\",\"id\":\"" + ping + "\"}", ping))
                .as("the socket stays usable after the refusal").isInstanceOf(ServerFrame.Pong.class);
    }

    @Test
    void aliceMayReadTeam42AndMalloryMayNotWhileHerSocketStaysUsable() {
        String team = unique("team-42") + ":";
        String general = team + "general";
        String lobby = unique("lobby");
        try (TestSocket alice = connect("alice", team + "*=jhps|", Duration.ofHours(1));
             TestSocket mallory = connect("mallory", lobby + "=js|", Duration.ofHours(1))) {
            join(alice, general);
            assertThat(request(alice, "{\"action\":\"send\",\"room\":\"" + general + "\",\"id\":\"a1\","
                    + "\"data\":\"the plan\"}", "a1")).isInstanceOf(ServerFrame.Ack.class);
            join(mallory, lobby);

            assertRefused(mallory, "{\"action\":\"join\",\"room\":\"" + general + "\",\"id\":\"m1\"}", "m1",
                    ErrorCode.FORBIDDEN);
            assertRefused(mallory, "{\"action\":\"join\",\"room\":\"" + general + "\",\"after\":0,\"id\":\"m2\"}",
                    "m2", ErrorCode.FORBIDDEN);
            assertRefused(mallory, "{\"action\":\"send\",\"room\":\"" + general + "\",\"id\":\"m3\",\"data\":1}",
                    "m3", ErrorCode.NOT_IN_ROOM);
            assertRefused(mallory, "{\"action\":\"resume\",\"room\":\"" + general + "\",\"after\":0,\"id\":\"m4\"}",
                    "m4", ErrorCode.NOT_IN_ROOM);
            assertRefused(mallory, "{\"action\":\"presence\",\"room\":\"" + lobby + "\",\"id\":\"m5\"}", "m5",
                    ErrorCode.FORBIDDEN);
            assertRefused(mallory, "{\"action\":\"resume\",\"room\":\"" + lobby + "\",\"after\":0,\"id\":\"m6\"}",
                    "m6", ErrorCode.FORBIDDEN);
            assertRefused(mallory, "{\"action\":\"direct\",\"user\":\"alice\",\"id\":\"m7\",\"data\":1}", "m7",
                    ErrorCode.FORBIDDEN);
            assertRefused(mallory, "{\"action\":\"join\",\"room\":\"inbox~alice\",\"id\":\"m8\"}", "m8",
                    ErrorCode.FORBIDDEN);
            assertThat(request(mallory, "{\"action\":\"send\",\"room\":\"" + lobby + "\",\"id\":\"m9\","
                    + "\"data\":\"hi\"}", "m9")).as("what mallory is granted still works")
                    .isInstanceOf(ServerFrame.Ack.class);

            assertThat(request(alice, "{\"action\":\"send\",\"room\":\"" + general + "\",\"id\":\"a2\","
                    + "\"data\":\"after her refusals\"}", "a2")).isInstanceOf(ServerFrame.Ack.class);
            String history = unique("h");
            assertThat(request(alice, "{\"action\":\"resume\",\"room\":\"" + general + "\",\"after\":0,\"id\":\""
                    + history + "\"}", history)).isInstanceOfSatisfying(ServerFrame.History.class,
                    h -> assertThat(h.messages()).extracting(ServerFrame.Message::data)
                            .containsExactly("\"the plan\"", "\"after her refusals\""));
            // Mallory's last request is answered after alice's second message went out: anything she was sent is in.
            String last = unique("p");
            assertThat(request(mallory, "{\"action\":\"ping\",\"id\":\"" + last + "\"}", last))
                    .isInstanceOf(ServerFrame.Pong.class);
            assertThat(mallory.unread()).noneMatch(text -> text.contains("the plan") || text.contains("refusals"));
        }
    }

    @Test
    void aPersonalRoomIsItsOwnersAndABackendPublishReachesIt() {
        assumeThat(target().publishUrl()).as("this target has a local publish endpoint").isPresent();
        String owner = unique("owner");
        try (TestSocket socket = connect(owner, "|", Duration.ofHours(1))) {
            join(socket, "inbox~" + owner);
            HttpResponse<String> response = publish("{\"room\":\"inbox~" + owner + "\",\"data\":\"for you\"}");
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(frame(socket.next("\"type\":\"message\""))).isInstanceOfSatisfying(ServerFrame.Message.class,
                    m -> assertThat(m.data()).isEqualTo("\"for you\""));
        }
    }

    @Test
    void aFrameAfterTheTokenExpiredClosesTheSocketAndRefreshKeepsAnotherAlive() throws InterruptedException {
        String room = unique("expiring");
        Duration lifetime = Duration.ofSeconds(4);
        try (TestSocket short1 = connect("erin", room + "=js|", lifetime);
             TestSocket short2 = connect("erin", room + "=js|", lifetime)) {
            join(short1, room);
            join(short2, room);
            String fresh = target().tokenFor("erin", Capabilities.fromCompact(room + "=js|"), Duration.ofHours(1))
                    .orElseThrow();
            assertThat(request(short2, "{\"action\":\"refresh\",\"id\":\"r1\",\"token\":\"" + fresh + "\"}", "r1"))
                    .isInstanceOfSatisfying(ServerFrame.Ack.class, a -> assertThat(a.exp()).isNotNull());
            assertThat(request(short2, "{\"action\":\"refresh\",\"id\":\"r2\",\"token\":\"not.a.jwt\"}", "r2"))
                    .isInstanceOfSatisfying(ServerFrame.Error.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
            Thread.sleep(lifetime.plusMillis(500));

            assertThat(request(short1, "{\"action\":\"send\",\"room\":\"" + room + "\",\"id\":\"s1\",\"data\":1}",
                    "s1")).isInstanceOfSatisfying(ServerFrame.Error.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));
            assertThat(short1.closeStatus()).as("closed by the server as API Gateway closes on DELETE").isEqualTo(1000);
            assertThat(request(short2, "{\"action\":\"send\",\"room\":\"" + room + "\",\"id\":\"s2\",\"data\":2}",
                    "s2")).as("refreshed before expiry").isInstanceOf(ServerFrame.Ack.class);
        }
    }
}
