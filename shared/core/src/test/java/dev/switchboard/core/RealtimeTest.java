package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.testkit.MovableClock;
import dev.switchboard.core.testkit.SlowRoomHistory;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** History, resume, idempotent send, presence and direct messages over the in-memory stores. */
class RealtimeTest {

    private final TestSwitchboard kit = TestSwitchboard.builder().policy(RoomPolicy.open())
            .settings(CoreSettings.defaults().withHistoryRetention(Duration.ofHours(1))
                    // These tests send hundreds of frames at one instant of the test clock.
                    .withQuotas(Quotas.defaults().withFrames(1_000, 10_000)))
            .numberedMessageIds("m")
            .build();
    private final MovableClock clock = kit.clock();
    private final ConnectionStore store = kit.store();
    private final RoomHistory history = kit.history();
    private final Switchboard switchboard = kit.switchboard();

    private List<ServerFrame> inbox(String connectionId) {
        return kit.sender().inbox(connectionId);
    }

    private void member(String connectionId, String user, String room) {
        switchboard.connect(connectionId, user, "");
        switchboard.join(connectionId, new ClientFrame.Join(null, room));
    }

    private long send(String connectionId, String user, String room, String data) {
        ServerFrame reply = switchboard.send(connectionId, user, new ClientFrame.Send(null, room, data)).reply();
        return ((ServerFrame.Ack) reply).seq();
    }

    @Test
    void messagesOfARoomGetConsecutiveSequenceNumbers() {
        member("a", "alice", "r");
        assertThat(List.of(send("a", "alice", "r", "1"), send("a", "alice", "r", "2"), send("a", "alice", "r", "3")))
                .containsExactly(1L, 2L, 3L);
        assertThat(inbox("a")).filteredOn(ServerFrame.Message.class::isInstance)
                .extracting(f -> ((ServerFrame.Message) f).seq()).containsExactly(1L, 2L, 3L);
        member("b", "bob", "other");
        assertThat(send("b", "bob", "other", "x")).as("each room counts on its own").isEqualTo(1L);
    }

