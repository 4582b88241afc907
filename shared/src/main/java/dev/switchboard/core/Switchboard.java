package dev.switchboard.core;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Switchboard's use cases, one method each: the Lambda handlers (and anything else that holds an event) parse
 * their input, call one of these and map the result to a reply. Every client-facing failure comes back as an
 * {@code error} frame, not an exception.
 *
 * <pre>{@code
 * Switchboard switchboard = Switchboard.builder()
 *         .store(store).history(history).idempotency(idempotency).broadcaster(broadcaster)
 *         .build();
 * switchboard.connect("abc=", "user-1", "203.0.113.9");
 * ServerFrame reply = switchboard.join("abc=", "user-1", new ClientFrame.Join("1", "lobby"));   // ack
 * }</pre>
 *
 * <p>Ordering and resume: a message gets its room's next sequence number, is written to the history, and only
 * then is the room's membership read for the broadcast. A joining connection writes its membership first and
 * reads the history after. So any message is either in the history the joiner reads or broadcast to it live;
 * clients de-duplicate by {@code seq}.
 */
public final class Switchboard {

    /**
     * How long a sender may take between claiming a send and storing its message; past it, the sender is taken to
     * have crashed (its idempotency claim is abandoned, a seq it never stored is a hole to skip).
     */
    static final Duration SENDER_DEADLINE = Duration.ofSeconds(30);

    /**
     * The longest a sender may have spent getting its seq and still store the message: what is left of the
     * deadline covers the history write with the SDK's retries.
     */
    static final Duration STORE_BUDGET = Duration.ofSeconds(10);

    private final ConnectionStore store;
    private final RoomHistory history;
    private final IdempotencyStore idempotency;
    private final Broadcaster broadcaster;
    private final Clock clock;
    private final CoreSettings settings;
    private final Supplier<String> messageIds;
    private final FanoutQueue fanout;
    private final int fanoutThreshold;

