package dev.switchboard.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: before attempt {@code n} (0-based) wait a random time in
 * {@code [0, min(cap, base * 2^n)]}, so many clients dropped at once do not reconnect in lockstep.
 */
record Backoff(Duration base, Duration cap) {

    Backoff {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= cap");
        }
    }

    Duration delay(int attempt, RandomGenerator random) {
        int shift = Math.min(Math.max(attempt, 0), 30);
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << shift);
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }
}
