package dev.switchboard.local;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway lets in, and what it gives up when it stops.
 *
 * <p><b>Admission.</b> Past its capacity a stack that queues every request serves each one later and later, until
 * every answer comes too late to matter and goodput falls to nothing. So frames, handshakes and publishes are
 * admitted only while the work already admitted (running or waiting) could be served within {@link #MAX_WAIT} at the
 * rate the stack has served work over the last second, and never fewer than {@link #MIN_BACKLOG}, which is what the
 * integrations may run at once. The rest is answered at once by the gateway itself, as API Gateway answers a
 * throttled request itself: a frame gets {@code OVERLOADED} with {@code retryAfterMs}, a handshake or publish a 429.
 * {@code $disconnect}s are never refused: the socket is already gone and they have a lane of their own.
 *
 * <p><b>Stopping.</b> Once the gateway stops, work that has not started yet is abandoned: frames, handshakes and
 * publishes at once (no one is left to answer), {@code $disconnect}s only once the grace period is over (they clean
 * up the store). Every piece of work given up is counted, by kind, for the stack's last log line.
 *
 * <pre>{@code
 * if (intake.admit()) {
 *     queue.execute(intake.admitted(Intake.Work.MESSAGE, task));
 * } else {
 *     refuse(intake.retryAfterMillis());
 * }
 * }</pre>
 */
final class Intake {

    /** Kinds of work the gateway hands to the integrations. */
    enum Work {
        MESSAGE("frames"), HANDSHAKE("handshakes"), PUBLISH("publishes"), DISCONNECT("$disconnects");

        final String plural;

        Work(String plural) {
            this.plural = plural;
        }
    }

    /** How long admitted work may expect to wait before it is served. */
    static final Duration MAX_WAIT = Duration.ofSeconds(1);
    /** Admitted work never waits behind fewer than this: what the integrations may run at once. */
    static final int MIN_BACKLOG = GatewayServer.MAX_CONCURRENT_INVOCATIONS;
    /** However fast the stack serves, no more than this waits (a bound on the heap it takes). */
    static final int MAX_BACKLOG = 8_192;
    /** Bounds of the {@code retryAfterMs} a refusal suggests. */
    static final long MIN_RETRY_AFTER_MS = 100;
    static final long MAX_RETRY_AFTER_MS = 10_000;
    /** The served rate is measured over the last {@value #SAMPLES} ticks of {@value #TICK_MS} ms. */
    static final int TICK_MS = 100;
    private static final int SAMPLES = 10;

    private static final Logger LOG = LoggerFactory.getLogger("dev.switchboard.local.Gateway");

    private enum State { RUNNING, STOPPING, HALTED }

    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();
    private final Map<Work, LongAdder> received = counters();
    private final Map<Work, LongAdder> started = counters();
    private final Map<Work, LongAdder> refused = counters();
    private final Map<Work, LongAdder> abandoned = counters();
    private final Map<Work, AtomicInteger> running = new EnumMap<>(Work.class);
    private final long[] servedAt = new long[SAMPLES];
    private int sample;
    private final Map<Work, Long> reported = new EnumMap<>(Work.class);
    private volatile int limit = MIN_BACKLOG;
    private volatile long servedPerSecond;
    private volatile State state = State.RUNNING;

    Intake() {
        for (Work work : Work.values()) {
            running.put(work, new AtomicInteger());
        }
    }

    private static Map<Work, LongAdder> counters() {
        Map<Work, LongAdder> counters = new EnumMap<>(Work.class);
        for (Work work : Work.values()) {
            counters.put(work, new LongAdder());
        }
        return counters;
    }

    /**
     * Takes one piece of work of this kind in, or counts it refused. Admitted work must run through
     * {@link #admitted}, which lets it out again.
     */
    boolean admit(Work kind) {
        received.get(kind).increment();
        if (state != State.RUNNING) {
            abandoned.get(kind).increment();
            return false;
        }
        int current;
        do {
            current = backlog.get();
            if (current >= limit) {
                refused.get(kind).increment();
                return false;
            }
        } while (!backlog.compareAndSet(current, current + 1));
        return true;
    }

    /** Lets out admitted work that is refused after all, before it was handed to anyone (its queue was full). */
    void withdraw(Work kind) {
        backlog.decrementAndGet();
        refused.get(kind).increment();
    }

    /** Counts work given up that never reached {@link #admitted} or {@link #unrefused} (its executor had stopped). */
    void abandon(Work kind) {
        abandoned.get(kind).increment();
    }

    /** Whether the gateway is stopping: whatever arrives now is given up, not refused. */
    boolean stopping() {
        return state != State.RUNNING;
    }

    /** The task of admitted work: abandoned if the gateway stops before it starts; lets the work out when done. */
    Runnable admitted(Work kind, Runnable task) {
        return admitted(kind, task, () -> { });
    }

    /** As {@link #admitted(Work, Runnable)}, with what to do instead when the task is abandoned. */
    Runnable admitted(Work kind, Runnable task, Runnable onAbandon) {
        return () -> {
            try {
                run(kind, task, onAbandon);
            } finally {
                backlog.decrementAndGet();
                served.incrementAndGet();
            }
        };
    }

    /** The task of work that is never refused ({@code $disconnect}): abandoned only once the grace period is over. */
    Runnable unrefused(Work kind, Runnable task) {
        return () -> run(kind, task, () -> { });
    }

    private void run(Work kind, Runnable task, Runnable onAbandon) {
        State now = state;
        if (now == State.HALTED || (now == State.STOPPING && kind != Work.DISCONNECT)) {
            abandoned.get(kind).increment();
            onAbandon.run();
            return;
        }
        started.get(kind).increment();
        AtomicInteger count = running.get(kind);
        count.incrementAndGet();
        try {
            task.run();
        } finally {
            count.decrementAndGet();
        }
    }

    /** How long a refused client should wait: about the time the work admitted before it takes to be served. */
    long retryAfterMillis() {
        long rate = Math.max(1, servedPerSecond);
        long millis = (backlog.get() * 1_000L + rate - 1) / rate;
        return Math.clamp(millis, MIN_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS);
    }

    /** Work admitted and not finished yet. */
    int backlog() {
        return backlog.get();
    }

    /** How much work may be admitted at most, now. */
    int limit() {
        return limit;
    }

    /** Work of this kind offered to {@link #admit}: each is refused, abandoned or started, exactly one of them. */
    long received(Work kind) {
        return received.get(kind).sum();
    }

    /** Work of this kind that started to run (and finished, or was interrupted). */
    long started(Work kind) {
        return started.get(kind).sum();
    }

    long refused(Work kind) {
        return refused.get(kind).sum();
    }

    long abandoned(Work kind) {
        return abandoned.get(kind).sum();
    }

    /** Work of this kind running now. */
    int running(Work kind) {
        return running.get(kind).get();
    }

    /**
     * Measures the rate served over the last second and sets the limit from it; every {@value #TICK_MS} ms, on one
     * thread. Once a second, says how much was refused, if anything was.
     */
    void tick() {
        long now = served.get();
        long oldest = servedAt[sample];
        servedAt[sample] = now;
        sample = (sample + 1) % SAMPLES;
        long rate = now - oldest;
        servedPerSecond = rate;
        limit = (int) Math.clamp(rate * MAX_WAIT.toMillis() / 1_000, MIN_BACKLOG, MAX_BACKLOG);
        if (sample == 0 && state == State.RUNNING) {
            Map<Work, Long> lastSecond = new EnumMap<>(Work.class);
            for (Work work : Work.values()) {
                long total = refused(work);
                lastSecond.put(work, total - reported.getOrDefault(work, 0L));
                reported.put(work, total);
            }
            if (lastSecond.values().stream().anyMatch(n -> n > 0)) {
                LOG.info("OVERLOADED refused {} frames, {} handshakes, {} publishes in the last second (answered at "
                        + "once, to retry later); {} in progress or waiting, served {}/s",
                        lastSecond.get(Work.MESSAGE), lastSecond.get(Work.HANDSHAKE), lastSecond.get(Work.PUBLISH),
                        backlog.get(), rate);
            }
        }
    }

    /** Stops admitting; what has not started yet is abandoned, except {@code $disconnect}s. */
    void stop() {
        if (state == State.RUNNING) {
            state = State.STOPPING;
        }
    }

    /** The grace period is over: {@code $disconnect}s that have not started are abandoned too. */
    void halt() {
        state = State.HALTED;
    }
}
