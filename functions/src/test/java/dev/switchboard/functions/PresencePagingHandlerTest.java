package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Capabilities;
import dev.switchboard.core.Connection;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.Grant;
import dev.switchboard.core.Rights;
import dev.switchboard.core.RoomAction;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.aws.LocalDynamoDb;
import dev.switchboard.functions.aws.TableSwitchboard;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@code presence} in pages through {@link PresenceHandler}, from the sample event {@code events/presence.json}
 * (alice's connection {@code Conn-Alice-1=} asking about {@code lobby}), over the DynamoDB store on DynamoDB Local:
 * a room of 250 is three pages of at most 100, each read with a bounded Query; hostile cursors and callers without
 * the presence right are refused before anything is read.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PresencePagingHandlerTest {

    private static final String ALICE = "Conn-Alice-1=";
    private static final String BOB = "Conn-Bob-1=";
    private static final String ROOM = "lobby";
    private static final int MEMBERS = 250;

    /** A Query the store sent, with how many rows came back. */
    private record Read(QueryRequest request, int rows) {
    }

    /** One stack per shard count: the table, the handler over it, and what its client sent. */
    private static final class Stack {
        final List<Read> queries = new CopyOnWriteArrayList<>();
        final List<String> operations = new CopyOnWriteArrayList<>();
        final List<String> posted = new CopyOnWriteArrayList<>();
        final DynamoDbConnectionStore store;
        final PresenceHandler handler;

        Stack(int shards) {
            DynamoDbClient dynamoDb = LocalDynamoDb.client(new ExecutionInterceptor() {
                @Override
                public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                    operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
                }

                @Override
                public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                    if (context.request() instanceof QueryRequest query
                            && context.response() instanceof QueryResponse response) {
                        queries.add(new Read(query, response.count()));
                    }
                }
            });
            String table = LocalDynamoDb.newTable();
            store = DynamoDbConnectionStore.create(dynamoDb, table, shards);
            Switchboard switchboard = TableSwitchboard.over(dynamoDb, table)
                    .store(store)
                    .sender((id, payload) -> {
                        posted.add(id);
                        return SendOutcome.DELIVERED;
                    })
                    .clock(Clock.systemUTC())
                    .settings(CoreSettings.defaults().withPresenceEvents(false, 0))
                    .build().switchboard();
            handler = new PresenceHandler(switchboard);
        }

        /** The fixture's frame with another body, from another connection when asked. */
        ServerFrame ask(String connectionId, String body) {
            APIGatewayV2WebSocketEvent event = Events.withBody("presence", body);
            event.getRequestContext().setConnectionId(connectionId);
            APIGatewayV2WebSocketResponse response = handler.handleRequest(event, null);
            assertThat(response.getStatusCode()).isEqualTo(200);
            assertThat(response.getBody().getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(Limits.MAX_MESSAGE_BYTES);
            return FrameCodec.decodeServer(response.getBody()).orElseThrow();
        }

        ServerFrame page(String connectionId, String cursor) {
            return ask(connectionId, "{\"action\":\"presence\",\"room\":\"" + ROOM + "\",\"id\":\"c-7\""
                    + (cursor == null ? "" : ",\"cursor\":\"" + cursor + "\"") + "}");
        }
    }

    private final Map<Integer, Stack> stacks = new HashMap<>();

    @BeforeAll
    void seedRoomsOf250() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int shards : new int[] {1, 4}) {
            Stack stack = new Stack(shards);
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                for (int i = 0; i < MEMBERS; i++) {
                    String id = i == 0 ? ALICE : i == 1 ? BOB : "Conn-" + i + "=";
                    String user = i == 0 ? "alice" : i == 1 ? "bob" : "user-" + i;
                    Rights rights = i == 0 ? Rights.ALL : Rights.of(RoomAction.JOIN);
                    pool.execute(() -> {
                        stack.store.register(new Connection(id, user, now, "203.0.113.9", now.plus(Duration.ofHours(3)),
                                new Grant(Capabilities.NONE, now.plus(Duration.ofHours(1)))));
                        stack.store.join(id, ROOM, rights, 50);
                    });
                }
                // Another room the cursors of this one must never reach into.
                pool.execute(() -> {
                    stack.store.register(new Connection("Conn-Eve-1=", "eve", now, "", now.plus(Duration.ofHours(3))));
                    stack.store.join("Conn-Eve-1=", "elsewhere", Rights.ALL, 50);
                });
            }
            assertThat(stack.store.members(ROOM)).hasSize(MEMBERS);
            stacks.put(shards, stack);
        }
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 4})
    void aRoomOf250IsThreePagesOfAtMost100EachReadWithABoundedQuery(int shards) {
        Stack stack = stacks.get(shards);
        List<ServerFrame.Presence> pages = new ArrayList<>();
        String cursor = null;
        do {
            int queriesBefore = stack.queries.size();
            ServerFrame reply = stack.page(ALICE, cursor);
            assertThat(reply).isInstanceOf(ServerFrame.Presence.class);
            ServerFrame.Presence page = (ServerFrame.Presence) reply;
            pages.add(page);

            List<Read> reads = stack.queries.subList(queriesBefore, stack.queries.size());
            assertThat(reads).isNotEmpty().allSatisfy(read -> {
                assertThat(read.request().limit()).isBetween(1, Limits.PRESENCE_PAGE_SIZE + 1);
                assertThat(read.request().expressionAttributeValues().get(":pk").s()).startsWith("ROOM#" + ROOM);
            });
            assertThat(reads.stream().mapToInt(Read::rows).sum()).as("rows read for one page")
                    .isLessThanOrEqualTo(Limits.PRESENCE_PAGE_SIZE + 1);
            if (cursor != null) {
                assertThat(reads.getFirst().request().exclusiveStartKey())
                        .as("a later page starts after the cursor's key, not at the partition's start").isNotEmpty();
            }
            cursor = page.cursor();
            assertThat(pages).hasSizeLessThanOrEqualTo(3);
        } while (cursor != null);

        assertThat(pages).extracting(p -> p.members().stream().mapToInt(ServerFrame.Member::connections).sum())
                .containsExactly(100, 100, 50);
        assertThat(pages).extracting(ServerFrame.Presence::more).containsExactly(true, true, false);
        assertThat(pages).allSatisfy(p -> {
            assertThat(p.id()).isEqualTo("c-7");
            assertThat(p.room()).isEqualTo(ROOM);
        });
        List<String> users = pages.stream().flatMap(p -> p.members().stream()).map(ServerFrame.Member::user).toList();
        assertThat(users).doesNotHaveDuplicates().hasSize(MEMBERS).contains("alice", "bob", "user-2", "user-249");
        assertThat(stack.operations).doesNotContain("Scan");
        assertThat(stack.posted).as("a presence page posts nothing").isEmpty();
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 4})
    void hostileCursorsGetAnInvalidFieldErrorAndNothingIsRead(int shards) {
        Stack stack = stacks.get(shards);
        String real = ((ServerFrame.Presence) stack.page(ALICE, null)).cursor();
        byte[] raw = Base64.getUrlDecoder().decode(real);
        byte[] otherShard = raw.clone();
        otherShard[2] = (byte) shards;
        // The same position, named as in the room next door.
        String elsewhere = Base64.getUrlEncoder().withoutPadding().encodeToString(otherRoomTag(raw));

        List<String> refusedByTheCore = List.of(elsewhere, Base64.getUrlEncoder().withoutPadding()
                .encodeToString(otherShard), "AAAA", "Zm9yZ2Vk");
        List<String> refusedByTheCodec = List.of("A".repeat(Limits.MAX_CURSOR_LENGTH + 1), "not base64!", "");
        int queriesBefore = stack.queries.size();
        for (String cursor : refusedByTheCore) {
            assertInvalidCursor(stack.page(ALICE, cursor));
        }
        for (String cursor : refusedByTheCodec) {
            assertInvalidCursor(stack.page(ALICE, cursor));
        }
        assertInvalidCursor(stack.ask(ALICE, "{\"action\":\"presence\",\"room\":\"lobby\",\"id\":\"c-7\",\"cursor\":7}"));
        assertInvalidCursor(stack.ask(ALICE,
                "{\"action\":\"presence\",\"room\":\"lobby\",\"id\":\"c-7\",\"cursor\":{\"pk\":\"ROOM#elsewhere\"}}"));

        assertThat(stack.queries).as("no cursor made the store read anything").hasSize(queriesBefore);
        assertThat(stack.page(ALICE, real)).as("the connection carries on").isInstanceOf(ServerFrame.Presence.class);
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 4})
    void aMemberWithoutThePresenceRightIsRefusedOnPageTwoAsOnPageOne(int shards) {
        Stack stack = stacks.get(shards);
        String cursor = ((ServerFrame.Presence) stack.page(ALICE, null)).cursor();
        int queriesBefore = stack.queries.size();

        for (String page : new String[] {null, cursor}) {
            assertThat(stack.page(BOB, page)).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
                assertThat(e.id()).isEqualTo("c-7");
            });
            assertThat(stack.page("Conn-Eve-1=", page)).isInstanceOfSatisfying(ServerFrame.Error.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_ROOM));
        }

        assertThat(stack.queries).as("refused before any member was read").hasSize(queriesBefore);
    }

    private static void assertInvalidCursor(ServerFrame reply) {
        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
            assertThat(e.temporary()).isFalse();
            assertThat(e.message()).contains("cursor");
            assertThat(e.id()).isEqualTo("c-7");
        });
    }

    /** The cursor's bytes with the room digest of {@code elsewhere} in place of this room's. */
    private static byte[] otherRoomTag(byte[] cursor) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest("elsewhere".getBytes(StandardCharsets.UTF_8));
            byte[] moved = cursor.clone();
            System.arraycopy(digest, 0, moved, 3, 8);
            return moved;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
