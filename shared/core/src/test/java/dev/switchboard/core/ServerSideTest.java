package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.testkit.MovableClock;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The server side's use cases over the in-memory stores: memberships the server makes and removes (written and
 * announced as a client's join and leave, kept across a token refresh), closing a user's connections, and the
 * unchecked presence and history reads; every bad input refused before anything is written.
 */
class ServerSideTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    /** A gateway whose DELETE answers as set per connection (CLOSED by default). */
    private final class Gateway implements ConnectionCloser {
        private final Map<String, CloseOutcome> answers = new ConcurrentHashMap<>();
        private final List<String> deleted = new CopyOnWriteArrayList<>();

        @Override
        public void close(String connectionId) {
            attemptClose(connectionId);
        }

        @Override
        public CloseOutcome attemptClose(String connectionId) {
            deleted.add(connectionId);
            return answers.getOrDefault(connectionId, CloseOutcome.CLOSED);
        }
    }

    private final MovableClock clock = MovableClock.at(NOW);
    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final InMemoryRoomHistory history = new InMemoryRoomHistory();
    private final Gateway gateway = new Gateway();
    private final TestSwitchboard kit = TestSwitchboard.builder().store(store).history(history).clock(clock)
            .settings(CoreSettings.defaults().withMaxRooms(2))
            .closer(gateway)
            .build();
    private final Map<String, List<ServerFrame>> inboxes = kit.sender().inboxes();
    private final Switchboard switchboard = kit.switchboard();

    private static Grant grant(String compact) {
        return new Grant(Capabilities.fromCompact(compact), NOW.plus(Duration.ofMinutes(15)));
    }

    private List<ServerFrame> inbox(String connectionId) {
        return inboxes.getOrDefault(connectionId, List.of());
    }

    private List<ServerFrame.PresenceChange> presenceEvents(String connectionId) {
        return inbox(connectionId).stream().filter(ServerFrame.PresenceChange.class::isInstance)
                .map(ServerFrame.PresenceChange.class::cast).toList();
    }

    /** carol watches the room "vip" (her token lets her in with presence); alice's token grants her nothing. */
    private void aliceWithTwoConnectionsAndCarolWatchingVip() {
        switchboard.connect("alice-1", "alice", "", Grant.NONE);
        switchboard.connect("alice-2", "alice", "", Grant.NONE);
        switchboard.connect("carol-1", "carol", "", grant("vip=jps|"));
        assertThat(switchboard.join("carol-1", new ClientFrame.Join("1", "vip"))).isInstanceOf(ServerFrame.Ack.class);
        inboxes.clear();
    }

    @Test
    void addMemberJoinsEveryOpenConnectionOfTheUserWithoutAskingTheTokenAndTellsTheRoomOnce() {
        aliceWithTwoConnectionsAndCarolWatchingVip();

        List<MemberChange> changes = switchboard.addMember("alice", "vip", Rights.of(RoomAction.HISTORY));

        assertThat(changes).containsExactlyInAnyOrder(new MemberChange("alice-1", MemberChange.Outcome.JOINED),
                new MemberChange("alice-2", MemberChange.Outcome.JOINED));
        assertThat(store.members("vip")).containsExactlyInAnyOrder("carol-1", "alice-1", "alice-2");
        assertThat(store.find("alice-1").orElseThrow().rightsIn("vip")).isEqualTo(Rights.of(RoomAction.HISTORY));
        assertThat(presenceEvents("carol-1")).containsExactly(
                new ServerFrame.PresenceChange("vip", ServerFrame.PresenceChange.JOINED, "alice"));

        // Members receive the room's messages like any other.
        switchboard.send("carol-1", "carol", new ClientFrame.Send("2", "vip", "\"welcome\""));
        assertThat(inbox("alice-2")).filteredOn(ServerFrame.Message.class::isInstance).singleElement()
                .satisfies(m -> assertThat(((ServerFrame.Message) m).data()).isEqualTo("\"welcome\""));
    }

    @Test
    void theRightsGivenAreTheOnlyOnesTheMemberHas() {
        aliceWithTwoConnectionsAndCarolWatchingVip();
        switchboard.addMember("alice", "vip", Rights.of(RoomAction.HISTORY));

        ServerFrame refused = switchboard.send("alice-1", "alice", new ClientFrame.Send("1", "vip", "1")).reply();
        assertThat(refused).isInstanceOfSatisfying(ServerFrame.Error.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThat(switchboard.resume("alice-1", new ClientFrame.Resume("2", "vip", 0)))
                .isInstanceOf(ServerFrame.History.class);
        assertThat(switchboard.presence("alice-1", new ClientFrame.Presence("3", "vip")))
                .isInstanceOfSatisfying(ServerFrame.Error.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));

        switchboard.addMember("bob", "vip", Rights.of(RoomAction.SEND));
        switchboard.connect("bob-1", "bob", "", Grant.NONE);
        switchboard.addMember("bob", "vip", Rights.of(RoomAction.SEND));
        assertThat(switchboard.send("bob-1", "bob", new ClientFrame.Send("1", "vip", "2")).reply())
                .isInstanceOf(ServerFrame.Ack.class);
    }

    @Test
    void aUserWithoutOpenConnectionsIsNotRememberedForLater() {
        assertThat(switchboard.addMember("dave", "vip", Rights.NONE)).isEmpty();

        switchboard.connect("dave-1", "dave", "", Grant.NONE);
        assertThat(store.find("dave-1").orElseThrow().rooms()).isEmpty();
    }

    @Test
    void theRoomLimitStillHoldsAndEachConnectionSaysWhatHappened() {
        switchboard.connect("alice-1", "alice", "", Grant.NONE);
        switchboard.connect("alice-2", "alice", "", grant("a=j;b=j|"));
        switchboard.join("alice-2", new ClientFrame.Join("1", "a"));
        switchboard.join("alice-2", new ClientFrame.Join("2", "b"));

        List<MemberChange> changes = switchboard.addMember("alice", "vip", Rights.NONE);

        assertThat(changes).containsExactlyInAnyOrder(new MemberChange("alice-1", MemberChange.Outcome.JOINED),
                new MemberChange("alice-2", MemberChange.Outcome.TOO_MANY_ROOMS));
        assertThat(changes).filteredOn(change -> !change.outcome().done()).hasSize(1);
        assertThat(store.find("alice-2").orElseThrow().rooms()).containsOnlyKeys("a", "b");
    }

    @Test
    void addingAMemberAgainKeepsItsRights() {
        switchboard.connect("alice-1", "alice", "", Grant.NONE);
        switchboard.addMember("alice", "vip", Rights.of(RoomAction.SEND));

        assertThat(switchboard.addMember("alice", "vip", Rights.NONE))
                .containsExactly(new MemberChange("alice-1", MemberChange.Outcome.ALREADY_MEMBER));
        assertThat(store.find("alice-1").orElseThrow().rightsIn("vip")).isEqualTo(Rights.of(RoomAction.SEND));
    }

    @Test
    void aRefreshKeepsTheServersMembershipsAndStillDecidesTheClientsOwn() {
        switchboard.connect("alice-1", "alice", "", grant("lobby=j|"));
        switchboard.join("alice-1", new ClientFrame.Join("1", "lobby"));
        switchboard.addMember("alice", "vip", Rights.of(RoomAction.HISTORY));

        ServerFrame reply = switchboard.refresh("alice-1", new ClientFrame.Refresh("2", "token"), "alice",
                grant("elsewhere=j|"));

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Ack.class,
                ack -> assertThat(ack.revoked()).containsExactly("lobby"));
        assertThat(store.find("alice-1").orElseThrow().rooms())
                .isEqualTo(Map.of("vip", Rights.of(RoomAction.HISTORY)));
    }

    @Test
    void removeMemberTakesEveryConnectionOutHoweverItJoinedAndTellsTheRoomWhenTheLastLeft() {
        aliceWithTwoConnectionsAndCarolWatchingVip();
        switchboard.addMember("alice", "vip", Rights.NONE);
        switchboard.connect("alice-3", "alice", "", grant("vip=j|"));
        switchboard.join("alice-3", new ClientFrame.Join("1", "vip"));
        switchboard.connect("alice-4", "alice", "", Grant.NONE);
        inboxes.clear();

        List<MemberChange> changes = switchboard.removeMember("alice", "vip");

        assertThat(changes).containsExactlyInAnyOrder(new MemberChange("alice-1", MemberChange.Outcome.LEFT),
                new MemberChange("alice-2", MemberChange.Outcome.LEFT),
                new MemberChange("alice-3", MemberChange.Outcome.LEFT),
                new MemberChange("alice-4", MemberChange.Outcome.NOT_A_MEMBER));
        assertThat(store.members("vip")).containsExactly("carol-1");
        assertThat(presenceEvents("carol-1")).containsExactly(
                new ServerFrame.PresenceChange("vip", ServerFrame.PresenceChange.LEFT, "alice"));
    }

    @Test
    void closeUserClosesEveryConnectionForgetsItAndTellsItsRooms() {
        aliceWithTwoConnectionsAndCarolWatchingVip();
        switchboard.addMember("alice", "vip", Rights.NONE);
        gateway.answers.put("alice-2", CloseOutcome.ALREADY_GONE);
        inboxes.clear();

        List<Closed> closed = switchboard.closeUser("alice");

        assertThat(closed).containsExactlyInAnyOrder(new Closed("alice-1", CloseOutcome.CLOSED),
                new Closed("alice-2", CloseOutcome.ALREADY_GONE));
        assertThat(gateway.deleted).containsExactlyInAnyOrder("alice-1", "alice-2");
        assertThat(store.find("alice-1")).isEmpty();
        assertThat(store.find("alice-2")).isEmpty();
        assertThat(store.connectionsOf("alice")).isEmpty();
        assertThat(store.members("vip")).containsExactly("carol-1");
        assertThat(presenceEvents("carol-1")).containsExactly(
                new ServerFrame.PresenceChange("vip", ServerFrame.PresenceChange.LEFT, "alice"));
    }

    @Test
    void aConnectionThatCouldNotBeClosedKeepsItsRecordsSoARetryFindsIt() {
        switchboard.connect("alice-1", "alice", "", Grant.NONE);
        switchboard.addMember("alice", "vip", Rights.NONE);
        gateway.answers.put("alice-1", CloseOutcome.FAILED);

        assertThat(switchboard.closeUser("alice")).containsExactly(new Closed("alice-1", CloseOutcome.FAILED));
        assertThat(store.connectionsOf("alice")).containsExactly("alice-1");
        assertThat(store.members("vip")).containsExactly("alice-1");

        gateway.answers.remove("alice-1");
        assertThat(switchboard.closeUser("alice")).containsExactly(new Closed("alice-1", CloseOutcome.CLOSED));
        assertThat(store.connectionsOf("alice")).isEmpty();
    }

    @Test
    void closeConnectionClosesOnlyThatOne() {
        switchboard.connect("alice-1", "alice", "", Grant.NONE);
        switchboard.connect("alice-2", "alice", "", Grant.NONE);

        assertThat(switchboard.closeConnection("alice-2")).isEqualTo(new Closed("alice-2", CloseOutcome.CLOSED));
        assertThat(store.connectionsOf("alice")).containsExactly("alice-1");
    }

    @Test
    void presenceCountsLiveConnectionsByUser() {
        switchboard.connect("alice-1", "alice", "", Grant.NONE);
        switchboard.connect("alice-2", "alice", "", Grant.NONE);
        switchboard.connect("bob-1", "bob", "", new Grant(Capabilities.NONE, NOW.plusSeconds(60)));
        switchboard.connect("erin-1", "erin", "", new Grant(Capabilities.NONE, NOW.plusSeconds(1)));
        for (String user : List.of("alice", "bob", "erin")) {
            switchboard.addMember(user, "vip", Rights.NONE);
        }
        clock.set(NOW.plusSeconds(2));

        assertThat(switchboard.roomPresence("vip")).containsExactly(new ServerFrame.Member("alice", 2),
                new ServerFrame.Member("bob", 1));
        assertThat(switchboard.roomPresence("empty")).isEmpty();
    }

    @Test
    void historyPagesThroughTheRoomAndSaysWhereItEnds() {
        for (int i = 1; i <= 5; i++) {
            switchboard.publish("news", "server:desk", Integer.toString(i), null);
        }

        ServerFrame.History first = switchboard.roomHistory("news", 0, 2);
        assertThat(first.messages()).extracting(ServerFrame.Message::seq).containsExactly(1L, 2L);
        assertThat(first.more()).isTrue();
        assertThat(first.seq()).isEqualTo(5);
        ServerFrame.History last = switchboard.roomHistory("news", 3, 100);
        assertThat(last.messages()).extracting(ServerFrame.Message::data).containsExactly("4", "5");
        assertThat(last.more()).isFalse();
        assertThat(switchboard.roomHistory("news", 5, 10).messages()).isEmpty();
        assertThat(switchboard.roomHistory("quiet", 0, 10).seq()).isZero();
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsWritten() {
        switchboard.connect("alice-1", "alice", "", Grant.NONE);

        assertThatThrownBy(() -> switchboard.addMember("alice", "vip", Rights.of(RoomAction.JOIN, RoomAction.SEND)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'join'");
        assertThatThrownBy(() -> switchboard.addMember("alice", "no spaces", Rights.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("room");
        assertThatThrownBy(() -> switchboard.addMember("", "vip", Rights.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user");
        assertThatThrownBy(() -> switchboard.removeMember("alice\n", "vip"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user");
        assertThatThrownBy(() -> switchboard.closeUser(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> switchboard.closeConnection("../alice-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connection id");
        assertThatThrownBy(() -> switchboard.roomPresence("x".repeat(129)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> switchboard.roomHistory("news", -1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> switchboard.roomHistory("news", 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> switchboard.roomHistory("news", 0, 101)).isInstanceOf(IllegalArgumentException.class);

        assertThat(store.find("alice-1").orElseThrow().rooms()).isEmpty();
        assertThat(gateway.deleted).isEmpty();
    }
}
