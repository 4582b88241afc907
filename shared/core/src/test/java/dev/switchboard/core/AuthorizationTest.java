package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.testkit.MovableClock;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The claims policy end to end through the use cases: every denial is a FORBIDDEN that changes nothing, every
 * grant works; personal rooms; token expiry and refresh.
 */
class AuthorizationTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    private final MovableClock clock = MovableClock.at(NOW);
    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final InMemoryRoomHistory history = new InMemoryRoomHistory();
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private final TestSwitchboard kit = TestSwitchboard.builder().store(store).history(history).clock(clock)
            .closer(closed::add)
            .build();
    private final Map<String, List<ServerFrame>> inboxes = kit.sender().inboxes();
    private final Switchboard switchboard = kit.switchboard();

    private static Grant grant(String compact) {
        return new Grant(Capabilities.fromCompact(compact), NOW.plus(Duration.ofMinutes(15)));
    }

    private List<ServerFrame> inbox(String connectionId) {
        return inboxes.getOrDefault(connectionId, List.of());
    }

    private static void assertForbidden(ServerFrame reply, String... words) {
        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(e.temporary()).isFalse();
            assertThat(e.message()).contains(words);
        });
    }

    /** alice may everything in team-42:*, bob only joins team-42:general and sends nowhere. */
    private void teamRoom() {
        switchboard.connect("alice-1", "alice", "", grant("team-42:*=jhps|bob"));
        switchboard.connect("bob-1", "bob", "", grant("team-42:general=j|"));
        assertThat(switchboard.join("alice-1", new ClientFrame.Join("1", "team-42:general")))
                .isInstanceOf(ServerFrame.Ack.class);
        assertThat(switchboard.join("bob-1", new ClientFrame.Join("1", "team-42:general")))
                .isInstanceOf(ServerFrame.Ack.class);
    }

    @Test
    void deniedByDefault() {
        switchboard.connect("m-1", "mallory", "", Grant.NONE);

        assertForbidden(switchboard.join("m-1", new ClientFrame.Join("1", "team-42:general")), "join",
                "team-42:general");
        assertThat(store.members("team-42:general")).isEmpty();
        assertThat(store.find("m-1").orElseThrow().rooms()).isEmpty();
    }

    @Test
    void joinNeedsAMatchingPattern() {
        switchboard.connect("c", "carol", "", grant("lobby=j;team-42:*=j|"));

        assertThat(switchboard.join("c", new ClientFrame.Join("1", "lobby"))).isInstanceOf(ServerFrame.Ack.class);
        assertThat(switchboard.join("c", new ClientFrame.Join("2", "team-42:x"))).isInstanceOf(ServerFrame.Ack.class);
        assertForbidden(switchboard.join("c", new ClientFrame.Join("3", "lobby-2")), "lobby-2");
        assertForbidden(switchboard.join("c", new ClientFrame.Join("4", "team-43:x")), "team-43:x");
        assertThat(store.find("c").orElseThrow().rooms()).containsOnlyKeys("lobby", "team-42:x");
    }

    @Test
    void sendNeedsTheSendRightAndAForbiddenSendStoresAndPostsNothing() {
        teamRoom();
        inboxes.clear();

        assertForbidden(switchboard.send("bob-1", "bob", new ClientFrame.Send("2", "team-42:general", "\"hi\"")).reply(),
                "send", "team-42:general");
        assertThat(history.latestSeq("team-42:general")).isZero();
        assertThat(inboxes).isEmpty();

        assertThat(switchboard.send("alice-1", "alice", new ClientFrame.Send("3", "team-42:general", "\"hi\"")).reply())
                .isInstanceOf(ServerFrame.Ack.class);
        assertThat(inbox("bob-1")).singleElement().isInstanceOf(ServerFrame.Message.class);
    }

    @Test
    void resumingNeedsTheHistoryRight() {
        teamRoom();
        switchboard.send("alice-1", "alice", new ClientFrame.Send(null, "team-42:general", "1"));

        assertForbidden(switchboard.resume("bob-1", new ClientFrame.Resume("r", "team-42:general", 0)), "history");
        assertThat(switchboard.resume("alice-1", new ClientFrame.Resume("r", "team-42:general", 0)))
                .isInstanceOfSatisfying(ServerFrame.History.class, h -> assertThat(h.messages()).hasSize(1));
    }

    @Test
    void joiningWithAfterNeedsTheHistoryRightAndJoinsNothingWithoutIt() {
        teamRoom();
        switchboard.send("alice-1", "alice", new ClientFrame.Send(null, "team-42:general", "1"));
        switchboard.connect("bob-2", "bob", "", grant("team-42:general=j|"));

        assertForbidden(switchboard.join("bob-2", new ClientFrame.Join("1", "team-42:general", 0L)), "history");
        assertThat(store.members("team-42:general")).doesNotContain("bob-2");
    }

    @Test
    void presenceNeedsThePresenceRightAndOnlyWatchersHearPresenceChanges() {
        teamRoom();
        inboxes.clear();

        assertForbidden(switchboard.presence("bob-1", new ClientFrame.Presence("p", "team-42:general")), "presence");
        assertThat(switchboard.presence("alice-1", new ClientFrame.Presence("p", "team-42:general")))
                .isInstanceOfSatisfying(ServerFrame.Presence.class, p -> assertThat(p.members())
                        .extracting(ServerFrame.Member::user).containsExactly("alice", "bob"));

        switchboard.connect("carol-1", "carol", "", grant("team-42:*=j|"));
        switchboard.join("carol-1", new ClientFrame.Join(null, "team-42:general"));

        assertThat(inbox("alice-1")).singleElement().isEqualTo(
                new ServerFrame.PresenceChange("team-42:general", ServerFrame.PresenceChange.JOINED, "carol"));
        assertThat(inbox("bob-1")).as("bob may not see presence").isEmpty();
    }

    @Test
    void directNeedsAMatchingUserPattern() {
        teamRoom();
        inboxes.clear();

        assertForbidden(switchboard.direct("bob-1", new ClientFrame.Direct("d", "alice", "1")).reply(), "alice");
        assertThat(inboxes).isEmpty();
        assertThat(switchboard.direct("alice-1", new ClientFrame.Direct("d", "bob", "1")).reply())
                .isInstanceOf(ServerFrame.Ack.class);
        assertThat(inbox("bob-1")).singleElement().isInstanceOf(ServerFrame.Direct.class);
    }

    @Test
    void aPersonalRoomIsItsOwnersAloneWhateverTheCapabilities() {
        switchboard.connect("alice-1", "alice", "", Grant.NONE);
        switchboard.connect("m-1", "mallory", "", grant("*=jhps|"));

        assertThat(switchboard.join("alice-1", new ClientFrame.Join("1", "inbox~alice", 0L)))
                .isInstanceOf(ServerFrame.History.class);
        assertForbidden(switchboard.join("m-1", new ClientFrame.Join("2", "inbox~alice")), "inbox~alice");
        assertForbidden(switchboard.join("m-1", new ClientFrame.Join("3", "inbox~")), "inbox~");
        assertForbidden(switchboard.join("m-1", new ClientFrame.Join("4", "x~alice~mallory")), "x~alice~mallory");
        switchboard.connect("odd-1", "alice~mallory", "", Grant.NONE);
        assertThat(switchboard.join("odd-1", new ClientFrame.Join("5", "x~alice~mallory")))
                .as("the owner is everything after the first marker").isInstanceOf(ServerFrame.Ack.class);

        switchboard.publish("inbox~alice", "system", "\"your order shipped\"", "evt-1");
        assertThat(inbox("alice-1")).filteredOn(ServerFrame.Message.class::isInstance).singleElement()
                .satisfies(m -> assertThat(((ServerFrame.Message) m).data()).isEqualTo("\"your order shipped\""));
        assertThat(inbox("m-1")).isEmpty();
    }

    @Test
    void theOpenPolicyAllowsEverythingButOtherUsersPersonalRooms() {
        Switchboard open = TestSwitchboard.builder().store(store).history(history).clock(clock)
                .policy(RoomPolicy.open()).build().switchboard();
        open.connect("m-1", "mallory", "");

        assertThat(open.join("m-1", new ClientFrame.Join("1", "team-42:general", 0L)))
                .isInstanceOf(ServerFrame.History.class);
        assertThat(open.direct("m-1", new ClientFrame.Direct("2", "anyone", "1")).reply())
                .isInstanceOf(ServerFrame.Ack.class);
        assertForbidden(open.join("m-1", new ClientFrame.Join("3", "inbox~alice")), "inbox~alice");
    }

    @Test
    void aFrameAfterTheTokenExpiredIsRefusedPostedAndTheConnectionClosedAndGone() {
        teamRoom();
        inboxes.clear();
        clock.set(NOW.plus(Duration.ofMinutes(15)));

        ServerFrame reply = switchboard.send("alice-1", "alice", new ClientFrame.Send("9", "team-42:general", "1"))
                .reply();

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
            assertThat(e.id()).isEqualTo("9");
        });
        assertThat(inbox("alice-1")).as("posted before the close: the route's reply would find no socket")
                .containsExactly(reply);
        assertThat(closed).containsExactly("alice-1");
        assertThat(history.latestSeq("team-42:general")).isZero();
        assertThat(store.find("alice-1")).as("out of every room even if the close fails").isEmpty();
        assertThat(store.members("team-42:general")).containsExactly("bob-1");
    }

    @Test
    void everyKindOfFrameAfterTheTokenExpiredIsRefused() {
        List<ClientFrame> frames = List.of(new ClientFrame.Ping("p"), new ClientFrame.Join("j", "team-42:b"),
                new ClientFrame.Leave("l", "team-42:general"), new ClientFrame.Presence("q", "team-42:general"),
                new ClientFrame.Resume("r", "team-42:general", 0), new ClientFrame.Direct("d", "bob", "1"),
                new ClientFrame.Send("s", "team-42:general", "1"));
        for (int i = 0; i < frames.size(); i++) {
            String id = "alice-" + i;
            clock.set(NOW);
            switchboard.connect(id, "alice", "", grant("team-42:*=jhps|bob"));
            switchboard.join(id, new ClientFrame.Join(null, "team-42:general"));
            clock.set(NOW.plus(Duration.ofMinutes(15)));

            assertThat(switchboard.dispatch(id, "alice", frames.get(i))).as(frames.get(i).toString())
                    .isInstanceOfSatisfying(ServerFrame.Error.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));
            assertThat(store.find(id)).isEmpty();
        }
        assertThat(closed).hasSize(frames.size());
    }

    @Test
    void aConnectionWhoseTokenExpiredGetsNothingMoreEvenIfItNeverSendsAFrame() {
        switchboard.connect("m-1", "mallory", "", new Grant(Capabilities.fromCompact("news=jp|"),
                NOW.plus(Duration.ofMinutes(5))));
        switchboard.connect("s-1", "sam", "", new Grant(Capabilities.fromCompact("news=jps|*"),
                NOW.plus(Duration.ofHours(2))));
        switchboard.join("m-1", new ClientFrame.Join(null, "news"));
        switchboard.join("s-1", new ClientFrame.Join(null, "news"));
        inboxes.clear();
        clock.set(NOW.plus(Duration.ofMinutes(75)));

        switchboard.send("s-1", "sam", new ClientFrame.Send(null, "news", "\"after her expiry\""));
        switchboard.direct("s-1", new ClientFrame.Direct(null, "mallory", "\"psst\""));
        switchboard.connect("c-1", "carol", "", new Grant(Capabilities.fromCompact("news=j|"),
                NOW.plus(Duration.ofHours(2))));
        switchboard.join("c-1", new ClientFrame.Join(null, "news"));
        switchboard.publish("news", "server:desk", "\"from the desk\"", null);

        assertThat(inbox("m-1")).as("no message, direct or presence change after her token's expiry").isEmpty();
        assertThat(inbox("s-1")).filteredOn(ServerFrame.Message.class::isInstance).hasSize(2);
        assertThat(switchboard.presence("s-1", new ClientFrame.Presence("p", "news")))
                .isInstanceOfSatisfying(ServerFrame.Presence.class, p -> assertThat(p.members())
                        .extracting(ServerFrame.Member::user).containsExactly("carol", "sam"));
    }

    @Test
    void aRefusedRefreshDoesNotKeepAnExpiredConnectionAlive() {
        teamRoom();
        clock.set(NOW.plus(Duration.ofMinutes(20)));

        assertThat(switchboard.refuseRefresh("bob-1", new ClientFrame.Refresh("r", "t"), "token rejected (forged)"))
                .isInstanceOfSatisfying(ServerFrame.Error.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));
        assertThat(closed).containsExactly("bob-1");
        assertThat(switchboard.refresh("alice-1", new ClientFrame.Refresh("r", "t"), "alice",
                new Grant(Capabilities.NONE, NOW.plus(Duration.ofMinutes(19)))))
                .as("a token that has already expired is no refresh")
                .isInstanceOfSatisfying(ServerFrame.Error.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));
    }

    @Test
    void aMalformedFrameCountsAndClosesAnExpiredConnection() {
        teamRoom();
        ServerFrame.Error malformed = new ServerFrame.Error(ErrorCode.MALFORMED_JSON, "not json", null);

        assertThat(switchboard.refuse("bob-1", malformed)).isEqualTo(malformed);
        assertThat(switchboard.refuse("nobody", malformed)).isEqualTo(malformed);
        clock.set(NOW.plus(Duration.ofMinutes(20)));
        assertThat(switchboard.refuse("bob-1", malformed)).isInstanceOfSatisfying(ServerFrame.Error.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));
        assertThat(closed).containsExactly("bob-1");
    }

    @Test
    void aConnectionWithoutATokenExpiryNeverExpires() {
        switchboard.connect("anon", "anonymous:x", "", Grant.NONE);
        clock.set(NOW.plus(Duration.ofDays(3)));

        assertThat(switchboard.ping("anon", new ClientFrame.Ping("p"))).isInstanceOf(ServerFrame.Pong.class);
        assertThat(closed).isEmpty();
    }

    @Test
    void refreshReplacesTheGrantAndLeavesRoomsNoLongerGranted() {
        switchboard.connect("alice-1", "alice", "", grant("team-42:*=jhps;lobby=j|"));
        switchboard.join("alice-1", new ClientFrame.Join(null, "team-42:general"));
        switchboard.join("alice-1", new ClientFrame.Join(null, "lobby"));
        Instant later = NOW.plus(Duration.ofHours(1));

        ServerFrame reply = switchboard.refresh("alice-1", new ClientFrame.Refresh("r", "token"), "alice",
                new Grant(Capabilities.fromCompact("team-42:*=js|"), later));

        assertThat(reply).isEqualTo(new ServerFrame.Ack("r", "refresh", null, null, later.getEpochSecond(),
                List.of("lobby")));
        Connection after = store.find("alice-1").orElseThrow();
        assertThat(after.rooms()).containsOnlyKeys("team-42:general");
        assertThat(after.rightsIn("team-42:general")).isEqualTo(Rights.of(RoomAction.JOIN, RoomAction.SEND));
        assertThat(store.members("lobby")).isEmpty();
        assertThat(store.roomMembers("team-42:general", 10)).singleElement()
                .satisfies(m -> assertThat(m.rights()).isEqualTo(Rights.of(RoomAction.JOIN, RoomAction.SEND)));
        assertForbidden(switchboard.resume("alice-1", new ClientFrame.Resume("x", "team-42:general", 0)), "history");

        clock.set(NOW.plus(Duration.ofMinutes(30)));
        assertThat(switchboard.ping("alice-1", new ClientFrame.Ping("p")))
                .as("the old token's expiry no longer counts").isInstanceOf(ServerFrame.Pong.class);
    }

    @Test
    void refreshWithAnotherUsersTokenIsRefusedAndTheOldGrantStays() {
        teamRoom();
        Connection before = store.find("bob-1").orElseThrow();

        assertForbidden(switchboard.refresh("bob-1", new ClientFrame.Refresh("r", "t"), "alice",
                new Grant(Capabilities.fromCompact("*=jhps|*"), NOW.plus(Duration.ofDays(1)))), "another user");

        assertThat(store.find("bob-1").orElseThrow()).isEqualTo(before);
    }

    @Test
    void refreshRescuesAConnectionWhoseTokenJustExpired() {
        teamRoom();
        clock.set(NOW.plus(Duration.ofMinutes(20)));

        assertThat(switchboard.refresh("bob-1", new ClientFrame.Refresh("r", "t"), "bob",
                new Grant(Capabilities.fromCompact("team-42:general=j|"), NOW.plus(Duration.ofHours(1)))))
                .isInstanceOf(ServerFrame.Ack.class);
        assertThat(switchboard.ping("bob-1", new ClientFrame.Ping("p"))).isInstanceOf(ServerFrame.Pong.class);
        assertThat(closed).isEmpty();
    }

    @Test
    void aJoinDecidedFromAGrantThatChangedMeanwhileIsDecidedAgain() {
        switchboard.connect("c", "carol", "", grant("a=j;b=j|"));
        Connection stale = store.find("c").orElseThrow();
        switchboard.refresh("c", new ClientFrame.Refresh("r", "t"), "carol", grant("a=j|"));

        assertThat(store.join(stale, "b", Rights.of(RoomAction.JOIN), 50)).isEqualTo(JoinResult.CHANGED);
        assertForbidden(switchboard.join("c", new ClientFrame.Join("1", "b")), "'b'");
        List<String> rooms = new ArrayList<>(store.find("c").orElseThrow().rooms().keySet());
        assertThat(rooms).isEmpty();
    }
}
