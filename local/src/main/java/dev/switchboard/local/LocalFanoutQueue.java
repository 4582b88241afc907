package dev.switchboard.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.FanoutQueue;
import dev.switchboard.functions.aws.SqsFanoutQueue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stand-in for the fan-out SQS queue and its event source: jobs wait in memory, at most {@code workers}
 * are delivered at once (the event source's maximum concurrency), each as an invocation of the fan-out handler
 * with a one-record SQS event serialized as Lambda's is. A job the handler reports as failed is tried again, as
 * SQS would redeliver it, up to the dead-letter queue's receive limit.
 */
final class LocalFanoutQueue implements FanoutQueue, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.switchboard.local.Gateway");
    private static final int MAX_RECEIVES = 3;

    private final ExecutorService workers;
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
            try {
                workers.execute(() -> deliver(target, job));
            } catch (RejectedExecutionException stopped) {
                // The stack is stopping: its sockets are closed, there is no one left to deliver to.
                abandoned.incrementAndGet();
            }
        }
        return List.of();
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
                    LOG.info("FANOUT     room={} shard={} delivered in {} ms", job.room(), job.shard(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    return;
                }
            } catch (Integrations.InvocationFailed e) {
                LOG.warn("FANOUT     room={} shard={} failed: {}", job.room(), job.shard(), e.getCause().toString());
            }
        }
        LOG.warn("FANOUT     room={} shard={} failed {} times (it would go to the dead-letter queue)", job.room(),
                job.shard(), MAX_RECEIVES);
    }

    private static ObjectNode event(Job job) {
        return Integrations.sqsEvent("switchboard-fanout", UUID.randomUUID().toString(),
                new String(job.payload(), StandardCharsets.UTF_8),
                new Integrations.SqsAttribute(SqsFanoutQueue.ROOM_ATTRIBUTE, "String", job.room()),
                new Integrations.SqsAttribute(SqsFanoutQueue.SHARD_ATTRIBUTE, "Number", Integer.toString(job.shard())));
    }

    /** What {@link #halt} gave up: jobs never started, and jobs interrupted while delivering. */
    record Halted(long abandoned, long interrupted) {
    }

    /**
     * Stops at once, as the stack does when it is told to stop: jobs not started are abandoned, running ones
     * interrupted, jobs enqueued from now on abandoned; each is counted.
     */
    Halted halt() {
        long interrupted = running.get();
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
