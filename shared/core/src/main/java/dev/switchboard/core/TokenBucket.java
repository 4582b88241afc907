package dev.switchboard.core;

import java.util.function.LongSupplier;

/**
 * A token bucket that paces posts to a rate (with a burst): the account's {@code @connections} budget is shared
 * (10,000 requests per second by default), so a large broadcast should run near a set rate rather than in a storm
 * of throttled requests. Thread-safe; {@link #acquire()} blocks (cheap on a virtual thread) until a token is free.
 *
 * <pre>{@code
 * TokenBucket bucket = TokenBucket.perSecond(5_000, 500);
 * bucket.acquire();   // then post
 * }</pre>
 */
public final class TokenBucket {

    /** Waits for a number of nanoseconds (replaceable in tests). */
    @FunctionalInterface
    public interface Pause {
        void nanos(long nanos) throws InterruptedException;
    }

    private final double tokensPerNano;
    private final double burst;
    private final LongSupplier clock;
    private final Pause pause;
    private double tokens;
    private long last;

    public TokenBucket(double perSecond, int burst, LongSupplier nanoClock, Pause pause) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("need a positive rate and a burst of at least 1");
        }
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
        this.clock = nanoClock;
        this.pause = pause;
        this.tokens = burst;
        this.last = nanoClock.getAsLong();
    }

    public static TokenBucket perSecond(double perSecond, int burst) {
        return new TokenBucket(perSecond, burst, System::nanoTime,
                nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    /** Takes one token, waiting until one is available. */
    public void acquire() throws InterruptedException {
        long wait;
        synchronized (this) {
            refill();
            tokens -= 1;
            wait = tokens >= 0 ? 0 : (long) Math.ceil(-tokens / tokensPerNano);
        }
        if (wait > 0) {
            pause.nanos(wait);
        }
    }

    private void refill() {
        long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * tokensPerNano);
        last = now;
    }
}
