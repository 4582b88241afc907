package dev.switchboard.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Hands deliveries to parallel workers (in AWS: one SQS message per job, consumed by the fan-out function; locally:
 * a pool that invokes the same handler): the shards of a large room's broadcast, the chunks of a large room kept in
 * one partition, and the recipients a broadcast could not reach in time or at all, for a later attempt. A worker
 * posts the payload as {@link Switchboard#deliver} does.
 *
 * <pre>{@code
 * List<FanoutQueue.Job> refused = queue.enqueue(List.of(new FanoutQueue.Job.Shard("stadium", 3, payload)));
 * }</pre>
 */
public interface FanoutQueue {

    /** One piece of delivery work; every member it names gets {@link #payload()} exactly as sent. */
    sealed interface Job {
        byte[] payload();

        /**
         * Every member of one shard of a room.
         *
         * @param room  the room
         * @param shard the shard of the room's membership to deliver to
         */
        record Shard(String room, int shard, byte[] payload) implements Job {
            public Shard {
                Objects.requireNonNull(room, "room");
                Objects.requireNonNull(payload, "payload");
                if (shard < 0) {
                    throw new IllegalArgumentException("shard must be >= 0");
                }
            }
        }

        /**
         * Named connections: part of a large room, or recipients left over from an earlier attempt.
         *
         * @param connectionIds the connections to post to
         * @param attempt       how many times these were already handed over for a later attempt (0 for a chunk of
         *                      a room nobody has tried yet)
         * @param delay         how long the queue should hold the job first
         */
        record Connections(List<String> connectionIds, byte[] payload, int attempt, Duration delay) implements Job {
            public Connections {
                connectionIds = List.copyOf(connectionIds);
                Objects.requireNonNull(payload, "payload");
                Objects.requireNonNull(delay, "delay");
                if (connectionIds.isEmpty()) {
                    throw new IllegalArgumentException("a job names at least one connection");
                }
                if (attempt < 0 || delay.isNegative()) {
                    throw new IllegalArgumentException("attempt and delay must be >= 0");
                }
            }
        }
    }

    /**
     * Queues the jobs (each accepted job is then delivered at least once) and returns those the queue did not
     * accept, for the caller to deliver itself; throws when it cannot tell which were accepted.
     */
    List<Job> enqueue(List<Job> jobs);
}
