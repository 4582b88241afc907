package dev.switchboard.core;

import java.util.List;
import java.util.Objects;

/**
 * Hands shards of a large room's broadcast to parallel workers (in AWS: one SQS message per shard, consumed by
 * the fan-out function; locally: a pool that invokes the same handler). A worker lists the members of its shard
 * and posts the payload to each, as {@link Switchboard#deliverShard} does.
 *
 * <pre>{@code
 * List<FanoutQueue.Job> refused = queue.enqueue(List.of(new FanoutQueue.Job("stadium", 3, payload)));
 * }</pre>
 */
public interface FanoutQueue {

    /**
     * One shard of one broadcast.
     *
     * @param room    the room
     * @param shard   the shard of the room's membership to deliver to
     * @param payload the frame to post, exactly as every member receives it
     */
    record Job(String room, int shard, byte[] payload) {
        public Job {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(payload, "payload");
            if (shard < 0) {
                throw new IllegalArgumentException("shard must be >= 0");
            }
        }
    }

    /**
     * Queues the jobs (each accepted job is then delivered at least once) and returns those the queue did not
     * accept, for the caller to deliver itself; throws when it cannot tell which were accepted.
     */
    List<Job> enqueue(List<Job> jobs);
}
