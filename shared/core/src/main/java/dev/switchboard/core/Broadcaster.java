package dev.switchboard.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * Sends one payload to many connections with a bounded number of posts in flight. Closed connections (410) are
 * pruned from the store; throttling and transient failures are retried per {@link RetryPolicy}; one bad connection
 * never stops the others. Nothing is dropped silently: recipients still failing after the retries, and those not
 * reached before the invocation's deadline, go to the fan-out queue for a later attempt (a few times, further apart
 * each time); what still cannot be delivered after that is counted in the result as undelivered.
 *
 * <pre>{@code
 * Broadcaster broadcaster = new Broadcaster(sender, store, 64, RetryPolicy.defaults());
 * BroadcastResult result = broadcaster.broadcast(store.members("lobby"), payload);
 * }</pre>
 */
public final class Broadcaster {

    /** Most times a recipient is handed to the fan-out queue for a later attempt. */
    public static final int MAX_DEFERRALS = 3;
    /** Connections named in one deferred job (an SQS message carries them beside the payload). */
    public static final int JOB_SIZE = 1_000;

    private static final Logger LOG = Logger.getLogger(Broadcaster.class.getName());

    private final Sender sender;
    private final ConnectionStore store;
    private final int maxInFlight;
    private final RetryPolicy retryPolicy;
    private final RandomGenerator random;
    private final TokenBucket rateLimit;
    private final FanoutQueue deferrals;
    private final InvocationDeadline deadline;

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
        this(sender, store, maxInFlight, retryPolicy, random, rateLimit, null, InvocationDeadline.none());
    }

    /**
     * @param deferrals where recipients not reached go for a later attempt; null to count them undelivered at once
     * @param deadline  when the current invocation must stop starting posts
     */
    public Broadcaster(Sender sender, ConnectionStore store, int maxInFlight, RetryPolicy retryPolicy,
                       RandomGenerator random, TokenBucket rateLimit, FanoutQueue deferrals,
                       InvocationDeadline deadline) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.store = Objects.requireNonNull(store, "store");
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.random = Objects.requireNonNull(random, "random");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.rateLimit = rateLimit;
        this.deferrals = deferrals;
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        this.maxInFlight = maxInFlight;
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    /** The same broadcaster, handing recipients it cannot reach now to {@code queue}. */
    public Broadcaster deferringTo(FanoutQueue queue) {
        return new Broadcaster(sender, store, maxInFlight, retryPolicy, random, rateLimit,
                Objects.requireNonNull(queue, "queue"), deadline);
    }

    /** Delivers the payload to every connection and returns once each has an outcome for this attempt. */
    public BroadcastResult broadcast(Collection<String> connectionIds, byte[] payload) {
        return broadcast(connectionIds, payload, 0);
    }

    /**
     * As {@link #broadcast(Collection, byte[])}, for recipients already handed over for a later attempt
     * {@code deferrals} times.
     */
    public BroadcastResult broadcast(Collection<String> connectionIds, byte[] payload, int deferrals) {
        Objects.requireNonNull(payload, "payload");
        if (connectionIds.isEmpty()) {
            return BroadcastResult.empty();
        }
        Instant stopBy = deadline.current().orElse(null);
        Tally tally = new Tally();
        List<String> unattempted = new ArrayList<>();
        Semaphore permits = new Semaphore(maxInFlight);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String connectionId : connectionIds) {
                if (stopBy != null && !Instant.now().isBefore(stopBy)) {
                    unattempted.add(connectionId);
                    continue;
                }
                permits.acquireUninterruptibly();
                threads.execute(() -> {
                    try {
                        tally.record(connectionId, deliver(connectionId, payload, stopBy));
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        for (String goneId : tally.goneIds) {
            try {
                store.remove(goneId);
            } catch (RuntimeException e) {
                // It is gone either way: its rows expire by TTL, and the next post to it prunes it again.
                LOG.log(Level.WARNING, "could not prune gone connection " + goneId + ": " + e);
            }
        }
        return tally.result(defer(tally.retryable(), unattempted, payload, deferrals));
    }

    /**
     * Hands the recipients not reached to the fan-out queue, in jobs of {@link #JOB_SIZE}; returns how many it took
     * and which ones it did not (those are undelivered).
     */
    private Deferral defer(List<Retry> failing, List<String> unattempted, byte[] payload, int deferrals) {
        List<String> later = new ArrayList<>(unattempted);
        failing.forEach(retry -> later.add(retry.connectionId()));
        if (later.isEmpty() || this.deferrals == null || deferrals >= MAX_DEFERRALS) {
            return new Deferral(0, failing, unattempted);
        }
        List<FanoutQueue.Job> jobs = new ArrayList<>();
        Duration delay = deferralDelay(deferrals + 1);
        for (int start = 0; start < later.size(); start += JOB_SIZE) {
            jobs.add(new FanoutQueue.Job.Connections(later.subList(start, Math.min(later.size(), start + JOB_SIZE)),
                    payload, deferrals + 1, delay));
        }
        List<FanoutQueue.Job> refused;
        try {
            refused = this.deferrals.enqueue(jobs);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not defer " + later.size() + " recipient(s): " + e);
            refused = jobs;
        }
        Set<String> notTaken = new HashSet<>();
        refused.forEach(job -> notTaken.addAll(((FanoutQueue.Job.Connections) job).connectionIds()));
        return new Deferral(later.size() - notTaken.size(),
                failing.stream().filter(retry -> notTaken.contains(retry.connectionId())).toList(),
                unattempted.stream().filter(notTaken::contains).toList());
    }

    /** How long the queue holds the {@code n}th deferral: 2 s, 8 s, 32 s. */
    static Duration deferralDelay(int n) {
        return Duration.ofSeconds(2L << (2 * (n - 1)));
    }

    /** Posts with retries until {@code stopBy} and returns the final outcome; never throws. */
    SendOutcome deliver(String connectionId, byte[] payload, Instant stopBy) {
        SendOutcome outcome = SendOutcome.TRANSIENT_FAILURE;
        for (int attempt = 1; attempt <= retryPolicy.maxAttempts(); attempt++) {
            if (attempt > 1) {
                Duration delay = retryPolicy.delayBeforeRetry(attempt - 1, random);
                if (stopBy != null && Instant.now().plus(delay).isAfter(stopBy) || !pause(delay)) {
                    return outcome;
                }
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

    /** A recipient whose last post was throttled or failed, to be tried again later. */
    private record Retry(String connectionId, SendOutcome last) {
    }

    /** What deferring came to: how many the queue took, and the recipients left undelivered. */
    private record Deferral(int deferred, List<Retry> undeliveredFailing, List<String> undeliveredUnattempted) {
    }

    private static final class Tally {
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger tooLarge = new AtomicInteger();
        final AtomicInteger permanent = new AtomicInteger();
        final Queue<String> goneIds = new ConcurrentLinkedQueue<>();
        final Queue<Retry> retryable = new ConcurrentLinkedQueue<>();

        void record(String connectionId, SendOutcome outcome) {
            switch (outcome) {
                case DELIVERED -> delivered.incrementAndGet();
                case GONE -> goneIds.add(connectionId);
                case TOO_LARGE -> tooLarge.incrementAndGet();
                case PERMANENT_FAILURE -> permanent.incrementAndGet();
                case THROTTLED, TRANSIENT_FAILURE -> retryable.add(new Retry(connectionId, outcome));
            }
        }

        List<Retry> retryable() {
            return List.copyOf(retryable);
        }

        BroadcastResult result(Deferral deferral) {
            List<String> gone = List.copyOf(goneIds);
            int throttled = (int) deferral.undeliveredFailing().stream()
                    .filter(retry -> retry.last() == SendOutcome.THROTTLED).count();
            int failed = permanent.get() + deferral.undeliveredFailing().size() - throttled
                    + deferral.undeliveredUnattempted().size();
            return new BroadcastResult(delivered.get(), gone.size(), tooLarge.get(), throttled, failed,
                    deferral.deferred(), gone);
        }
    }
}
