package dev.switchboard.core;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * What {@link Switchboard}'s parts share: the collaborators its builder was given, checked, and the process's memory
 * of refused connections.
 *
 * @param broadcaster posts to rooms and users; hands recipients it cannot reach now to the fan-out queue when there
 *                    is one
 * @param notices     posts what is not a message: presence events (a member who misses one can ask for presence)
 *                    and a last notice to a connection about to be closed; what still fails after the retries is
 *                    counted, not tried again later
 * @param fanout      the fan-out queue, or null for none
 * @param probe       tells whether a listed connection is gone, or null for none
 */
record Wiring(ConnectionStore store, RoomHistory history, IdempotencyStore idempotency, Broadcaster broadcaster,
              Broadcaster notices, Clock clock, CoreSettings settings, Supplier<String> messageIds,
              FanoutQueue fanout, int fanoutThreshold, RoomPolicy policy, ConnectionCloser closer,
              ConnectionProbe probe, FrameGuard guard) {

    Quotas quotas() {
        return settings.quotas();
    }
}
