package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.config.EnvNames;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import dev.switchboard.local.LocalTokens;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The client against the real local stack (handlers, DynamoDB Local, emulated API Gateway) with auth on. */
class SwitchboardClientTest {

    private static final String SECRET = LocalTokens.newSecret();
    private static LocalRuntime stack;
    private static ConnectionStore store;

    private final List<SwitchboardClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withJwtSecret(SECRET));
        store = DynamoDbConnectionStore.create(AwsClients.dynamoDb(FunctionConfig.from(Map.of(
                EnvNames.TABLE_NAME, stack.table(), EnvNames.DYNAMODB_ENDPOINT, stack.dynamoDbEndpoint().toString())),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))), stack.table());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(SwitchboardClient::close);
    }

    /** What a listener saw. */
    static final class Inbox implements SwitchboardClient.Listener {
        final List<ServerFrame.Message> messages = new CopyOnWriteArrayList<>();
        final List<ServerFrame.Direct> directs = new CopyOnWriteArrayList<>();
        final List<SwitchboardClient.State> states = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(ServerFrame.Message message) {
            messages.add(message);
        }

        @Override
        public void onDirect(ServerFrame.Direct message) {
            directs.add(message);
        }

        @Override
        public void onStateChange(SwitchboardClient.State state) {
            states.add(state);
        }

        List<String> data() {
            return messages.stream().map(ServerFrame.Message::data).toList();
        }
    }

    private SwitchboardClient client(String user, Inbox inbox) {
        SwitchboardClient client = SwitchboardClient.create(SwitchboardClientOptions.builder(stack.webSocketUrl())
                .token(LocalTokens.mint(SECRET, user, Duration.ofHours(1)))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .gapTimeout(Duration.ofMillis(300))
                .build(), inbox);
        clients.add(client);
        client.connect().join();
        return client;
    }

    private static String room() {
        return "room-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void twoClientsExchangeMessagesAndSendsCompleteWithTheirAck() {
        String room = room();
        Inbox aliceInbox = new Inbox();
        Inbox bobInbox = new Inbox();
        SwitchboardClient alice = client("alice", aliceInbox);
        SwitchboardClient bob = client("bob", bobInbox);
        alice.join(room).join();
        bob.join(room).join();

        ServerFrame.Ack ack = alice.sendText(room, "hello bob").join();

        assertThat(ack.seq()).isEqualTo(1L);
        await().untilAsserted(() -> assertThat(bobInbox.messages).singleElement().satisfies(m -> {
            assertThat(m.data()).isEqualTo("\"hello bob\"");
            assertThat(m.from()).isEqualTo("alice");
            assertThat(m.id()).isEqualTo(ack.messageId());
        }));
        assertThat(bob.position(room)).isEqualTo(1);
    }

    @Test
    void aRefusedRequestFailsWithTheServersCode() {
        SwitchboardClient alice = client("alice", new Inbox());
        assertThatThrownBy(() -> alice.sendText(room(), "not a member").join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(ServerErrorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_ROOM);
                    assertThat(e.temporary()).isFalse();
                });
    }

    @Test
    void largeMessagesTravelAsContinuationFramesAndOversizeOnesAreRefusedLocally() {
        String room = room();
        Inbox bobInbox = new Inbox();
        SwitchboardClient alice = client("alice", new Inbox());
        SwitchboardClient bob = client("bob", bobInbox);
        alice.join(room).join();
        bob.join(room).join();
        String big = "x".repeat(100 * 1024);

        alice.sendText(room, big).join();

        await().untilAsserted(() -> assertThat(bobInbox.data()).containsExactly("\"" + big + "\""));
        assertThatThrownBy(() -> alice.sendText(room, "y".repeat(130 * 1024)).join())
                .cause().isInstanceOfSatisfying(ClientSideException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
    }

    @Test
    void directAndPresenceWork() {
        String room = room();
        Inbox carolInbox = new Inbox();
        SwitchboardClient alice = client("alice", new Inbox());
        SwitchboardClient carol = client("carol", carolInbox);
        alice.join(room).join();
        carol.join(room).join();

        alice.direct("carol", "{\"secret\":1}").join();
        await().untilAsserted(() -> assertThat(carolInbox.directs).singleElement()
                .satisfies(d -> assertThat(d.from()).isEqualTo("alice")));
        assertThat(alice.presence(room).join().members()).extracting(ServerFrame.Member::user)
                .containsExactly("alice", "carol");
    }

    @Test
    void presenceComesInPagesAndPresenceAllWalksThemAddingUpEachUsersConnections() {
        String room = room();
        SwitchboardClient alice = client("alice", new Inbox());
        alice.join(room).join();
        // 229 more connections of 150 users, written to the stack's store as its join route writes them.
        Map<String, Integer> expected = new java.util.TreeMap<>(Map.of("alice", 1));
        java.time.Instant now = java.time.Instant.now();
        for (int i = 0; i < 229; i++) {
            String user = "crowd-" + (i % 150);
            String id = "seeded-" + i + "-" + room;
            store.register(new dev.switchboard.core.Connection(id, user, now, "", now.plus(Duration.ofHours(3))));
            store.join(id, room, dev.switchboard.core.Rights.ALL, 50);
            expected.merge(user, 1, Integer::sum);
        }

        ServerFrame.Presence first = alice.presence(room).join();
        ServerFrame.Presence second = alice.presence(room, first.cursor()).join();
        ServerFrame.Presence third = alice.presence(room, second.cursor()).join();
        List<ServerFrame.Member> everyone = alice.presenceAll(room).join();

        assertThat(List.of(first, second, third)).extracting(p -> p.members().stream()
                .mapToInt(ServerFrame.Member::connections).sum()).containsExactly(100, 100, 30);
        assertThat(List.of(first, second, third)).extracting(ServerFrame.Presence::more)
                .containsExactly(true, true, false);
        assertThat(everyone).extracting(ServerFrame.Member::user).containsExactlyElementsOf(expected.keySet());
        assertThat(everyone).allSatisfy(m -> assertThat(m.connections()).isEqualTo(expected.get(m.user())));
        assertThatThrownBy(() -> alice.presence(room, "AAAA").join()).cause()
                .isInstanceOfSatisfying(ServerErrorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
    }

    @Test
    void afterAServerSideDropTheClientReconnectsRejoinsAndGetsWhatItMissed() {
        String room = room();
        Inbox bobInbox = new Inbox();
        SwitchboardClient alice = client("alice", new Inbox());
        SwitchboardClient bob = client("bob", bobInbox);
        alice.join(room).join();
        bob.join(room).join();
        alice.sendText(room, "before").join();
        await().until(() -> bobInbox.messages.size() == 1);

        dropBob(room, bobInbox);
        alice.sendText(room, "while away 1").join();
        alice.sendText(room, "while away 2").join();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(bobInbox.data())
                .containsExactly("\"before\"", "\"while away 1\"", "\"while away 2\""));
        assertThat(bobInbox.states).contains(SwitchboardClient.State.RECONNECTING);
        alice.sendText(room, "after").join();
        await().untilAsserted(() -> assertThat(bobInbox.data()).hasSize(4).endsWith("\"after\""));
    }

    /** Drops only bob's connection: the one connected as user bob in the room. */
    private static void dropBob(String room, Inbox bobInbox) {
        long reconnectsBefore = bobInbox.states.stream().filter(SwitchboardClient.State.RECONNECTING::equals).count();
        HttpClient http = HttpClient.newHttpClient();
        store.memberUsers(room).forEach((id, user) -> {
            if (user.equals("bob")) {
                http.sendAsync(HttpRequest.newBuilder(URI.create(stack.managementEndpoint() + "/@connections/" + id))
                        .DELETE().build(), HttpResponse.BodyHandlers.discarding()).join();
            }
        });
        await().until(() -> bobInbox.states.stream().filter(SwitchboardClient.State.RECONNECTING::equals).count()
                > reconnectsBefore);
    }

    @Test
    void manyRandomDropsLoseNothingDuplicateNothingAndKeepOrder() {
        String room = room();
        Inbox bobInbox = new Inbox();
        SwitchboardClient alice = client("alice", new Inbox());
        SwitchboardClient bob = client("bob", bobInbox);
        alice.join(room).join();
        bob.join(room).join();
        Random random = new Random(42);
        List<String> sent = new ArrayList<>();
        int counter = 0;
        for (int cycle = 0; cycle < 12; cycle++) {
            for (int i = random.nextInt(4); i >= 0; i--) {
                String text = "m" + counter++;
                alice.sendText(room, text).join();
                sent.add("\"" + text + "\"");
            }
            if (random.nextBoolean()) {
                dropBob(room, bobInbox);
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(bobInbox.data()).containsExactlyElementsOf(sent));
        List<Long> seqs = bobInbox.messages.stream().map(ServerFrame.Message::seq).toList();
        assertThat(seqs).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aBadTokenStopsTheClientInsteadOfRetryingForever() {
        SwitchboardClient client = SwitchboardClient.create(SwitchboardClientOptions.builder(stack.webSocketUrl())
                .token("forged.token.value").reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100)).build());
        clients.add(client);
        assertThatThrownBy(() -> client.connect().join()).cause().isInstanceOf(ClientSideException.class)
                .hasMessageContaining("403");
        assertThat(client.state()).isEqualTo(SwitchboardClient.State.CLOSED);
    }

    @Test
    void closeEndsTheConnectionForGood() {
        Inbox inbox = new Inbox();
        SwitchboardClient client = client("alice", inbox);
        await().until(() -> inbox.states.contains(SwitchboardClient.State.OPEN));
        client.close();
        clients.remove(client);
        await().untilAsserted(() -> assertThat(inbox.states.getLast()).isEqualTo(SwitchboardClient.State.CLOSED));
        assertThatThrownBy(() -> client.ping().join()).cause().isInstanceOf(SwitchboardException.class);
    }
}
