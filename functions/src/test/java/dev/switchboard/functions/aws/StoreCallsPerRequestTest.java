package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.Grant;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.MovableClock;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The DynamoDB calls of a join, a leave and a disconnect, counted on the SDK client against DynamoDB Local, so a
 * change that adds a round trip (or makes a big room's every join read a page of its members again) fails here.
 * Presence events on, as by default, for rooms of up to {@link #PRESENCE_LIMIT} members.
 */
class StoreCallsPerRequestTest {

    private static final int PRESENCE_LIMIT = 3;

    /** The operations sent, and for each Query how many rows it read. */
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Integer> queryRows = new CopyOnWriteArrayList<>();
    /** Presence events posted, as {@code connection: frame}. */
    private final List<String> posted = new CopyOnWriteArrayList<>();
    private final DynamoDbClient dynamoDb = LocalDynamoDb.client(new ExecutionInterceptor() {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            calls.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (context.response() instanceof QueryResponse query) {
                queryRows.add(query.count());
            }
        }
    });
    private final String table = LocalDynamoDb.newTable();
    private final DynamoDbConnectionStore store = DynamoDbConnectionStore.create(dynamoDb, table);
    private final DynamoDbRoomHistory history = new DynamoDbRoomHistory(dynamoDb, table);
    /** A clock the tests move. */
    private final MovableClock clock = MovableClock.at(Instant.now());
    private final Switchboard switchboard = wired(true);

    @AfterEach
    void close() {
        dynamoDb.close();
    }

    private Switchboard wired(boolean presenceEvents) {
        return TableSwitchboard.over(dynamoDb, table)
                .store(store)
                .history(history)
                .sender((connectionId, payload) -> {
                    posted.add(connectionId + ": " + new String(payload, StandardCharsets.UTF_8));
                    return SendOutcome.DELIVERED;
                })
                .policy(RoomPolicy.named("open"))
                .clock(clock)
                .settings(CoreSettings.defaults().withPresenceEvents(presenceEvents, PRESENCE_LIMIT))
                .build().switchboard();
    }

    private String connect(String user) {
        String id = user + "-connection";
        assertThat(switchboard.connect(id, user, "203.0.113.9", Grant.NONE))
                .isInstanceOf(Switchboard.Connected.Accepted.class);
        return id;
    }

    private ServerFrame join(Switchboard wiring, String connectionId, String room, Long after) {
        ServerFrame reply = wiring.join(connectionId, new ClientFrame.Join("j", room, after));
        assertThat(reply).isNotInstanceOf(ServerFrame.Error.class);
        return reply;
    }

    private void join(String connectionId, String room) {
        join(switchboard, connectionId, room, null);
    }

    private void clear() {
        calls.clear();
        queryRows.clear();
        posted.clear();
    }

    /** A room with one member more than presence events go to. */
    private void crowd(String room) {
        for (int i = 0; i <= PRESENCE_LIMIT; i++) {
            join(connect(room + "-member-" + i), room);
        }
    }

    @Test
    void aJoinIsThreeCallsItsCountedWriteAndOneReadOfTheRoomForItsMembersAndItsSeq() {
        String bob = connect("bob");
        join(bob, "lobby");
        history.nextSeq("lobby", clock.instant());
        String alice = connect("alice");
        clear();

        ServerFrame reply = join(switchboard, alice, "lobby", null);

        // Four before: the presence check read up to 101 members in a Query, then a GetItem read the room's seq.
        assertThat(calls).containsExactly("UpdateItem", "TransactWriteItems", "Query");
        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Ack.class, ack -> assertThat(ack.seq()).isEqualTo(1L));
        assertThat(posted).as("the room is small: its members are told")
                .containsExactlyInAnyOrder("bob-connection: " + presence("lobby", ServerFrame.PresenceChange.JOINED, "alice"),
                        "alice-connection: " + presence("lobby", ServerFrame.PresenceChange.JOINED, "alice"));
    }

    @Test
    void aJoinOfABigRoomReadsTheRoomsOwnRowsNotAPageOfItsMembers() {
        crowd("hall");
        String alice = connect("alice");
        clear();

        join(alice, "hall");

        assertThat(calls).containsExactly("UpdateItem", "TransactWriteItems", "Query");
        assertThat(queryRows).as("its last size check and its counter").containsExactly(2);
        assertThat(posted).as("too big for presence events").isEmpty();
    }

    @Test
    void theJoinThatFindsARoomBigRecordsItAndOnceThatIsOldTheNextChecksAgain() {
        String first = connect("first");
        join(first, "hall");
        for (int i = 1; i < PRESENCE_LIMIT; i++) {
            join(connect("member-" + i), "hall");
        }
        String last = connect("last");
        clear();

        join(last, "hall");

        // The room was small when this process last read it: the members came with the same read, one too many.
        assertThat(calls).containsExactly("UpdateItem", "TransactWriteItems", "Query", "BatchWriteItem");
        assertThat(posted).isEmpty();

        switchboard.leave(last, new ClientFrame.Leave("l", "hall"));
        clock.advance(ConnectionStore.ROOM_SIZE_CHECK_MAX_AGE.plusSeconds(1));
        String alice = connect("alice");
        clear();

        join(alice, "hall");

        // The check is old: the members are read again and the room is recorded as big once more.
        assertThat(calls).containsExactly("UpdateItem", "TransactWriteItems", "Query", "Query", "BatchWriteItem");
        switchboard.leave(alice, new ClientFrame.Leave("l", "hall"));
        clock.advance(ConnectionStore.ROOM_SIZE_CHECK_MAX_AGE.plusSeconds(1));
        clear();

        switchboard.leave(first, new ClientFrame.Leave("l", "hall"));

        assertThat(calls).as("the room has shrunk to the limit").containsExactly("UpdateItem",
                "TransactWriteItems", "Query", "Query");
        assertThat(posted).hasSize(PRESENCE_LIMIT - 1).allMatch(post -> post.endsWith(presence("hall",
                ServerFrame.PresenceChange.LEFT, "first")));
    }

    @Test
    void aJoinThatResumesAddsOnlyTheHistoryRead() {
        String bob = connect("bob");
        join(bob, "lobby");
        for (int i = 0; i < 3; i++) {
            assertThat(switchboard.send(bob, "bob", new ClientFrame.Send("s" + i, "lobby", "1")).reply())
                    .isInstanceOf(ServerFrame.Ack.class);
        }
        String alice = connect("alice");
        clear();

        ServerFrame reply = join(switchboard, alice, "lobby", 1L);

        assertThat(calls).containsExactly("UpdateItem", "TransactWriteItems", "Query", "Query");
        assertThat(reply).isInstanceOfSatisfying(ServerFrame.History.class, page -> {
            assertThat(page.messages()).extracting(ServerFrame.Message::seq).containsExactly(2L, 3L);
            assertThat(page.seq()).isEqualTo(3);
        });
    }

    @Test
    void aJoinThatNeedsNoMembersReadsTheRoomsCounterOnly() {
        String alice = connect("alice");
        join(alice, "lobby");
        clear();

        join(alice, "lobby");

        assertThat(calls).as("a member already").containsExactly("UpdateItem", "GetItem");
        clear();

        join(wired(false), alice, "games", null);

        assertThat(calls).as("presence events off").containsExactly("UpdateItem", "TransactWriteItems", "GetItem");
    }

    @Test
    void aLeaveIsItsCountedWriteAndOneReadOfTheRoom() {
        String alice = connect("alice");
        join(alice, "lobby");
        join(connect("bob"), "lobby");
        clear();

        assertThat(switchboard.leave(alice, new ClientFrame.Leave("l", "lobby"))).isInstanceOf(ServerFrame.Ack.class);

        assertThat(calls).containsExactly("UpdateItem", "TransactWriteItems", "Query");
        assertThat(posted).containsExactly("bob-connection: " + presence("lobby", ServerFrame.PresenceChange.LEFT, "alice"));
    }

    @Test
    void aDisconnectReadsItsRowDeletesTheListingsThenTheRowAndReadsEachRoomOnce() {
        crowd("hall");
        String alice = connect("alice");
        join(alice, "lobby");
        join(alice, "hall");
        join(connect("bob"), "lobby");
        clear();

        assertThat(switchboard.disconnect(alice).rooms()).containsExactlyInAnyOrder("lobby", "hall");

        // The row is read and deleted last, so that a removal whose answer is lost can be repeated (see
        // DynamoDbConnectionStore#remove); each room is read once, for its size and its members.
        assertThat(calls).containsExactly("GetItem", "BatchWriteItem", "DeleteItem", "Query", "Query");
        assertThat(queryRows).as("the small room's one member left; the big room's size check, and a member")
                .containsExactlyInAnyOrder(1, 2);
        assertThat(posted).containsExactly("bob-connection: " + presence("lobby", ServerFrame.PresenceChange.LEFT, "alice"));
    }

    private static String presence(String room, String event, String user) {
        return new String(FrameCodec.encodeBytes(new ServerFrame.PresenceChange(room, event, user)),
                StandardCharsets.UTF_8);
    }

    /** Invokes of the application's hooks, by hook. */
    private final List<String> invoked = new CopyOnWriteArrayList<>();

    private dev.switchboard.core.Invoker counting(String hook, String answer) {
        return event -> {
            invoked.add(hook);
            return new dev.switchboard.core.Invoked.Answered(answer);
        };
    }

    private Switchboard hooked(dev.switchboard.core.Hooks hooks) {
        return TableSwitchboard.over(dynamoDb, table)
                .store(store)
                .history(history)
                .policy(RoomPolicy.named("open"))
                .clock(clock)
                .settings(CoreSettings.defaults().withPresenceEvents(true, PRESENCE_LIMIT))
                .hooks(hooks)
                .build().switchboard();
    }

    private List<String> sendCalls(Switchboard wiring, String connectionId, String id) {
        clear();
        ServerFrame reply = wiring.send(connectionId, connectionId.replace("-connection", ""),
                new ClientFrame.Send(id, "lobby", "\"hi\"")).reply();
        assertThat(reply).isInstanceOf(ServerFrame.Ack.class);
        return List.copyOf(calls);
    }

    @Test
    void aSendWithoutAnOnSendHookMakesNoInvokeAndNoStoreCallMoreThanWithoutHooks() {
        String alice = connect("alice");
        join(alice, "lobby");
        Switchboard joinHookOnly = hooked(dev.switchboard.core.Hooks.invoking(null,
                counting("onJoin", "{\"allow\":true}"), null, clock));

        List<String> plain = sendCalls(switchboard, alice, "s-1");
        List<String> withJoinHook = sendCalls(joinHookOnly, alice, "s-2");

        assertThat(invoked).isEmpty();
        assertThat(withJoinHook).isEqualTo(plain);
    }

    @Test
    void aJoinAsksTheOnJoinHookOnceAndAddsNoStoreCall() {
        String bob = connect("bob");
        join(bob, "lobby");
        history.nextSeq("lobby", clock.instant());
        String alice = connect("alice");
        Switchboard withHook = hooked(dev.switchboard.core.Hooks.invoking(null,
                counting("onJoin", "{\"allow\":true,\"rights\":[\"send\"]}"), null, clock));
        clear();

        join(withHook, alice, "lobby", null);

        assertThat(invoked).containsExactly("onJoin");
        assertThat(calls).containsExactly("UpdateItem", "TransactWriteItems", "Query");
        invoked.clear();
        join(withHook, alice, "lobby", null);
        assertThat(invoked).as("a member's join is answered from its membership").isEmpty();
    }

    @Test
    void aSendWithAnOnSendHookIsOneInvokeAndClaimsItsIdOnlyOnceAllowed() {
        String alice = connect("alice");
        join(alice, "lobby");
        Switchboard withHook = hooked(dev.switchboard.core.Hooks.invoking(null, null,
                counting("onSend", "{\"allow\":true}"), clock));
        List<String> plain = sendCalls(switchboard, alice, "s-1");

        List<String> hooked = sendCalls(withHook, alice, "s-2");

        assertThat(invoked).containsExactly("onSend");
        assertThat(plain.getFirst()).isEqualTo("TransactWriteItems");
        assertThat(hooked.subList(0, 2)).as("the frame counted, then the id claimed once allowed")
                .containsExactly("UpdateItem", "PutItem");
        assertThat(hooked.subList(2, hooked.size())).isEqualTo(plain.subList(1, plain.size()));
    }
}
