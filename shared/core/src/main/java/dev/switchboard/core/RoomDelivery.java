package dev.switchboard.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Gets a payload to a room's live members: from here, or spread over the fan-out queue's workers for a big room,
 * and does the queue's jobs when this is a fan-out worker. Part of {@link Switchboard}.
 */
final class RoomDelivery {

    private final ConnectionStore store;
    private final Broadcaster broadcaster;
    private final Clock clock;
    private final FanoutQueue fanout;
    private final int fanoutThreshold;

    RoomDelivery(Wiring wiring) {
        this.store = wiring.store();
        this.broadcaster = wiring.broadcaster();
        this.clock = wiring.clock();
        this.fanout = wiring.fanout();
        this.fanoutThreshold = wiring.fanoutThreshold();
    }

    /**
     * Posts a payload to every member of a room. With a fan-out queue, a room of at least the fan-out threshold of
     * members is spread over workers: with a sharded store this call delivers shard 0 itself and queues one job for
     * each other shard (the first shard stands for all, as connection ids spread evenly by their hash); with one
     * shard it delivers the first {@link Broadcaster#JOB_SIZE} members itself and queues the rest in jobs of that
     * size. Whatever the queue refuses goes out from here too.
     */
    BroadcastResult deliverToRoom(String room, byte[] payload) {
        int shards = store.shards();
        if (fanout == null) {
            List<String> members = new ArrayList<>();
            for (int shard = 0; shard < shards; shard++) {
                members.addAll(liveMembers(room, shard));
            }
            return broadcaster.broadcast(members, payload);
        }
        List<String> members = new ArrayList<>(liveMembers(room, 0));
        if (shards > 1) {
            List<FanoutQueue.Job> others = new ArrayList<>();
            for (int shard = 1; shard < shards; shard++) {
                others.add(new FanoutQueue.Job.Shard(room, shard, payload));
            }
            if ((long) members.size() * shards >= fanoutThreshold) {
                others = enqueue(others);
            }
            for (FanoutQueue.Job job : others) {
                members.addAll(liveMembers(room, ((FanoutQueue.Job.Shard) job).shard()));
            }
            return broadcaster.broadcast(members, payload);
        }
        if (members.size() < fanoutThreshold) {
            return broadcaster.broadcast(members, payload);
        }
        List<String> here = new ArrayList<>(members.subList(0, Math.min(members.size(), Broadcaster.JOB_SIZE)));
        List<FanoutQueue.Job> chunks = new ArrayList<>();
        for (int start = Broadcaster.JOB_SIZE; start < members.size(); start += Broadcaster.JOB_SIZE) {
            chunks.add(new FanoutQueue.Job.Connections(
                    members.subList(start, Math.min(members.size(), start + Broadcaster.JOB_SIZE)), payload, 0,
                    Duration.ZERO));
        }
        for (FanoutQueue.Job refused : enqueue(chunks)) {
            here.addAll(((FanoutQueue.Job.Connections) refused).connectionIds());
        }
        return broadcaster.broadcast(here, payload);
    }

    /**
     * The members of one shard of a room that may still be delivered to: a member whose token expired gets nothing
     * more, whether or not it has sent a frame since (it is closed when it does, or by the gateway's idle timeout).
     */
    private List<String> liveMembers(String room, int shard) {
        return live(store.shardMembers(room, shard));
    }

    List<String> live(List<RoomMember> members) {
        Instant now = clock.instant();
        return members.stream().filter(member -> member.liveAt(now)).map(RoomMember::connectionId).toList();
    }

    /** Queues the jobs; returns those left for the caller (all of them when the queue fails outright). */
    private List<FanoutQueue.Job> enqueue(List<FanoutQueue.Job> jobs) {
        try {
            return fanout.enqueue(jobs);
        } catch (RuntimeException queueFailed) {
            // Slower, but nobody is left out: deliver every shard from here.
            return jobs;
        }
    }

    /** As {@link Switchboard#deliver}. */
    BroadcastResult deliver(FanoutQueue.Job job) {
        return switch (job) {
            case FanoutQueue.Job.Shard shard -> {
                if (shard.shard() >= store.shards()) {
                    throw new IllegalArgumentException("shard " + shard.shard() + " of " + store.shards());
                }
                yield broadcaster.broadcast(liveMembers(shard.room(), shard.shard()), shard.payload());
            }
            case FanoutQueue.Job.Connections named ->
                    broadcaster.broadcast(named.connectionIds(), named.payload(), named.attempt());
        };
    }
}