    private Switchboard(Builder builder) {
        this.store = Objects.requireNonNull(builder.store, "store");
        this.history = Objects.requireNonNull(builder.history, "history");
        this.idempotency = Objects.requireNonNull(builder.idempotency, "idempotency");
        this.broadcaster = Objects.requireNonNull(builder.broadcaster, "broadcaster");
        this.clock = builder.clock;
        this.settings = builder.settings;
        this.messageIds = builder.messageIds;
        this.fanout = builder.fanout;
        this.fanoutThreshold = builder.fanoutThreshold;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The result of a publish: the reply for the sender and how the broadcast went. */
    public record Sent(ServerFrame reply, BroadcastResult broadcast) {
        static Sent of(ServerFrame reply) {
            return new Sent(reply, BroadcastResult.empty());
        }
    }

    /** {@code $connect}: remembers the connection under the identity the authorizer established. */
    public Connection connect(String connectionId, String userId, String sourceIp) {
        Instant now = clock.instant();
        Connection connection = new Connection(connectionId, userId, now, sourceIp,
                now.plus(settings.connectionTtl()));
        store.register(connection);
        return connection;
    }

    /**
     * {@code $disconnect}: forgets the connection and its memberships (idempotent) and tells each room when the
     * user's last connection in it left. Returns the rooms left.
     */
    public Set<String> disconnect(String connectionId) {
        String userId = store.find(connectionId).map(Connection::userId).orElse(null);
        Set<String> rooms = store.remove(connectionId);
        if (userId != null) {
            rooms.forEach(room -> announce(room, userId, ServerFrame.PresenceChange.LEFT));
        }
        return rooms;
    }

    /** Joins a room; with {@code after}, the reply is the history after that position (or a reset). */
    public ServerFrame join(String connectionId, String userId, ClientFrame.Join join) {
        JoinResult result = store.join(connectionId, join.room(), settings.maxRooms());
        switch (result) {
            case UNKNOWN_CONNECTION -> {
                return new ServerFrame.Error(ErrorCode.UNKNOWN_CONNECTION, "connection is not registered; reconnect",
                        join.id());
            }
            case TOO_MANY_ROOMS -> {
                return new ServerFrame.Error(ErrorCode.TOO_MANY_ROOMS,
                        "a connection may be in at most " + settings.maxRooms() + " rooms", join.id());
            }
            case JOINED -> announce(join.room(), userId, ServerFrame.PresenceChange.JOINED);
            case ALREADY_MEMBER -> {
                // Re-joining is harmless: answer as for a first join, announce nothing.
            }
        }
        if (join.after() != null) {
            return historyPage(join.id(), join.room(), join.after());
        }
        return new ServerFrame.Ack(join.id(), "join", null, history.latestSeq(join.room()));
    }

    public ServerFrame leave(String connectionId, String userId, ClientFrame.Leave leave) {
        if (!store.leave(connectionId, leave.room())) {
            return notInRoom(leave, leave.room());
        }
        announce(leave.room(), userId, ServerFrame.PresenceChange.LEFT);
        return new ServerFrame.Ack(leave.id(), "leave", null);
    }

    /** Sends to every member of the room (the sender included). Only members may send. */
    public Sent send(String connectionId, String userId, ClientFrame.Send send) {
        if (!store.isMember(connectionId, send.room())) {
            return Sent.of(notInRoom(send, send.room()));
        }
        return publish(send.room(), userId, send.data(), send.id());
    }

    /**
     * Publishes to a room on behalf of {@code from}, whether or not it holds a socket (the SQS path uses this).
     * With a {@code clientId}, a repeat within the idempotency window creates nothing and gets the first ack.
     */
    public Sent publish(String room, String from, String data, String clientId) {
        Instant now = clock.instant();
        String key = clientId == null ? null : "MSGID#" + room + "#" + from + "#" + clientId;
        if (key != null) {
            switch (idempotency.claim(key, now, now.plus(settings.idempotencyWindow()), now.minus(SENDER_DEADLINE))) {
                case IdempotencyStore.Claim.Completed done -> {
                    return Sent.of(new ServerFrame.Ack(clientId, "send", done.messageId(), done.seq()));
                }
                case IdempotencyStore.Claim.Pending pending -> {
                    return Sent.of(new ServerFrame.Error(ErrorCode.IN_PROGRESS,
                            "a send with this id is still in progress; retry", clientId));
                }
                case IdempotencyStore.Claim.Claimed claimed -> {
                    // Ours: create the message below.
                }
            }
        }
        Instant allocating = clock.instant();
        long seq = history.nextSeq(room, allocating);
        // Stamped after its seq was allocated, so a message's ts bounds the allocation time of every smaller seq.
        Instant stamped = clock.instant();
        if (stamped.isAfter(allocating.plus(STORE_BUDGET))) {
            // Too late to store it: readers may already be skipping this seq as one whose sender failed. Leave it a
            // hole; the idempotency claim stays pending until it is stale, then a retry of this id sends anew.
            return Sent.of(new ServerFrame.Error(ErrorCode.INTERNAL,
                    "the store was too slow to number this message; retry", clientId));
        }
        ServerFrame.Message message = new ServerFrame.Message(messageIds.get(), room, from, data,
                stamped.toEpochMilli(), seq);
        history.append(message, stamped.plus(settings.historyRetention()));
        if (key != null) {
            idempotency.complete(key, message.id(), seq);
        }
        BroadcastResult result = deliverToRoom(room, FrameCodec.encodeBytes(message));
        if (result.tooLarge() > 0) {
            return new Sent(new ServerFrame.Error(ErrorCode.PAYLOAD_TOO_LARGE,
                    "message exceeds the gateway's size limit for " + result.tooLarge() + " recipient(s)", clientId),
                    result);
        }
        return new Sent(new ServerFrame.Ack(clientId, "send", message.id(), seq), result);
    }

    /**
     * Posts a payload to every member of a room. With a fan-out queue and a sharded store, a room whose first
     * shard suggests at least the fan-out threshold of members is spread over workers: this call delivers shard
     * 0 itself and queues one job for each other shard; the shards the queue refuses go out from here too.
     */
    private BroadcastResult deliverToRoom(String room, byte[] payload) {
        int shards = store.shards();
        if (fanout == null || shards == 1) {
            return broadcaster.broadcast(store.members(room), payload);
        }
        List<String> members = new ArrayList<>(store.members(room, 0));
        List<FanoutQueue.Job> others = new ArrayList<>();
        for (int shard = 1; shard < shards; shard++) {
            others.add(new FanoutQueue.Job(room, shard, payload));
        }
        // Connection ids spread evenly over the shards by their hash, so the first shard stands for all of them.
        if ((long) members.size() * shards >= fanoutThreshold) {
            others = enqueue(others);
        }
        for (FanoutQueue.Job job : others) {
            members.addAll(store.members(room, job.shard()));
        }
        return broadcaster.broadcast(members, payload);
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

    /** Delivers one shard of a room's broadcast (what a fan-out worker does with a {@link FanoutQueue.Job}). */
    public BroadcastResult deliverShard(FanoutQueue.Job job) {
        if (job.shard() >= store.shards()) {
            throw new IllegalArgumentException("shard " + job.shard() + " of " + store.shards());
        }
        return broadcaster.broadcast(store.members(job.room(), job.shard()), job.payload());
    }

    /** Messages of a joined room after a position: one page, or a reset when that position is gone. */
    public ServerFrame resume(String connectionId, ClientFrame.Resume resume) {
        if (!store.isMember(connectionId, resume.room())) {
            return notInRoom(resume, resume.room());
        }
        return historyPage(resume.id(), resume.room(), resume.after());
    }

    /** Who is in a joined room, by user, with their connection counts. */
    public ServerFrame presence(String connectionId, ClientFrame.Presence presence) {
        if (!store.isMember(connectionId, presence.room())) {
            return notInRoom(presence, presence.room());
        }
        Map<String, Integer> byUser = new TreeMap<>();
        store.memberUsers(presence.room()).values().forEach(user -> byUser.merge(user, 1, Integer::sum));
        List<ServerFrame.Member> members = new ArrayList<>();
        byUser.forEach((user, count) -> members.add(new ServerFrame.Member(user, count)));
        return new ServerFrame.Presence(presence.id(), presence.room(), members);
    }

    /** Sends to every open connection of a user. */
    public Sent direct(String userId, ClientFrame.Direct direct) {
        return publishToUser(direct.user(), userId, direct.data(), direct.id());
    }

    /** Delivers a direct message to every open connection of {@code user} (the SQS path uses this too). */
    public Sent publishToUser(String user, String from, String data, String clientId) {
        ServerFrame.Direct message = new ServerFrame.Direct(messageIds.get(), from, data, clock.millis());
        BroadcastResult result = broadcaster.broadcast(store.connectionsOf(user), FrameCodec.encodeBytes(message));
        return new Sent(new ServerFrame.Ack(clientId, "direct", message.id()), result);
    }

    public ServerFrame ping(ClientFrame.Ping ping) {
        return new ServerFrame.Pong(ping.id(), clock.millis());
    }

    /** Serves any decoded client frame by its route; used where one entry point receives every action. */
    public ServerFrame dispatch(String connectionId, String userId, ClientFrame frame) {
        return switch (frame) {
            case ClientFrame.Join join -> join(connectionId, userId, join);
            case ClientFrame.Leave leave -> leave(connectionId, userId, leave);
            case ClientFrame.Send send -> send(connectionId, userId, send).reply();
            case ClientFrame.Ping ping -> ping(ping);
            case ClientFrame.Resume resume -> resume(connectionId, resume);
            case ClientFrame.Presence presence -> presence(connectionId, presence);
            case ClientFrame.Direct direct -> direct(userId, direct).reply();
        };
    }

    private ServerFrame historyPage(String id, String room, long after) {
        Instant now = clock.instant();
        RoomHistory.Counter counter = history.counter(room);
        long latest = counter.latest();
        if (after >= latest) {
            return new ServerFrame.History(id, room, List.of(), false, latest);
        }
        List<ServerFrame.Message> found = history.after(room, after, Limits.HISTORY_PAGE_SIZE, now);
        if (found.isEmpty() || found.getFirst().seq() > after + 1) {
            return missingNext(id, room, after, counter, found.isEmpty() ? null : found.getFirst(), now);
        }
        List<ServerFrame.Message> page = new ArrayList<>();
        int bytes = 0;
        for (ServerFrame.Message message : found) {
            bytes += FrameCodec.utf8Length(message.data()) + 256;
            if (!page.isEmpty() && bytes > Limits.HISTORY_PAGE_BYTES) {
                break;
            }
            page.add(message);
        }
        boolean more = page.getLast().seq() < latest;
        return new ServerFrame.History(id, room, page, more, latest);
    }

    /**
     * The message right after the client's position is not stored: its sender still has it in hand, or failed
     * between numbering and storing it, or it expired. Every missing seq was allocated before the next stored
     * message was stamped (with none stored, no later than the counter's latest allocation). While that bound is
     * younger than the sender deadline, a missing message may still come, and it reaches this connection live (the
     * connection is a member before this read, and a sender reads the members after storing): the answer is an
     * empty page, and the client asks again if it still sees a gap. Past the deadline nothing missing can come any
     * more: a reset to the last missing seq, so the client skips exactly what is gone.
     */
    private ServerFrame missingNext(String id, String room, long after, RoomHistory.Counter counter,
                                    ServerFrame.Message next, Instant now) {
        Instant allocatedBefore = next == null ? counter.allocatedAt() : Instant.ofEpochMilli(next.ts());
        if (allocatedBefore.isAfter(now.minus(SENDER_DEADLINE))) {
            return new ServerFrame.History(id, room, List.of(), false, counter.latest());
        }
        long skipTo = next == null ? counter.latest() : next.seq() - 1;
        String missing = skipTo > after + 1 ? (after + 1) + "-" + skipTo : Long.toString(skipTo);
        return new ServerFrame.Reset(id, room, skipTo, "messages " + missing
                + " are gone: older than the retained history, or their sender failed before storing them");
    }

    /** Tells a room that a user's first connection joined or last connection left, unless presence is off. */
    private void announce(String room, String userId, String event) {
        if (!settings.presenceEvents()) {
            return;
        }
        // Reads at most one row more than the cap, so a big room costs a small read, not its whole membership.
        Map<String, String> members = store.memberUsers(room, settings.presenceMaxRoomSize() + 1);
        if (members.isEmpty() || members.size() > settings.presenceMaxRoomSize()) {
            return;
        }
        long sameUser = members.values().stream().filter(userId::equals).count();
        boolean firstOrLast = event.equals(ServerFrame.PresenceChange.JOINED) ? sameUser == 1 : sameUser == 0;
        if (firstOrLast) {
            broadcaster.broadcast(members.keySet(),
                    FrameCodec.encodeBytes(new ServerFrame.PresenceChange(room, event, userId)));
        }
    }

    private static ServerFrame notInRoom(ClientFrame frame, String room) {
        return new ServerFrame.Error(ErrorCode.NOT_IN_ROOM, "not a member of room '" + room + "'", frame.id());
    }

    /** Builds a {@link Switchboard}; store, history, idempotency and broadcaster are required. */
    public static final class Builder {
        private ConnectionStore store;
        private RoomHistory history;
        private IdempotencyStore idempotency;
        private Broadcaster broadcaster;
        private Clock clock = Clock.systemUTC();
        private CoreSettings settings = CoreSettings.defaults();
        private Supplier<String> messageIds = () -> UUID.randomUUID().toString();
        private FanoutQueue fanout;
        private int fanoutThreshold = Integer.MAX_VALUE;

        private Builder() {
        }

        public Builder store(ConnectionStore value) {
            this.store = value;
            return this;
        }

        public Builder history(RoomHistory value) {
            this.history = value;
            return this;
        }

        public Builder idempotency(IdempotencyStore value) {
            this.idempotency = value;
            return this;
        }

        public Builder broadcaster(Broadcaster value) {
            this.broadcaster = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder settings(CoreSettings value) {
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        public Builder messageIds(Supplier<String> value) {
            this.messageIds = Objects.requireNonNull(value, "messageIds");
            return this;
        }

        /**
         * Spreads broadcasts to rooms of at least {@code threshold} members over fan-out workers, one job per
         * shard of the store (so only with a store of more than one shard).
         */
        public Builder fanout(FanoutQueue queue, int threshold) {
            if (threshold < 1) {
                throw new IllegalArgumentException("fan-out threshold must be at least 1");
            }
            fanout = Objects.requireNonNull(queue, "queue");
            fanoutThreshold = threshold;
            return this;
        }

        public Switchboard build() {
            return new Switchboard(this);
        }
    }
}
