package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.testkit.MovableClock;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SwitchboardTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final Map<String, List<String>> inboxes = new ConcurrentHashMap<>();
    private final Map<String, SendOutcome> outcomes = new ConcurrentHashMap<>();
    private final Sender sender = (id, payload) -> {
        SendOutcome outcome = outcomes.getOrDefault(id, SendOutcome.DELIVERED);
        if (outcome == SendOutcome.DELIVERED) {
            inboxes.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
                    .add(new String(payload, StandardCharsets.UTF_8));
        }
        return outcome;
    };
    private final Switchboard switchboard = TestSwitchboard.builder().policy(RoomPolicy.open())
            .store(store)
            .sender(sender).retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO))
            .clock(MovableClock.at(NOW))
            .settings(CoreSettings.defaults().withMaxRooms(2).withPresenceEvents(false, 0))
            .messageIds(() -> "msg-1")
            .build().switchboard();

    @Test
    void connectRegistersWithTtlBeyondTheTwoHourLimit() {
        Connection c = ((Switchboard.Connected.Accepted) switchboard.connect("c1", "alice", "203.0.113.9"))
                .connection();

        assertThat(store.find("c1")).contains(c);
        assertThat(c.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(3)));
        assertThat(c.userId()).isEqualTo("alice");
    }

    @Test
    void sendReachesEveryMemberIncludingTheSenderAndAcksWithTheMessageId() {
        switchboard.connect("a", "alice", "");
        switchboard.connect("b", "bob", "");
        switchboard.connect("outsider", "eve", "");
        switchboard.join("a", new ClientFrame.Join("1", "lobby"));
        switchboard.join("b", new ClientFrame.Join("2", "lobby"));

        Switchboard.Sent sent = switchboard.send("a", "alice", new ClientFrame.Send("3", "lobby", "{\"t\":\"hi\"}"));

        assertThat(sent.reply()).isEqualTo(new ServerFrame.Ack("3", "send", "msg-1", 1L));
        ServerFrame expected = new ServerFrame.Message("msg-1", "lobby", "alice", "{\"t\":\"hi\"}", NOW.toEpochMilli(), 1);
        assertThat(inboxes.get("a")).containsExactly(FrameCodec.encode(expected));
        assertThat(inboxes.get("b")).containsExactly(FrameCodec.encode(expected));
        assertThat(inboxes).doesNotContainKey("outsider");
        assertThat(sent.broadcast().delivered()).isEqualTo(2);
    }

    @Test
    void onlyMembersMaySend() {
        switchboard.connect("a", "alice", "");

        ServerFrame reply = switchboard.send("a", "alice", new ClientFrame.Send("4", "lobby", "1")).reply();

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_ROOM));
        assertThat(inboxes).isEmpty();
    }

    @Test
    void tooLargeForTheGatewayIsReportedToTheSender() {
        switchboard.connect("a", "alice", "");
        switchboard.join("a", new ClientFrame.Join(null, "r"));
        outcomes.put("a", SendOutcome.TOO_LARGE);

        ServerFrame reply = switchboard.send("a", "alice", new ClientFrame.Send("5", "r", "1")).reply();

        assertThat(reply).isInstanceOfSatisfying(ServerFrame.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
            assertThat(e.id()).isEqualTo("5");
        });
    }

    @Test
    void joinIsIdempotentAndCapped() {
        switchboard.connect("a", "alice", "");

        assertThat(switchboard.join("a", new ClientFrame.Join("1", "r1"))).isEqualTo(new ServerFrame.Ack("1", "join", null, 0L));
        assertThat(switchboard.join("a", new ClientFrame.Join("2", "r1"))).isInstanceOf(ServerFrame.Ack.class);
        assertThat(switchboard.join("a", new ClientFrame.Join("3", "r2"))).isInstanceOf(ServerFrame.Ack.class);
        assertThat(switchboard.join("a", new ClientFrame.Join("4", "r3")))
                .isEqualTo(new ServerFrame.Error(ErrorCode.TOO_MANY_ROOMS, "a connection may be in at most 2 rooms",
                        "4"));
    }

    @Test
    void joinFromAnUnknownConnectionAsksTheClientToReconnect() {
        assertThat(switchboard.join("ghost", new ClientFrame.Join("1", "r")))
                .isInstanceOfSatisfying(ServerFrame.Error.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_CONNECTION));
    }

    @Test
    void leaveOfARoomNotJoinedIsAnError() {
        switchboard.connect("a", "alice", "");
        assertThat(switchboard.leave("a", new ClientFrame.Leave("1", "r")))
                .isInstanceOfSatisfying(ServerFrame.Error.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_ROOM));
        switchboard.join("a", new ClientFrame.Join("2", "r"));
        assertThat(switchboard.leave("a", new ClientFrame.Leave("3", "r"))).isEqualTo(new ServerFrame.Ack("3", "leave",
                null));
        assertThat(store.members("r")).isEmpty();
    }

    @Test
    void disconnectLeavesEveryRoomAndIsIdempotent() {
        switchboard.connect("a", "alice", "");
        switchboard.join("a", new ClientFrame.Join(null, "r1"));
        switchboard.join("a", new ClientFrame.Join(null, "r2"));

        assertThat(switchboard.disconnect("a").rooms()).containsExactlyInAnyOrder("r1", "r2");
        assertThat(switchboard.disconnect("a").rooms()).isEmpty();
        assertThat(store.members("r1")).isEmpty();
        assertThat(store.find("a")).isEmpty();
    }

    @Test
    void pingAnswersWithServerTime() {
        switchboard.connect("a", "alice", "");
        assertThat(switchboard.ping("a", new ClientFrame.Ping("p"))).isEqualTo(new ServerFrame.Pong("p", NOW.toEpochMilli()));
    }

    @Test
    void dispatchServesEachFrameByItsRoute() {
        switchboard.connect("a", "alice", "");
        assertThat(switchboard.dispatch("a", "alice", new ClientFrame.Join("1", "r")))
                .isEqualTo(new ServerFrame.Ack("1", "join", null, 0L));
        assertThat(switchboard.dispatch("a", "alice", new ClientFrame.Send("2", "r", "true")))
                .isEqualTo(new ServerFrame.Ack("2", "send", "msg-1", 1L));
        assertThat(switchboard.dispatch("a", "alice", new ClientFrame.Ping("3")))
                .isInstanceOf(ServerFrame.Pong.class);
        assertThat(switchboard.dispatch("a", "alice", new ClientFrame.Leave("4", "r")))
                .isEqualTo(new ServerFrame.Ack("4", "leave", null));
    }
}
