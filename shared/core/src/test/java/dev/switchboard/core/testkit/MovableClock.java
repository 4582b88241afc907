package dev.switchboard.core.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A UTC clock that stands still until a test moves it: every read between two moves gives the same instant.
 *
 * <pre>{@code
 * MovableClock clock = MovableClock.at(Instant.parse("2026-11-24T10:00:00Z"));
 * clock.advance(Duration.ofMinutes(90));
 * clock.set(Instant.parse("2026-11-24T10:00:00Z"));
 * }</pre>
 */
public final class MovableClock extends Clock {

    /** Where a clock starts unless told otherwise. */
    public static final Instant DEFAULT_START = Instant.parse("2026-11-24T10:00:00Z");

    private volatile Instant now;

    private MovableClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    public static MovableClock at(Instant start) {
        return new MovableClock(start);
    }

    /** A clock at {@link #DEFAULT_START}. */
    public static MovableClock create() {
        return at(DEFAULT_START);
    }

    /** Moves the clock forward; a negative duration is refused (time does not go back). */
    public synchronized void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a clock moves forward only, not by " + by);
        }
        now = now.plus(by);
    }

    /** Sets the clock to an instant, earlier ones included: for tests that replay one moment several times. */
    public synchronized void set(Instant instant) {
        now = Objects.requireNonNull(instant, "instant");
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
