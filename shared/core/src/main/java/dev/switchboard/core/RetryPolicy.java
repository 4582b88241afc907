package dev.switchboard.core;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Bounded retries with exponential backoff and full jitter: before retry {@code n} (1-based) wait a random
 * time in {@code [0, min(maxDelay, baseDelay * 2^(n-1))]}.
 *
 * <pre>{@code
 * RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(50), Duration.ofSeconds(2));
 * Duration wait = policy.delayBeforeRetry(2, RandomGenerator.getDefault());  // somewhere in 0..100 ms
 * }</pre>
 *
 * @param maxAttempts total attempts including the first, at least 1
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    public RetryPolicy {
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay");
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(50), Duration.ofSeconds(2));
    }

    /** The wait before the given retry (1 = the first retry). */
    public Duration delayBeforeRetry(int retry, RandomGenerator random) {
        int shift = Math.min(Math.max(retry - 1, 0), 30);
        long ceilingNanos = Math.min(maxDelay.toNanos(), saturatedShift(baseDelay.toNanos(), shift));
        return ceilingNanos <= 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(ceilingNanos + 1));
    }

    private static long saturatedShift(long value, int shift) {
        return value > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : value << shift;
    }
}
