package dev.switchboard.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.FanoutQueue;
import dev.switchboard.functions.aws.FanoutMessages;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stand-in for the fan-out SQS queue and its event source: jobs wait in memory (a delayed one until its
 * delay is over), at most {@code workers} are delivered at once (the event source's maximum concurrency), each as an
 * invocation of the fan-out handler with a one-record SQS event serialized as Lambda's is, in the message format of
 * {@link FanoutMessages}. A job the handler reports as failed is tried again, as SQS would redeliver it, up to the
 * dead-letter queue's receive limit.
 */
final class LocalFanoutQueue implements FanoutQueue, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.switchboard.local.Gateway");
    private static final int MAX_RECEIVES = 3;

    private final ExecutorService workers;
    /** Holds delayed jobs until their delay is over, as SQS holds a message with a delay. */
    private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("fanout-delays").factory());
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong abandoned = new AtomicLong();
    private volatile Integrations integrations;

    LocalFanoutQueue(int workers) {
        this.workers = Executors.newFixedThreadPool(workers, Thread.ofVirtual().name("fanout-", 0).factory());
    }

    /** Connects the queue to the fan-out worker once the integrations exist (they need the core, which needs this). */
    void attach(Integrations value) {
        if (!value.hasFanout()) {
            throw new IllegalArgumentException("the integrations have no fan-out worker");
        }
        integrations = value;
    }

    @Override
    public List<Job> enqueue(List<Job> jobs) {
        Integrations target = integrations;
        if (target == null) {
            throw new IllegalStateException("the local fan-out queue has no worker attached");
        }
        for (Job job : jobs) {
            int delay = FanoutMessages.delaySeconds(job);
            try {
                if (delay == 0) {
                    start(target, job);
                } else {
                    delays.schedule(() -> start(target, job), delay, TimeUnit.SECONDS);
                }
            } catch (RejectedExecutionException stopped) {
                // The stack is stopping: its sockets are closed, there is no one left to deliver to.
                abandoned.incrementAndGet();
            }
        }
        return List.of();
    }

    private void start(Integrations target, Job job) {
        try {
            workers.execute(() -> deliver(target, job));
        } catch (RejectedExecutionException stopped) {
            abandoned.incrementAndGet();
        }
    }

    /** Jobs the fan-out worker has delivered so far. */
    long delivered() {
        return delivered.get();
    }

    private void deliver(Integrations target, Job job) {
        running.incrementAndGet();
        try {
            deliverWithRetries(target, job);
        } finally {
            running.decrementAndGet();
        }
    }

    private void deliverWithRetries(Integrations target, Job job) {
        ObjectNode event = event(job);
        for (int receive = 1; receive <= MAX_RECEIVES; receive++) {
            long start = System.nanoTime();
            try {
                JsonNode response = target.deliverShards(event);
                if (response.path("batchItemFailures").isEmpty()) {
                    delivered.incrementAndGet();
                    LOG.info("FANOUT     {} delivered in {} ms", describe(job),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    return;
                }
            } catch (Integrations.InvocationFailed e) {
                LOG.warn("FANOUT     {} failed: {}", describe(job), e.getCause().toString());
            }
        }
        LOG.warn("FANOUT     {} failed {} times (it would go to the dead-letter queue)", describe(job),
                MAX_RECEIVES);
    }

    private static ObjectNode event(Job job) {
        return Integrations.sqsEvent("switchboard-fanout", UUID.randomUUID().toString(), FanoutMessages.body(job),
                FanoutMessages.attributes(job).stream()
                        .map(a -> new Integrations.SqsAttribute(a.name(), a.dataType(), a.value()))
                        .toArray(Integrations.SqsAttribute[]::new));
    }

    private static String describe(Job job) {
        return switch (job) {
            case Job.Shard shard -> "room=" + shard.room() + " shard=" + shard.shard();
            case Job.Connections named -> "connections=" + named.connectionIds().size() + " attempt="
                    + named.attempt();
        };
    }

    /** What {@link #halt} gave up: jobs never started (delayed ones included), and jobs interrupted while delivering. */
    record Halted(long abandoned, long interrupted) {
    }

    /**
     * Stops at once, as the stack does when it is told to stop: jobs not started (waiting for a worker or for their
     * delay) are abandoned, running ones interrupted, jobs enqueued from now on abandoned; each is counted.
     */
    Halted halt() {
        long interrupted = running.get();
        abandoned.addAndGet(delays.shutdownNow().size());
        abandoned.addAndGet(workers.shutdownNow().size());
        try {
            workers.awaitTermination(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Halted(abandoned.get(), interrupted);
    }

    @Override
    public void close() {
        halt();
    }
}
