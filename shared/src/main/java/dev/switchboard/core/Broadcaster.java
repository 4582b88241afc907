package dev.switchboard.core;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Sends one payload to many connections with a bounded number of posts in flight. Closed connections (410)
 * are pruned from the store; throttling and transient failures are retried per {@link RetryPolicy}; one bad
 * connection never stops the others.
 *
 * <pre>{@code
 * Broadcaster broadcaster = new Broadcaster(sender, store, 64, RetryPolicy.defaults());
 * BroadcastResult result = broadcaster.broadcast(store.members("lobby"), payload);
 * }</pre>
 */
public final class Broadcaster {

    private final Sender sender;
    private final ConnectionStore store;
    private final int maxInFlight;
    private final RetryPolicy retryPolicy;
    private final RandomGenerator random;
    private final TokenBucket rateLimit;

    public Broadcaster(Sender sender, ConnectionStore store, int maxInFlight, RetryPolicy retryPolicy) {
        this(sender, store, maxInFlight, retryPolicy, RandomGenerator.getDefault(), null);
    }

    /** With a rate limit: every post, retries included, first takes a token from {@code rateLimit}. */
    public Broadcaster(Sender sender, ConnectionStore store, int maxInFlight, RetryPolicy retryPolicy,
                       TokenBucket rateLimit) {
        this(sender, store, maxInFlight, retryPolicy, RandomGenerator.getDefault(), rateLimit);
    }

    public Broadcaster(Sender sender, ConnectionStore store, int maxInFlight, RetryPolicy retryPolicy,
                       RandomGenerator random, TokenBucket rateLimit) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.store = Objects.requireNonNull(store, "store");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.random = Objects.requireNonNull(random, "random");
        this.rateLimit = rateLimit;
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        this.maxInFlight = maxInFlight;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /** Delivers the payload to every connection and returns once each has a final outcome. */
    public BroadcastResult broadcast(Collection<String> connectionIds, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (connectionIds.isEmpty()) {
            return BroadcastResult.empty();
        }
        Tally tally = new Tally();
        Semaphore permits = new Semaphore(maxInFlight);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String connectionId : connectionIds) {
                permits.acquireUninterruptibly();
                threads.execute(() -> {
                    try {
                        tally.record(connectionId, deliver(connectionId, payload));
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        for (String goneId : tally.goneIds) {
            store.remove(goneId);
        }
        return tally.result();
    }

    /** Posts with retries and returns the final outcome; never throws. */
    SendOutcome deliver(String connectionId, byte[] payload) {
        SendOutcome outcome = SendOutcome.TRANSIENT_FAILURE;
        for (int attempt = 1; attempt <= retryPolicy.maxAttempts(); attempt++) {
            if (attempt > 1 && !pause(retryPolicy.delayBeforeRetry(attempt - 1, random))) {
                return outcome;
            }
            outcome = sendOnce(connectionId, payload);
            if (!outcome.retryable()) {
                return outcome;
            }
        }
        return outcome;
    }

    private SendOutcome sendOnce(String connectionId, byte[] payload) {
        try {
            if (rateLimit != null) {
                rateLimit.acquire();
            }
            return Objects.requireNonNullElse(sender.send(connectionId, payload), SendOutcome.TRANSIENT_FAILURE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SendOutcome.TRANSIENT_FAILURE;
        } catch (RuntimeException e) {
            // A sender that throws is a bug or an unexpected transport failure; it must not stop the others.
            return SendOutcome.TRANSIENT_FAILURE;
        }
    }

    private static boolean pause(Duration delay) {
        try {
            Thread.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final class Tally {
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger tooLarge = new AtomicInteger();
        final AtomicInteger throttled = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final Queue<String> goneIds = new ConcurrentLinkedQueue<>();

        void record(String connectionId, SendOutcome outcome) {
            switch (outcome) {
                case DELIVERED -> delivered.incrementAndGet();
                case GONE -> goneIds.add(connectionId);
                case TOO_LARGE -> tooLarge.incrementAndGet();
                case THROTTLED -> throttled.incrementAndGet();
                case TRANSIENT_FAILURE, PERMANENT_FAILURE -> failed.incrementAndGet();
            }
        }

        BroadcastResult result() {
            List<String> gone = List.copyOf(goneIds);
            return new BroadcastResult(delivered.get(), gone.size(), tooLarge.get(), throttled.get(), failed.get(),
                    gone);
        }
    }
}
