package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.testkit.RecordingSender;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What one user may cost: a bounded number of open connections, and a bounded number of presence posts when one of
 * them goes.
 */
class UserQuotasTest {

    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final RecordingSender sender = RecordingSender.delivering();
    /** Frames posted, by connection. */
    private final Map<String, List<ServerFrame>> posted = sender.inboxes();
    /** Connections the gateway reports closed though the store still lists them. */
    private final Set<String> gone = ConcurrentHashMap.newKeySet();
    private final List<String> probed = new CopyOnWriteArrayList<>();

    private Switchboard switchboard(Quotas quotas, boolean withProbe) {
        TestSwitchboard.Builder builder = TestSwitchboard.builder().policy(RoomPolicy.open()).store(store)
                .sender(sender).maxInFlight(4).retryPolicy(new RetryPolicy(1, Duration.ZERO, Duration.ZERO))
                .clock(Clock.systemUTC())
                .settings(CoreSettings.defaults().withQuotas(quotas).withPresenceEvents(true, 100));
        if (withProbe) {
            builder.probe(connectionId -> {
                probed.add(connectionId);
                return gone.contains(connectionId);
            });
        }
        return builder.build().switchboard();
    }

    private static Quotas connectionsPerUser(int limit) {
        return Quotas.defaults().withConnectionsPerUser(limit);
    }

    @Test
    void aUserAtTheLimitIsRefusedAnotherConnectionWhileOtherUsersAreNot() {
        Switchboard switchboard = switchboard(connectionsPerUser(3), true);
        for (int i = 0; i < 3; i++) {
            assertThat(switchboard.connect("alice-" + i, "alice", "")).isInstanceOf(Switchboard.Connected.Accepted.class);
        }

        assertThat(switchboard.connect("alice-3", "alice", ""))
                .isEqualTo(new Switchboard.Connected.TooManyConnections(3, 3));
        assertThat(store.find("alice-3")).as("nothing registered").isEmpty();
        assertThat(switchboard.connect("bob-0", "bob", "")).isInstanceOf(Switchboard.Connected.Accepted.class);
    }

    @Test
    void aConnectionClosedMeanwhileFreesItsPlace() {
        Switchboard switchboard = switchboard(connectionsPerUser(2), true);
        switchboard.connect("alice-0", "alice", "");
        switchboard.connect("alice-1", "alice", "");
        switchboard.disconnect("alice-0");

        assertThat(switchboard.connect("alice-2", "alice", "")).isInstanceOf(Switchboard.Connected.Accepted.class);
        assertThat(probed).as("below the limit nothing is probed").isEmpty();
    }

    @Test
    void atTheLimitAListedConnectionTheGatewayReportsGoneIsPrunedAndTheNewOneAccepted() {
        Switchboard switchboard = switchboard(connectionsPerUser(2), true);
        switchboard.connect("alice-0", "alice", "");
        switchboard.connect("alice-1", "alice", "");
        switchboard.join("alice-0", new ClientFrame.Join(null, "lobby"));
        // Its $disconnect never came.
        gone.add("alice-0");

        assertThat(switchboard.connect("alice-2", "alice", "")).isInstanceOf(Switchboard.Connected.Accepted.class);
        assertThat(probed).containsExactlyInAnyOrder("alice-0", "alice-1");
        assertThat(store.find("alice-0")).isEmpty();
        assertThat(store.members("lobby")).doesNotContain("alice-0");
    }

    @Test
    void withoutAProbeEveryListedConnectionCounts() {
        Switchboard switchboard = switchboard(connectionsPerUser(1), false);
        switchboard.connect("alice-0", "alice", "");
        gone.add("alice-0");

        assertThat(switchboard.connect("alice-1", "alice", ""))
                .isInstanceOf(Switchboard.Connected.TooManyConnections.class);
    }

    @Test
    void aDisconnectTellsRoomsOnlyWithinItsBudgetOfPresencePostsAndCountsTheRest() {
        // Four rooms of 30 watchers each: 120 posts wanted, 70 allowed, so two rooms are told and two are not.
        Switchboard switchboard = switchboard(Quotas.defaults().withPresencePostsPerDisconnect(70), true);
        List<String> rooms = List.of("r0", "r1", "r2", "r3");
        for (String room : rooms) {
            IntStream.range(0, 30).forEach(i -> {
                String id = room + "-watcher-" + i;
                switchboard.connect(id, id, "");
                switchboard.join(id, new ClientFrame.Join(null, room));
            });
        }
        switchboard.connect("leaver", "mallory", "");
        rooms.forEach(room -> switchboard.join("leaver", new ClientFrame.Join(null, room)));
        posted.clear();

        Switchboard.Disconnected left = switchboard.disconnect("leaver");

        assertThat(left.rooms()).containsExactlyInAnyOrderElementsOf(rooms);
        assertThat(left.roomsNotTold()).isEqualTo(2);
        long told = posted.values().stream().flatMap(List::stream)
                .filter(frame -> frame instanceof ServerFrame.PresenceChange change && change.user().equals("mallory"))
                .count();
        assertThat(told).isEqualTo(60);
    }
}
