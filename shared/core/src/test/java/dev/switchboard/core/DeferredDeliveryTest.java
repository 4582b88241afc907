package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Recipients a broadcast cannot reach now (still failing after the retries, or not reached before the invocation's
 * deadline) go to the fan-out queue for a later attempt; the sender's ack says how many; only what still fails after
 * the last attempt counts as undelivered.
 */
class DeferredDeliveryTest {

    private static final RetryPolicy NO_WAIT = new RetryPolicy(3, Duration.ZERO, Duration.ZERO);

    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    /** Each connection's count of received copies. */
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    /** Connections whose every post fails while they are in this set. */
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger posts = new AtomicInteger();
    private volatile Duration postLatency = Duration.ZERO;
    private final Sender sender = (id, payload) -> {
        posts.incrementAndGet();
        sleep(postLatency);
        if (failing.contains(id)) {
            return SendOutcome.THROTTLED;
        }
        received.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        return SendOutcome.DELIVERED;
    };
    private final List<FanoutQueue.Job> queued = new CopyOnWriteArrayList<>();
    private final FanoutQueue recording = jobs -> {
        queued.addAll(jobs);
        return List.of();
    };

    private Switchboard switchboard(FanoutQueue queue, int threshold, InvocationDeadline deadline) {
        Broadcaster broadcaster = new Broadcaster(sender, store, 4, NO_WAIT, RandomGenerator.getDefault(), null, null,
                deadline);
        return TestSwitchboard.builder().policy(RoomPolicy.open()).store(store).clock(Clock.systemUTC())
                .broadcaster(s -> broadcaster)
                .settings(CoreSettings.defaults().withPresenceEvents(false, 0)).fanout(queue, threshold).build()
                .switchboard();
    }

    private List<String> room(Switchboard switchboard, String room, int members) {
        List<String> ids = IntStream.range(0, members).mapToObj(i -> room + "-" + i).toList();
        for (String id : ids) {
            switchboard.connect(id, "user-" + id, "");
            switchboard.join(id, new ClientFrame.Join(null, room));
        }
        return ids;
    }

    private static ServerFrame.Ack send(Switchboard switchboard, String from, String room) {
        ServerFrame reply = switchboard.send(from, "user-" + from, new ClientFrame.Send("s", room, "\"hi\"")).reply();
        assertThat(reply).isInstanceOf(ServerFrame.Ack.class);
        return (ServerFrame.Ack) reply;
    }

    /** Runs the queued jobs as the fan-out worker would, until none are left; returns the last round's results. */
    private List<BroadcastResult> drain(Switchboard switchboard) {
        List<BroadcastResult> results = new ArrayList<>();
        while (!queued.isEmpty()) {
            List<FanoutQueue.Job> round = List.copyOf(queued);
            queued.clear();
            round.forEach(job -> results.add(switchboard.deliver(job)));
        }
        return results;
    }

    @Test
    void aRecipientFailingEveryRetryIsDeferredAndThenDelivered() {
        Switchboard switchboard = switchboard(recording, Integer.MAX_VALUE, InvocationDeadline.none());
        List<String> ids = room(switchboard, "lobby", 5);
        failing.add("lobby-3");

        ServerFrame.Ack ack = send(switchboard, "lobby-0", "lobby");

        assertThat(ack.deferred()).isEqualTo(1);
        assertThat(received).doesNotContainKey("lobby-3").hasSize(4);
        assertThat(queued).singleElement().isInstanceOfSatisfying(FanoutQueue.Job.Connections.class, job -> {
            assertThat(job.connectionIds()).containsExactly("lobby-3");
            assertThat(job.attempt()).isEqualTo(1);
            assertThat(job.delay()).isEqualTo(Duration.ofSeconds(2));
        });

        failing.clear();
        BroadcastResult later = drain(switchboard).getFirst();

        assertThat(later.delivered()).isEqualTo(1);
        assertThat(later.undelivered()).isZero();
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(received.values()).allMatch(count -> count.get() == 1);
    }