    @Test
    void joiningWithAfterReturnsEverythingMissedInOrder() {
        member("a", "alice", "r");
        for (int i = 1; i <= 5; i++) {
            send("a", "alice", "r", Integer.toString(i));
        }
        switchboard.connect("b", "bob", "");

        ServerFrame reply = switchboard.join("b", new ClientFrame.Join("j", "r", 2L));

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.History.class, h -> {
            assertThat(h.id()).isEqualTo("j");
            assertThat(h.messages()).extracting(ServerFrame.Message::seq).containsExactly(3L, 4L, 5L);
            assertThat(h.messages()).extracting(ServerFrame.Message::data).containsExactly("3", "4", "5");
            assertThat(h.more()).isFalse();
            assertThat(h.seq()).isEqualTo(5);
        });
        assertThat(store.members("r")).contains("b");
    }

    @Test
    void plainJoinAcksWithTheRoomsLatestSeqAsTheStartingPoint() {
        member("a", "alice", "r");
        send("a", "alice", "r", "1");
        switchboard.connect("b", "bob", "");
        assertThat(switchboard.join("b", new ClientFrame.Join("j", "r")))
                .isEqualTo(new ServerFrame.Ack("j", "join", null, 1L));
    }

    @Test
    void longHistoryComesInPages() {
        member("a", "alice", "r");
        for (int i = 0; i < 250; i++) {
            send("a", "alice", "r", "\"" + i + "\"");
        }
        long position = 0;
        int pages = 0;
        int received = 0;
        ServerFrame.History page;
        do {
            page = (ServerFrame.History) switchboard.resume("a", new ClientFrame.Resume(null, "r", position));
            for (ServerFrame.Message m : page.messages()) {
                assertThat(m.seq()).isEqualTo(position + 1);
                position = m.seq();
                received++;
            }
            pages++;
        } while (page.more());
        assertThat(received).isEqualTo(250);
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void positionOlderThanTheRetentionGetsAReset() {
        member("a", "alice", "r");
        send("a", "alice", "r", "old-1");
        send("a", "alice", "r", "old-2");
        clock.advance(Duration.ofMinutes(90));
        send("a", "alice", "r", "new-3");
        clock.advance(Duration.ofMinutes(5));

        assertThat(switchboard.resume("a", new ClientFrame.Resume("x", "r", 1)))
                .isInstanceOfSatisfying(ServerFrame.Reset.class, r -> {
                    assertThat(r.seq()).as("skips what expired, not what is still retained").isEqualTo(2);
                    assertThat(r.id()).isEqualTo("x");
                    assertThat(r.reason()).contains("older than the retained history");
                });
        assertThat(switchboard.resume("a", new ClientFrame.Resume("y", "r", 2)))
                .isInstanceOfSatisfying(ServerFrame.History.class,
                        h -> assertThat(h.messages()).extracting(ServerFrame.Message::data).containsExactly("new-3"));
    }

    /** Seq {@code seq} of room r allocated by a sender that has not stored it (yet). */
    private ServerFrame.Message allocateWithoutStoring(String room) {
        long seq = history.nextSeq(room, clock.instant());
        return new ServerFrame.Message("late-" + seq, room, "carol", "late", clock.millis(), seq);
    }

    private static List<String> data(ServerFrame frame) {
        return ((ServerFrame.History) frame).messages().stream().map(ServerFrame.Message::data).toList();
    }

    @Test
    void aMessageStillBeingStoredIsWaitedForNotReset() {
        member("a", "alice", "r");
        send("a", "alice", "r", "1");
        ServerFrame.Message inFlight = allocateWithoutStoring("r");
        send("a", "alice", "r", "3");
        clock.advance(Duration.ofSeconds(5));

        assertThat(switchboard.resume("a", new ClientFrame.Resume("x", "r", 1)))
                .as("seq 2 has a sender still storing it: nothing to skip, nothing yet to send")
                .isEqualTo(new ServerFrame.History("x", "r", List.of(), false, 3));
        switchboard.connect("b", "bob", "");
        assertThat(switchboard.join("b", new ClientFrame.Join("j", "r", 1L)))
                .isEqualTo(new ServerFrame.History("j", "r", List.of(), false, 3));

        history.append(inFlight, clock.instant().plus(Duration.ofHours(1)));
        assertThat(data(switchboard.resume("a", new ClientFrame.Resume("y", "r", 1)))).containsExactly("late", "3");
    }

    @Test
    void theFirstMessageOfANewRoomStillBeingStoredIsWaitedFor() {
        member("a", "alice", "r");
        allocateWithoutStoring("r");
        assertThat(switchboard.resume("a", new ClientFrame.Resume("x", "r", 0)))
                .isEqualTo(new ServerFrame.History("x", "r", List.of(), false, 1));
    }

    @Test
    void aSeqItsSenderNeverStoredIsSkippedOnceTheSenderDeadlinePasses() {
        member("a", "alice", "r");
        send("a", "alice", "r", "1");
        allocateWithoutStoring("r");
        allocateWithoutStoring("r");
        send("a", "alice", "r", "4");
        clock.advance(Wiring.SENDER_DEADLINE.plusSeconds(1));

        assertThat(switchboard.resume("a", new ClientFrame.Resume("x", "r", 1)))
                .isInstanceOfSatisfying(ServerFrame.Reset.class, r -> {
                    assertThat(r.seq()).as("exactly the missing seqs are skipped").isEqualTo(3);
                    assertThat(r.reason()).contains("messages 2-3 are gone");
                });
        assertThat(data(switchboard.resume("a", new ClientFrame.Resume("y", "r", 3)))).containsExactly("4");
    }

    @Test
    void aMissingLatestSeqIsSkippedOnceTheSenderDeadlinePasses() {
        member("a", "alice", "r");
        send("a", "alice", "r", "1");
        allocateWithoutStoring("r");
        assertThat(switchboard.resume("a", new ClientFrame.Resume("x", "r", 1)))
                .isInstanceOf(ServerFrame.History.class);

        clock.advance(Wiring.SENDER_DEADLINE.plusSeconds(1));

        assertThat(switchboard.resume("a", new ClientFrame.Resume("x", "r", 1)))
                .isInstanceOfSatisfying(ServerFrame.Reset.class, r -> assertThat(r.seq()).isEqualTo(2));
    }

    @Test
    void rightAfterAQuietRoomWakesUpAnExpiredPositionWaitsOutTheSenderDeadlineBeforeItsReset() {
        member("a", "alice", "r");
        send("a", "alice", "r", "old-1");
        send("a", "alice", "r", "old-2");
        clock.advance(Duration.ofMinutes(90));
        send("a", "alice", "r", "new-3");

        assertThat(switchboard.resume("a", new ClientFrame.Resume("x", "r", 1)))
                .as("seq 2 could as well be a message still being stored: nothing is skipped yet")
                .isInstanceOf(ServerFrame.History.class);
        clock.advance(Wiring.SENDER_DEADLINE.plusSeconds(1));
        assertThat(switchboard.resume("a", new ClientFrame.Resume("x", "r", 1)))
                .isInstanceOfSatisfying(ServerFrame.Reset.class, r -> assertThat(r.seq()).isEqualTo(2));
    }

    @Test
    void aSenderThatTookTooLongForItsSeqStoresNothingAndSaysRetry() {
        Switchboard slow = TestSwitchboard.builder().policy(RoomPolicy.open()).store(store)
                .history(SlowRoomHistory.numbering(history, clock, Duration.ofSeconds(11)))
                .clock(clock).settings(CoreSettings.defaults().withPresenceEvents(false, 0)).build().switchboard();
        member("a", "alice", "r");

        ServerFrame reply = slow.send("a", "alice", new ClientFrame.Send("s1", "r", "late")).reply();

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.code().temporary()).isTrue();
        });
        assertThat(history.latestSeq("r")).as("its seq was taken").isEqualTo(1);
        assertThat(history.after("r", 0, 10, clock.instant())).as("but nothing was stored").isEmpty();
    }

    @Test
    void allHistoryExpiredIsAResetToo() {
        member("a", "alice", "r");
        send("a", "alice", "r", "1");
        clock.advance(Duration.ofHours(2));
        assertThat(switchboard.resume("a", new ClientFrame.Resume(null, "r", 0))).isInstanceOf(ServerFrame.Reset.class);
    }

    @Test
    void upToDateClientGetsAnEmptyPage() {
        member("a", "alice", "r");
        send("a", "alice", "r", "1");
        assertThat(switchboard.resume("a", new ClientFrame.Resume(null, "r", 1)))
                .isEqualTo(new ServerFrame.History(null, "r", List.of(), false, 1));
    }

    @Test
    void resumeAndPresenceNeedMembership() {
        switchboard.connect("a", "alice", "");
        assertThat(switchboard.resume("a", new ClientFrame.Resume("1", "r", 0)))
                .isInstanceOfSatisfying(ServerFrame.Error.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_ROOM));
        assertThat(switchboard.presence("a", new ClientFrame.Presence("2", "r")))
                .isInstanceOfSatisfying(ServerFrame.Error.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_ROOM));
    }

    @Test
    void repeatedSendIdCreatesOneMessageAndTheSameAck() {
        member("a", "alice", "r");
        member("b", "bob", "r");
        ClientFrame.Send send = new ClientFrame.Send("retry-me", "r", "\"once\"");

        ServerFrame first = switchboard.send("a", "alice", send).reply();
        ServerFrame second = switchboard.send("a", "alice", send).reply();

        assertThat(second).isEqualTo(first).isInstanceOf(ServerFrame.Ack.class);
        assertThat(inbox("b")).filteredOn(ServerFrame.Message.class::isInstance).hasSize(1);
        assertThat(switchboard.send("b", "bob", new ClientFrame.Send("retry-me", "r", "\"bob's own\"")).reply())
                .as("ids are per sender").isNotEqualTo(first);
    }

    @Test
    void sendIdIsReusableAfterTheWindow() {
        member("a", "alice", "r");
        ClientFrame.Send send = new ClientFrame.Send("daily", "r", "1");
        long first = ((ServerFrame.Ack) switchboard.send("a", "alice", send).reply()).seq();
        clock.advance(Duration.ofHours(2));
        long later = ((ServerFrame.Ack) switchboard.send("a", "alice", send).reply()).seq();
        assertThat(later).isEqualTo(first + 1);
    }

    @Test
    void presenceListsUsersWithConnectionCounts() {
        member("a1", "alice", "r");
        member("a2", "alice", "r");
        member("b", "bob", "r");

        assertThat(switchboard.presence("b", new ClientFrame.Presence("p", "r"))).isEqualTo(new ServerFrame.Presence(
                "p", "r", List.of(new ServerFrame.Member("alice", 2), new ServerFrame.Member("bob", 1))));
    }

    @Test
    void joinsAndLeavesAreAnnouncedPerUser() {
        member("a", "alice", "r");
        member("b1", "bob", "r");
        member("b2", "bob", "r");
        switchboard.leave("b1", new ClientFrame.Leave(null, "r"));
        switchboard.disconnect("b2");

        List<ServerFrame> seenByAlice = inbox("a").stream().filter(ServerFrame.PresenceChange.class::isInstance)
                .toList();
        assertThat(seenByAlice).containsExactly(
                new ServerFrame.PresenceChange("r", "join", "alice"),
                new ServerFrame.PresenceChange("r", "join", "bob"),
                new ServerFrame.PresenceChange("r", "leave", "bob"));
    }

    @Test
    void presenceEventsCanBeTurnedOffOrCappedByRoomSize() {
        TestSwitchboard quiet = TestSwitchboard.builder().policy(RoomPolicy.open()).store(store).maxInFlight(4)
                .clock(Clock.systemUTC()).settings(CoreSettings.defaults().withPresenceEvents(true, 2)).build();
        for (String id : List.of("x", "y", "z")) {
            quiet.switchboard().connect(id, id, "");
            quiet.switchboard().join(id, new ClientFrame.Join(null, "big"));
        }
        assertThat(quiet.sender().inbox("z")).as("the third member makes the room too big to announce").isEmpty();
    }

    @Test
    void directReachesEveryConnectionOfTheUserWithTheSenderFromIdentity() {
        switchboard.connect("b1", "bob", "");
        switchboard.connect("b2", "bob", "");
        switchboard.connect("c", "carol", "");

        switchboard.connect("a", "alice", "");

        ServerFrame reply = switchboard.direct("a", new ClientFrame.Direct("d", "bob", "{\"hi\":1}")).reply();

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Ack.class, a -> assertThat(a.messageId()).isNotNull());
        for (String id : List.of("b1", "b2")) {
            assertThat(inbox(id)).singleElement().isInstanceOfSatisfying(ServerFrame.Direct.class, d -> {
                assertThat(d.from()).isEqualTo("alice");
                assertThat(d.data()).isEqualTo("{\"hi\":1}");
            });
        }
        assertThat(inbox("c")).isEmpty();
    }

    @Test
    void publishWithoutASocketGoesThroughTheSamePath() {
        member("a", "alice", "news");

        ServerFrame reply = switchboard.publish("news", "backend", "{\"headline\":\"x\"}", "evt-1").reply();

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Ack.class, a -> assertThat(a.seq()).isEqualTo(1L));
        List<ServerFrame> messages = inbox("a").stream().filter(ServerFrame.Message.class::isInstance).toList();
        assertThat(messages).singleElement().isInstanceOfSatisfying(ServerFrame.Message.class, m -> {
            assertThat(m.from()).isEqualTo("backend");
            assertThat(m.seq()).isEqualTo(1);
        });
        assertThat(switchboard.publish("news", "backend", "{\"headline\":\"x\"}", "evt-1").reply())
                .isEqualTo(reply);
        assertThat(inbox("a")).filteredOn(ServerFrame.Message.class::isInstance).hasSize(1);
    }
}
