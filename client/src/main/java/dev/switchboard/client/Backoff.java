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

    /**
     * The wait before retrying a request the server refused saying when to try again ({@code retryAfterMs} of a
     * {@code RATE_LIMITED} or {@code OVERLOADED} error): never sooner than that, plus this backoff's jitter, so
     * clients refused at the same moment do not all come back at the same moment. Without a time named, the
     * backoff alone.
     */
    Duration delayAfter(Long retryAfterMs, int attempt, RandomGenerator random) {
        Duration jitter = delay(attempt, random);
        return retryAfterMs == null ? jitter : jitter.plusMillis(retryAfterMs);
    }
}