    @Test
    void aRecipientThatNeverRecoversIsTriedAFewTimesLongerApartThenCountedUndelivered() {
        Switchboard switchboard = switchboard(recording, Integer.MAX_VALUE, InvocationDeadline.none());
        room(switchboard, "lobby", 3);
        failing.add("lobby-2");

        send(switchboard, "lobby-0", "lobby");
        List<Duration> delays = new ArrayList<>();
        BroadcastResult last = null;
        while (!queued.isEmpty()) {
            FanoutQueue.Job.Connections job = (FanoutQueue.Job.Connections) queued.removeFirst();
            delays.add(job.delay());
            last = switchboard.deliver(job);
        }

        assertThat(delays).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(8), Duration.ofSeconds(32));
        assertThat(last.deferred()).isZero();
        assertThat(last.throttled()).isEqualTo(1);
        assertThat(last.undelivered()).isEqualTo(1);
        assertThat(posts.get()).as("3 tries now and 3 at each of the 3 later attempts, plus the 2 delivered")
                .isEqualTo(2 + 4 * NO_WAIT.maxAttempts());
    }

    @Test
    void withoutAQueueARecipientFailingEveryRetryIsUndeliveredAndTheAckHasNoDeferred() {
        Broadcaster broadcaster = new Broadcaster(sender, store, 4, NO_WAIT);
        Switchboard switchboard = TestSwitchboard.builder().policy(RoomPolicy.open()).store(store)
                .clock(Clock.systemUTC()).broadcaster(s -> broadcaster)
                .settings(CoreSettings.defaults().withPresenceEvents(false, 0)).build().switchboard();
        room(switchboard, "lobby", 3);
        failing.add("lobby-1");

        Switchboard.Sent sent = switchboard.send("lobby-0", "user-lobby-0",
                new ClientFrame.Send("s", "lobby", "\"hi\""));

        assertThat(((ServerFrame.Ack) sent.reply()).deferred()).isNull();
        assertThat(sent.broadcast().undelivered()).isEqualTo(1);
    }

    @Test
    void recipientsTheQueueRefusesAreCountedUndelivered() {
        Switchboard switchboard = switchboard(jobs -> jobs, Integer.MAX_VALUE, InvocationDeadline.none());
        room(switchboard, "lobby", 3);
        failing.add("lobby-1");

        Switchboard.Sent sent = switchboard.send("lobby-0", "user-lobby-0",
                new ClientFrame.Send("s", "lobby", "\"hi\""));

        assertThat(((ServerFrame.Ack) sent.reply()).deferred()).isNull();
        assertThat(sent.broadcast().deferred()).isZero();
        assertThat(sent.broadcast().undelivered()).isEqualTo(1);
    }

    @Test
    void aBroadcastCutShortByTheDeadlineIsCompletedByTheFanoutWorker() {
        AtomicReference<Instant> stopBy = new AtomicReference<>();
        Switchboard switchboard = switchboard(recording, Integer.MAX_VALUE, () -> Optional.ofNullable(stopBy.get()));
        List<String> ids = room(switchboard, "hall", 80);
        postLatency = Duration.ofMillis(30);
        stopBy.set(Instant.now().plusMillis(150));

        ServerFrame.Ack ack = send(switchboard, "hall-0", "hall");

        // 80 posts of 30 ms, 4 at a time, take 600 ms: far past the deadline, so some are left for the worker.
        assertThat(ack.deferred()).isPositive().isEqualTo(80 - received.size());
        assertThat(queued).allSatisfy(job -> assertThat(((FanoutQueue.Job.Connections) job).attempt()).isEqualTo(1));

        Switchboard worker = switchboard(recording, Integer.MAX_VALUE, InvocationDeadline.none());
        postLatency = Duration.ZERO;
        drain(worker);

        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(received.values()).allMatch(count -> count.get() == 1);
    }

    @Test
    void aBigRoomInOnePartitionIsSentInChunksThatTheWorkersDeliver() {
        Switchboard switchboard = switchboard(recording, 2_000, InvocationDeadline.none());
        List<String> ids = room(switchboard, "stadium", 2_500);

        ServerFrame.Ack ack = send(switchboard, "stadium-0", "stadium");

        assertThat(ack.deferred()).as("chunks are shared out, not deferred").isNull();
        assertThat(received).hasSize(Broadcaster.JOB_SIZE);
        assertThat(queued).extracting(job -> ((FanoutQueue.Job.Connections) job).connectionIds().size())
                .containsExactly(1_000, 500);
        assertThat(queued).allSatisfy(job -> {
            assertThat(((FanoutQueue.Job.Connections) job).attempt()).isZero();
            assertThat(((FanoutQueue.Job.Connections) job).delay()).isZero();
        });

        drain(switchboard);

        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(received.values()).allMatch(count -> count.get() == 1);
    }

    @Test
    void aRoomOverALowThresholdButWithinOneChunkGoesOutWhole() {
        Switchboard switchboard = switchboard(recording, 1, InvocationDeadline.none());
        List<String> ids = room(switchboard, "hall", 3);

        send(switchboard, "hall-0", "hall");

        assertThat(queued).isEmpty();
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aRoomBelowTheThresholdIsNotChunked() {
        Switchboard switchboard = switchboard(recording, 2_000, InvocationDeadline.none());
        Set<String> ids = room(switchboard, "hall", 1_500).stream().collect(Collectors.toSet());

        send(switchboard, "hall-0", "hall");

        assertThat(queued).isEmpty();
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    }

    private static void sleep(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
