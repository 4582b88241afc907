package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BroadcasterTest {

    private static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(4));
    private static final byte[] PAYLOAD = "{\"type\":\"message\"}".getBytes(StandardCharsets.UTF_8);

    private final InMemoryConnectionStore store = new InMemoryConnectionStore();

    /** A sender that answers from a per-connection script and records every attempt. */
    private static final class ScriptedSender implements Sender {
        final Map<String, List<SendOutcome>> scripts = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger peakInFlight = new AtomicInteger();
        volatile Duration latency = Duration.ZERO;

        void script(String id, SendOutcome... outcomes) {
            scripts.put(id, List.of(outcomes));
        }

        @Override
        public SendOutcome send(String connectionId, byte[] payload) {
            int now = inFlight.incrementAndGet();
            peakInFlight.accumulateAndGet(now, Math::max);
            try {
                if (!latency.isZero()) {
                    Thread.sleep(latency);
                }
                int attempt = attempts.computeIfAbsent(connectionId, k -> new AtomicInteger()).getAndIncrement();
                List<SendOutcome> script = scripts.getOrDefault(connectionId, List.of(SendOutcome.DELIVERED));
                return script.get(Math.min(attempt, script.size() - 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return SendOutcome.TRANSIENT_FAILURE;
            } finally {
                inFlight.decrementAndGet();
            }
        }

        int attemptsOf(String id) {
            return attempts.getOrDefault(id, new AtomicInteger()).get();
        }
    }

    private void register(String... ids) {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        for (String id : ids) {
            store.register(new Connection(id, "u-" + id, now, "", now.plus(Duration.ofHours(3))));
            store.join(id, "room", Rights.ALL, 10);
        }
    }

    @Test
    void deliversToEveryConnection() {
        ScriptedSender sender = new ScriptedSender();
        List<String> ids = IntStream.range(0, 300).mapToObj(i -> "c" + i).toList();

        BroadcastResult result = new Broadcaster(sender, store, 16, FAST).broadcast(ids, PAYLOAD);

        assertThat(result.delivered()).isEqualTo(300);
        assertThat(result.attempted()).isEqualTo(300);
        assertThat(sender.attempts).hasSize(300);
    }

    @Test
    void goneConnectionsArePrunedFromTheStore() {
        register("alive", "dead");
        ScriptedSender sender = new ScriptedSender();
        sender.script("dead", SendOutcome.GONE);

        BroadcastResult result = new Broadcaster(sender, store, 4, FAST).broadcast(store.members("room"), PAYLOAD);

        assertThat(result.delivered()).isEqualTo(1);
        assertThat(result.gone()).isEqualTo(1);
        assertThat(result.goneIds()).containsExactly("dead");
        assertThat(sender.attemptsOf("dead")).isEqualTo(1);
        assertThat(store.find("dead")).isEmpty();
        assertThat(store.members("room")).containsExactly("alive");
    }

    @Test
    void throttledAndTransientFailuresAreRetriedUntilDelivered() {
        ScriptedSender sender = new ScriptedSender();
        sender.script("busy", SendOutcome.THROTTLED, SendOutcome.THROTTLED, SendOutcome.DELIVERED);
        sender.script("flaky", SendOutcome.TRANSIENT_FAILURE, SendOutcome.DELIVERED);

        BroadcastResult result = new Broadcaster(sender, store, 4, FAST).broadcast(List.of("busy", "flaky"), PAYLOAD);

        assertThat(result.delivered()).isEqualTo(2);
        assertThat(sender.attemptsOf("busy")).isEqualTo(3);
        assertThat(sender.attemptsOf("flaky")).isEqualTo(2);
    }

    @Test
    void retriesAreBoundedByTheMaximumAttempts() {
        ScriptedSender sender = new ScriptedSender();
        sender.script("always-busy", SendOutcome.THROTTLED);
        sender.script("always-down", SendOutcome.TRANSIENT_FAILURE);

        BroadcastResult result = new Broadcaster(sender, store, 4, FAST)
                .broadcast(List.of("always-busy", "always-down"), PAYLOAD);

        assertThat(result.throttled()).isEqualTo(1);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(sender.attemptsOf("always-busy")).isEqualTo(FAST.maxAttempts());
        assertThat(sender.attemptsOf("always-down")).isEqualTo(FAST.maxAttempts());
    }

    @Test
    void tooLargeAndPermanentFailuresAreNotRetried() {
        ScriptedSender sender = new ScriptedSender();
        sender.script("big", SendOutcome.TOO_LARGE);
        sender.script("forbidden", SendOutcome.PERMANENT_FAILURE);

        BroadcastResult result = new Broadcaster(sender, store, 4, FAST).broadcast(List.of("big", "forbidden"), PAYLOAD);

        assertThat(result.tooLarge()).isEqualTo(1);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(sender.attemptsOf("big")).isEqualTo(1);
        assertThat(sender.attemptsOf("forbidden")).isEqualTo(1);
    }

    @Test
    void aSenderThatThrowsDoesNotStopTheOthers() {
        List<String> ids = new ArrayList<>(IntStream.range(0, 50).mapToObj(i -> "ok" + i).toList());
        ids.add(25, "explodes");
        Sender sender = (id, payload) -> {
            if (id.equals("explodes")) {
                throw new IllegalStateException("boom");
            }
            return SendOutcome.DELIVERED;
        };

        BroadcastResult result = new Broadcaster(sender, store, 8, FAST).broadcast(ids, PAYLOAD);

        assertThat(result.delivered()).isEqualTo(50);
        assertThat(result.failed()).isEqualTo(1);
    }

    @Test
    void postsInFlightNeverExceedTheBoundAndDoRunInParallel() {
        ScriptedSender sender = new ScriptedSender();
        sender.latency = Duration.ofMillis(5);
        List<String> ids = IntStream.range(0, 200).mapToObj(i -> "c" + i).toList();

        BroadcastResult result = new Broadcaster(sender, store, 8, FAST).broadcast(ids, PAYLOAD);

        assertThat(result.delivered()).isEqualTo(200);
        assertThat(sender.peakInFlight.get()).isBetween(2, 8);
    }

    @Test
    void emptyAudienceSendsNothing() {
        ScriptedSender sender = new ScriptedSender();
        assertThat(new Broadcaster(sender, store, 8, FAST).broadcast(List.of(), PAYLOAD).attempted()).isZero();
        assertThat(sender.attempts).isEmpty();
    }
}
