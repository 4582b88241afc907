package dev.switchboard.core.testkit;

import dev.switchboard.core.RoomHistory;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A history whose numbering is slow: each {@link #nextSeq} takes {@code delay} of a {@link MovableClock}, as a
 * store call that answers late would. Everything else goes straight to the history it wraps. A test of what the
 * core does with a slow store then depends on when the store answers, not on how often the core reads the clock.
 *
 * <pre>{@code
 * RoomHistory slow = SlowRoomHistory.numbering(history, clock, Duration.ofSeconds(11));
 * }</pre>
 */
public final class SlowRoomHistory implements RoomHistory {

    private final RoomHistory history;
    private final MovableClock clock;
    private final Duration delay;

    private SlowRoomHistory(RoomHistory history, MovableClock clock, Duration delay) {
        this.history = history;
        this.clock = clock;
        this.delay = delay;
    }

    /** {@code history}, with each sequence number answered {@code delay} after it was asked for. */
    public static SlowRoomHistory numbering(RoomHistory history, MovableClock clock, Duration delay) {
        return new SlowRoomHistory(history, clock, delay);
    }

    @Override
    public long nextSeq(String room, Instant now) {
        long seq = history.nextSeq(room, now);
        clock.advance(delay);
        return seq;
    }

    @Override
    public Counter counter(String room) {
        return history.counter(room);
    }

    @Override
    public void append(ServerFrame.Message message, Instant expiresAt) {
        history.append(message, expiresAt);
    }

    @Override
    public List<ServerFrame.Message> after(String room, long after, int limit, Instant now) {
        return history.after(room, after, limit, now);
    }
}
