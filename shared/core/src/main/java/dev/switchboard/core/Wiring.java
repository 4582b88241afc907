package dev.switchboard.core;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What {@link Switchboard}'s parts share: the collaborators its builder was given, checked, and the process's memory
 * of refused connections, and the deadlines and tries every part keeps to.
 *
 * @param broadcaster posts to rooms and users; hands recipients it cannot reach now to the fan-out queue when there
 *                    is one
 * @param notices     posts what is not a message: presence events (a member who misses one can ask for presence)
 *                    and a last notice to a connection about to be closed; what still fails after the retries is
 *                    counted, not tried again later
 * @param fanout      the fan-out queue, or null for none
 * @param probe       tells whether a listed connection is gone, or null for none
 * @param hooks       the application's hooks on connect, join and send ({@link Hooks#none()} for none)
 */
record Wiring(ConnectionStore store, RoomHistory history, IdempotencyStore idempotency, Broadcaster broadcaster,
              Broadcaster notices, Clock clock, CoreSettings settings, Supplier<String> messageIds,
              FanoutQueue fanout, int fanoutThreshold, RoomPolicy policy, ConnectionCloser closer,
              ConnectionProbe probe, FrameGuard guard, Hooks hooks) {

    /**
     * How long a sender may take between claiming a send and storing its message; past it, the sender is taken to
     * have crashed (its idempotency claim is abandoned, a seq it never stored is a hole to skip).
     */
    static final Duration SENDER_DEADLINE = Duration.ofSeconds(30);

    /**
     * The longest a sender may have spent getting its seq and still store the message: what is left of the
     * deadline covers the history write with the SDK's retries.
     */
    static final Duration STORE_BUDGET = Duration.ofSeconds(10);

    /** Tries of a read-decide-write (join, refresh) that found the connection changed under it. */
    static final int MAX_ATTEMPTS = 3;

    Quotas quotas() {
        return settings.quotas();
    }
}
