package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Broadcasts to big rooms spread over fan-out workers, one job per shard of the room's membership. */
class ShardedFanoutTest {

    private static final int SHARDS = 4;

    private final InMemoryConnectionStore store = new InMemoryConnectionStore(SHARDS);
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private final Broadcaster broadcaster = new Broadcaster((id, payload) -> {
        received.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        return SendOutcome.DELIVERED;
    }, store, 8, new RetryPolicy(2, Duration.ZERO, Duration.ZERO));
    private final List<FanoutQueue.Job> queued = new CopyOnWriteArrayList<>();
    /** Accepts every job and keeps it in {@link #queued}, for the test to run as a worker would. */
    private final FanoutQueue recording = jobs -> {
        queued.addAll(jobs);
        return List.of();
    };

    private Switchboard switchboard(FanoutQueue queue, int threshold) {
        TestSwitchboard.Builder builder = TestSwitchboard.builder().policy(RoomPolicy.open()).store(store)
                .clock(Clock.systemUTC()).broadcaster(s -> broadcaster)
                .settings(CoreSettings.defaults().withPresenceEvents(false, 0));
        return (queue == null ? builder : builder.fanout(queue, threshold)).build().switchboard();
    }

    private Set<String> room(Switchboard switchboard, String room, int members) {
        Set<String> ids = IntStream.range(0, members).mapToObj(i -> room + "-conn-" + i).collect(Collectors.toSet());
        for (String id : ids) {
            switchboard.connect(id, "user-" + id, "");
            switchboard.join(id, new ClientFrame.Join(null, room));
        }
        return ids;
    }

    private void sendFrom(Switchboard switchboard, String connectionId, String room) {
        ServerFrame reply = switchboard.send(connectionId, "user-" + connectionId,
                new ClientFrame.Send("s", room, "\"hi\"")).reply();
        assertThat(reply).isInstanceOf(ServerFrame.Ack.class);
    }

    @Test
    void membersAreSpreadOverEveryShardAndListedWholeAcrossThem() {
        Set<String> ids = room(switchboard(null, 1), "hall", 200);

        for (int shard = 0; shard < SHARDS; shard++) {
            int index = shard;
            assertThat(store.members("hall", shard)).isNotEmpty()
                    .allMatch(id -> ConnectionStore.shardOf(id, SHARDS) == index);
        }
        assertThat(store.members("hall")).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aBigRoomGoesOutAsOneJobPerOtherShardAndTheWorkersReachEveryMemberOnce() {
        Switchboard switchboard = switchboard(recording, 100);
        Set<String> ids = room(switchboard, "stadium", 400);
        String sender = ids.iterator().next();

        sendFrom(switchboard, sender, "stadium");

        assertThat(queued).extracting(job -> ((FanoutQueue.Job.Shard) job).shard()).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(received.keySet()).as("only shard 0 before the workers run")
                .containsExactlyInAnyOrderElementsOf(store.members("stadium", 0));
        queued.forEach(switchboard::deliver);
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(received.values()).allMatch(count -> count.get() == 1);
    }

    @Test
    void aRoomBelowTheThresholdIsDeliveredInlineWithoutJobs() {
        Switchboard switchboard = switchboard(recording, 1_000);
        Set<String> ids = room(switchboard, "small", 60);

        sendFrom(switchboard, ids.iterator().next(), "small");

        assertThat(queued).isEmpty();
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void whenTheQueueRefusesTheJobsEveryShardIsDeliveredInline() {
        Switchboard switchboard = switchboard(jobs -> {
            throw new IllegalStateException("queue unavailable");
        }, 10);
        Set<String> ids = room(switchboard, "stadium", 100);

        sendFrom(switchboard, ids.iterator().next(), "stadium");

        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(received.values()).allMatch(count -> count.get() == 1);
    }

    @Test
    void shardsTheQueueDoesNotAcceptAreDeliveredInlineAndOnlyThose() {
        Switchboard switchboard = switchboard(jobs -> {
            queued.add(jobs.getFirst());
            return jobs.subList(1, jobs.size());
        }, 10);
        Set<String> ids = room(switchboard, "stadium", 100);

        sendFrom(switchboard, ids.iterator().next(), "stadium");

        assertThat(queued).extracting(job -> ((FanoutQueue.Job.Shard) job).shard()).containsExactly(1);
        assertThat(received.keySet()).as("shards 0, 2 and 3 from the publishing call")
                .containsExactlyInAnyOrderElementsOf(ids.stream().filter(id -> ConnectionStore.shardOf(id, SHARDS) != 1)
                        .toList());
        queued.forEach(switchboard::deliver);
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(received.values()).allMatch(count -> count.get() == 1);
    }

    @Test
    void aJobForAShardTheStoreDoesNotHaveIsRefused() {
        Switchboard switchboard = switchboard(jobs -> List.of(), 10);
        assertThatThrownBy(() -> switchboard.deliver(new FanoutQueue.Job.Shard("r", SHARDS, new byte[1])))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
