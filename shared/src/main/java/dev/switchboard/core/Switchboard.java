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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Switchboard's use cases, one method each: the Lambda handlers (and anything else that holds an event) parse
 * their input, call one of these and map the result to a reply. Every client-facing failure comes back as an
 * {@code error} frame, not an exception.
 *
 * <p>Authorization: each frame reads its connection's record once; the record holds the token's grant (checked
 * for expiry on every frame) and the rights in each joined room, decided by the {@link RoomPolicy} at join (and
 * at refresh). So deciding costs no call beyond the read the route makes anyway. What the server side does
 * ({@link #publish}, {@link #publishToUser}, {@link #addMember}, {@link #removeMember}, {@link #closeUser} and the
 * rest, for the publish queue and the server library) is trusted and not checked against any token.
 *
 * <pre>{@code
 * Switchboard switchboard = Switchboard.builder()
 *         .store(store).history(history).idempotency(idempotency).broadcaster(broadcaster)
 *         .build();
 * switchboard.connect("abc=", "user-1", "203.0.113.9", grant);
 * ServerFrame reply = switchboard.join("abc=", new ClientFrame.Join("1", "lobby"));   // ack, or FORBIDDEN
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

    /**
     * Marks a direct message's target in its idempotency key: {@code @} cannot start a room name, so a user's key
     * never meets a room's.
     */
    private static final String DIRECT_TARGET = "@";

    /** Tries of a read-decide-write (join, refresh) that found the connection changed under it. */
    private static final int MAX_ATTEMPTS = 3;

    private static final Logger LOG = Logger.getLogger(Switchboard.class.getName());

    private final ConnectionStore store;
    private final RoomHistory history;
    private final IdempotencyStore idempotency;
    /** Posts to rooms and users; hands recipients it cannot reach now to the fan-out queue when there is one. */
    private final Broadcaster broadcaster;
    /**
     * Posts what is not a message: presence events (a member who misses one can ask for presence) and a last notice
     * to a connection about to be closed. What still fails after the retries is counted, not tried again later.
     */
    private final Broadcaster notices;
    private final Clock clock;
    private final CoreSettings settings;
    private final Supplier<String> messageIds;
    private final FanoutQueue fanout;
    private final int fanoutThreshold;
    private final RoomPolicy policy;
    private final ConnectionCloser closer;
    private final ConnectionProbe probe;
    private final Quotas quotas;
    private final FrameGuard guard = new FrameGuard();
    private final Hooks hooks;

    private Switchboard(Builder builder) {
        this.store = Objects.requireNonNull(builder.store, "store");
        this.history = Objects.requireNonNull(builder.history, "history");
        this.idempotency = Objects.requireNonNull(builder.idempotency, "idempotency");
        this.notices = Objects.requireNonNull(builder.broadcaster, "broadcaster");
        this.broadcaster = builder.fanout == null ? notices : notices.deferringTo(builder.fanout);
        this.clock = builder.clock;
        this.settings = builder.settings;
        this.messageIds = builder.messageIds;
        this.fanout = builder.fanout;
        this.fanoutThreshold = builder.fanoutThreshold;
        this.policy = builder.policy;
        this.closer = builder.closer != null ? builder.closer : connectionId -> {
        };
        this.probe = builder.probe;
        this.quotas = settings.quotas();
        this.hooks = builder.hooks;
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

    /** What {@code $connect} came to. */
    public sealed interface Connected {
        /** Registered: the handshake may complete. */
        record Accepted(Connection connection) implements Connected {
        }

        /** The user already holds {@code open} connections, the most {@link Quotas#connectionsPerUser()} allows. */
        record TooManyConnections(int open, int limit) implements Connected {
        }

        /** The application's onConnect hook refused the connection, for this reason. */
        record Denied(String reason) implements Connected {
        }

        /** The onConnect hook did not decide (timed out, failed): refused, and a later attempt may pass. */
        record HookFailed(String reason) implements Connected {
        }
    }

    /** What {@code $disconnect} came to. */
    public record Disconnected(Set<String> rooms, int roomsNotTold) {
        public Disconnected {
            rooms = Set.copyOf(rooms);
        }
    }

    /** {@code $connect} of a stack without authentication: no capabilities, no token expiry. */
    public Connected connect(String connectionId, String userId, String sourceIp) {
        return connect(connectionId, userId, sourceIp, Grant.NONE);
    }

    /**
     * {@code $connect}: remembers the connection under the identity and grant the authorizer established, unless the
     * user already holds as many connections as a user may. At that limit, listed connections are probed and those
     * found gone are pruned first. The count is read before the write, so handshakes of one user arriving at the
     * same instant may pass the limit by a few; it bounds a client's cost, it is not an exact ceiling.
     */
    public Connected connect(String connectionId, String userId, String sourceIp, Grant grant) {
        List<RoomMember> open = store.userConnections(userId);
        int limit = quotas.connectionsPerUser();
        if (open.size() >= limit) {
            long stillOpen = open.stream().filter(listed -> !prunedIfGone(listed.connectionId())).count();
            if (stillOpen >= limit) {
                return new Connected.TooManyConnections((int) stillOpen, limit);
            }
        }
        String attributes = null;
        if (hooks.hasOnConnect()) {
            switch (hooks.onConnect(connectionId, userId, sourceIp, grant)) {
                case HookDecision.Deny denied -> {
                    return new Connected.Denied(denied.reason());
                }
                case HookDecision.Fail failed -> {
                    return new Connected.HookFailed(failed.reason());
                }
                case HookDecision.Allow allowed -> attributes = allowed.attributes();
            }
        }
        Instant now = clock.instant();
        Connection connection = new Connection(connectionId, userId, now, sourceIp,
                now.plus(settings.connectionTtl()), grant, Map.of(), 0, attributes);
        store.register(connection);
        return new Connected.Accepted(connection);
    }

    /** Whether the listed connection was found gone (and so pruned, as a post that met a 410 would prune it). */
    private boolean prunedIfGone(String connectionId) {
        if (probe == null || !probe.isGone(connectionId)) {
            return false;
        }
        store.remove(connectionId);
        return true;
    }

    /**
     * {@code $disconnect}: forgets the connection and its memberships (idempotent) and tells each room when the
     * user's last connection in it left, within {@link Quotas#presencePostsPerDisconnect()} posts in all: rooms past
     * that are not told, and counted.
     */
    public Disconnected disconnect(String connectionId) {
        Optional<Connection> gone = store.forget(connectionId);
        if (gone.isEmpty()) {
            return new Disconnected(Set.of(), 0);
        }
        Set<String> rooms = gone.get().rooms().keySet();
        return new Disconnected(rooms, announceLeaving(rooms, gone.get().userId()));
    }

    /** Tells each room the user left, within the per-disconnect budget of posts; returns the rooms not told. */
    private int announceLeaving(Collection<String> rooms, String userId) {
        int budget = quotas.presencePostsPerDisconnect();
        int notTold = 0;
        for (String room : rooms) {
            int posted = announce(room, userId, ServerFrame.PresenceChange.LEFT, budget);
            if (posted < 0) {
                notTold++;
            } else {
                budget -= posted;
            }
        }
        return notTold;
    }

    /**
     * Joins a room, with the rights the policy gives the connection's grant there; with {@code after}, which needs
     * the history right, the reply is the history after that position (or a reset).
     */
    public ServerFrame join(String connectionId, ClientFrame.Join join) {
        Checked checked = check(connectionId, join.id());
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        Connection connection = checked.connection();
        HookDecision hooked = null;
        for (int attempt = 1; ; attempt++) {
            Rights rights = policy.rights(connection.userId(), connection.grant().capabilities(), join.room());
            if (asksOnJoin(connection, join.room())) {
                hooked = hooked != null ? hooked : hooks.onJoin(connection, join.room(), rights);
                switch (hooked) {
                    case HookDecision.Deny denied -> {
                        return new ServerFrame.Error(ErrorCode.FORBIDDEN,
                                "not allowed to join room '" + join.room() + "': " + denied.reason(), join.id());
                    }
                    case HookDecision.Fail failed -> {
                        return hookFailed(join, "join");
                    }
                    case HookDecision.Allow allowed -> rights = admittedByHook(rights, allowed.rights());
                }
            } else if (!rights.allows(RoomAction.JOIN)) {
                return forbidden(join, RoomAction.JOIN, join.room());
            }
            if (join.after() != null && !rights.allows(RoomAction.HISTORY)) {
                return forbidden(join, RoomAction.HISTORY, join.room());
            }
            JoinResult result = connection.isIn(join.room()) ? JoinResult.ALREADY_MEMBER
                    : store.join(connection, join.room(), rights, settings.maxRooms());
            switch (result) {
                case UNKNOWN_CONNECTION -> {
                    return unknownConnection(join);
                }
                case TOO_MANY_ROOMS -> {
                    return new ServerFrame.Error(ErrorCode.TOO_MANY_ROOMS,
                            "a connection may be in at most " + settings.maxRooms() + " rooms", join.id());
                }
                case CHANGED -> {
                    Optional<Connection> reread = store.find(connectionId);
                    if (reread.isEmpty()) {
                        return unknownConnection(join);
                    }
                    if (attempt == MAX_ATTEMPTS) {
                        return busy(join);
                    }
                    connection = reread.get();
                    continue;
                }
                case JOINED, ALREADY_MEMBER -> {
                    // Re-joining is harmless: answered as a first join, but announced to nobody.
                }
            }
            // After the membership is written: a message numbered after this counter reaches the joiner live.
            boolean joined = result == JoinResult.JOINED;
            RoomView room = store.view(join.room(), joined ? presenceListing() : -1, history, clock.instant());
            if (joined) {
                tell(join.room(), connection.userId(), ServerFrame.PresenceChange.JOINED, Integer.MAX_VALUE,
                        room.members());
            }
            if (join.after() != null) {
                return historyPage(join.id(), join.room(), join.after(), room.counter());
            }
            return new ServerFrame.Ack(join.id(), "join", null, room.counter().latest());
        }
    }

    /**
     * Whether a join is for the onJoin hook to decide: one is configured, the connection is not a member yet (a
     * membership keeps the decision), and the room is nobody's personal room (those are their owner's alone).
     */
    private boolean asksOnJoin(Connection connection, String room) {
        return hooks.hasOnJoin() && !connection.isIn(room) && Limits.personalRoomOwner(room).isEmpty();
    }

    /**
     * The rights of a membership the onJoin hook admitted: what the token grants in the room and what the hook
     * grants, without {@link RoomAction#JOIN}. The application decided it, so a token {@code refresh} keeps it as
     * it is, as it keeps memberships the server made ({@link #addMember}).
     */
    private static Rights admittedByHook(Rights token, Rights granted) {
        java.util.EnumSet<RoomAction> actions = java.util.EnumSet.noneOf(RoomAction.class);
        actions.addAll(token.union(granted).actions());
        actions.remove(RoomAction.JOIN);
        return new Rights(actions);
    }

    private static ServerFrame hookFailed(ClientFrame frame, String action) {
        return new ServerFrame.Error(ErrorCode.HOOK_FAILED, "the application could not decide on this " + action
                + " in time; retry", frame.id());
    }

    public ServerFrame leave(String connectionId, ClientFrame.Leave leave) {
        Checked checked = check(connectionId, leave.id());
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        if (!store.leave(connectionId, leave.room())) {
            return notInRoom(leave, leave.room());
        }
        announce(leave.room(), checked.connection().userId(), ServerFrame.PresenceChange.LEFT);
        return new ServerFrame.Ack(leave.id(), "leave", null);
    }

    /**
     * Sends to every member of the room (the sender included). Only members with the send right may send; the
     * frame's admission (quota, membership, right, token expiry) and its id's claim are one store step.
     */
    public Sent send(String connectionId, String userId, ClientFrame.Send send) {
        Instant now = clock.instant();
        ServerFrame limited = limitedEarlier(connectionId, send.id(), now);
        if (limited != null) {
            return Sent.of(limited);
        }
        IdempotencyStore.SendKey key = send.id() == null ? null
                : new IdempotencyStore.SendKey(send.room(), userId, send.id());
        // With an onSend hook, the id is claimed only once the hook let the message go: a refused message must not
        // hold its id, or its retry would find it in progress.
        IdempotencyStore.Claiming claiming = key == null || hooks.hasOnSend() ? null : claiming(key, now);
        switch (store.admitSend(connectionId, send.room(), now, quotas, idempotency, claiming)) {
            case SendAdmission.Refused refused -> {
                return Sent.of(switch (refused.reason()) {
                    case UNKNOWN_CONNECTION -> unknownConnection(send);
                    case NOT_IN_ROOM -> notInRoom(send, send.room());
                    case FORBIDDEN -> forbidden(send, RoomAction.SEND, send.room());
                    case TOKEN_EXPIRED -> expired(connectionId, refused.tokenExpiredAt(), send.id());
                    case RATE_LIMITED -> limited(connectionId, send.id(), now, refused.retryAfter());
                });
            }
            case SendAdmission.Admitted admitted -> {
                if (!hooks.hasOnSend()) {
                    return create(send.room(), userId, send.data(), send.id(), key, admitted.claim());
                }
                String data = send.data();
                switch (hooks.onSend(connectionId, userId, send.room(), send.id(), data)) {
                    case HookDecision.Deny denied -> {
                        return Sent.of(new ServerFrame.Error(ErrorCode.FORBIDDEN,
                                "not allowed to send in room '" + send.room() + "': " + denied.reason(), send.id()));
                    }
                    case HookDecision.Fail failed -> {
                        return Sent.of(hookFailed(send, "send"));
                    }
                    case HookDecision.Allow allowed -> data = allowed.data() != null ? allowed.data() : data;
                }
                IdempotencyStore.Claim claim = key == null ? new IdempotencyStore.Claim.Claimed()
                        : idempotency.claim(claiming(key, now));
                return create(send.room(), userId, data, send.id(), key, claim);
            }
        }
    }

    /**
     * Publishes to a room on behalf of {@code from}, whether or not it holds a socket (the SQS path uses this).
     * With a {@code clientId}, a repeat within the idempotency window creates nothing and gets the first ack.
     */
    public Sent publish(String room, String from, String data, String clientId) {
        IdempotencyStore.SendKey key = clientId == null ? null : new IdempotencyStore.SendKey(room, from, clientId);
        IdempotencyStore.Claim claim = key == null ? new IdempotencyStore.Claim.Claimed()
                : idempotency.claim(claiming(key, clock.instant()));
        return create(room, from, data, clientId, key, claim);
    }

    private IdempotencyStore.Claiming claiming(IdempotencyStore.SendKey key, Instant now) {
        return new IdempotencyStore.Claiming(key, now, now.plus(settings.idempotencyWindow()),
                now.minus(SENDER_DEADLINE));
    }

    /** Creates the message a claimed send (or a send without id) asks for, or answers the claim's earlier outcome. */
    private Sent create(String room, String from, String data, String clientId, IdempotencyStore.SendKey key,
                        IdempotencyStore.Claim claim) {
        switch (claim) {
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
        Instant expiresAt = stamped.plus(settings.historyRetention());
        if (key == null) {
            history.append(message, expiresAt);
        } else {
            history.append(message, expiresAt, idempotency, key);
        }
        BroadcastResult result = deliverToRoom(room, FrameCodec.encodeBytes(message));
        if (result.tooLarge() > 0) {
            return new Sent(new ServerFrame.Error(ErrorCode.PAYLOAD_TOO_LARGE,
                    "message exceeds the gateway's size limit for " + result.tooLarge() + " recipient(s)", clientId),
                    result);
        }
        return new Sent(new ServerFrame.Ack(clientId, "send", message.id(), seq, null, List.of(), result.deferred()),
                result);
    }

    /**
     * Posts a payload to every member of a room. With a fan-out queue, a room of at least the fan-out threshold of
     * members is spread over workers: with a sharded store this call delivers shard 0 itself and queues one job for
     * each other shard (the first shard stands for all, as connection ids spread evenly by their hash); with one
     * shard it delivers the first {@link Broadcaster#JOB_SIZE} members itself and queues the rest in jobs of that
     * size. Whatever the queue refuses goes out from here too.
     */
    private BroadcastResult deliverToRoom(String room, byte[] payload) {
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

    private List<String> live(List<RoomMember> members) {
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

    /**
     * Does one job of the fan-out queue (what a fan-out worker does): posts to the live members of a shard, or to
     * named connections, handing on to the queue once more those it cannot reach yet.
     */
    public BroadcastResult deliver(FanoutQueue.Job job) {
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

    /** Messages of a joined room after a position (history right): one page, or a reset when that position is gone. */
    public ServerFrame resume(String connectionId, ClientFrame.Resume resume) {
        Checked checked = checkIn(connectionId, resume, resume.room(), RoomAction.HISTORY);
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        return historyPage(resume.id(), resume.room(), resume.after(), history.counter(resume.room()));
    }

    /**
     * Who is in a joined room (presence right), by user, with their connection counts: one page of at most
     * {@link Limits#PRESENCE_PAGE_SIZE} connections, from the start or from the frame's cursor, with a cursor for the
     * next page when there is one. Every page is checked like the first, and a cursor that is not one this room's
     * presence gave out is refused.
     */
    public ServerFrame presence(String connectionId, ClientFrame.Presence presence) {
        Checked checked = checkIn(connectionId, presence, presence.room(), RoomAction.PRESENCE);
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        PresenceCursor from = PresenceCursor.START;
        if (presence.cursor() != null) {
            Optional<PresenceCursor> read = PresenceCursor.decode(presence.room(), presence.cursor(), store.shards());
            if (read.isEmpty()) {
                return new ServerFrame.Error(ErrorCode.INVALID_FIELD, "cursor is not one that presence gave out for "
                        + "room '" + presence.room() + "'; ask again without a cursor", presence.id());
            }
            from = read.get();
        }
        return presencePage(presence.id(), presence.room(), from);
    }

    /** A member as one presence page read it: with the shard it came from, which the next page's cursor needs. */
    private record Listed(int shard, RoomMember member) {
    }

    /**
     * One page of presence from a position: the next {@link Limits#PRESENCE_PAGE_SIZE} members in shard order, then
     * in each shard's own order. It reads one member more than the page holds, so a page tells whether another
     * follows and the last page says it is the last. Members whose token expired take a place on the page but are
     * not listed, as they get nothing from the room any more.
     */
    private ServerFrame presencePage(String id, String room, PresenceCursor from) {
        int pageSize = Limits.PRESENCE_PAGE_SIZE;
        List<Listed> read = new ArrayList<>();
        int shard = from.shard();
        String after = from.after();
        while (shard < store.shards() && read.size() <= pageSize) {
            int wanted = pageSize + 1 - read.size();
            List<RoomMember> found = store.membersAfter(room, shard, after, wanted);
            for (RoomMember member : found.subList(0, Math.min(found.size(), wanted))) {
                read.add(new Listed(shard, member));
            }
            if (found.size() < wanted) {
                shard++;
                after = null;
            }
        }
        String cursor = null;
        if (read.size() > pageSize) {
            Listed last = read.get(pageSize - 1);
            Listed next = read.get(pageSize);
            cursor = (next.shard() == last.shard() ? new PresenceCursor(last.shard(), last.member().connectionId())
                    : new PresenceCursor(next.shard(), null)).encode(room);
        }
        Instant now = clock.instant();
        Map<String, Integer> byUser = new TreeMap<>();
        read.subList(0, Math.min(read.size(), pageSize)).stream().map(Listed::member)
                .filter(member -> member.liveAt(now))
                .forEach(member -> byUser.merge(member.userId(), 1, Integer::sum));
        List<ServerFrame.Member> members = new ArrayList<>();
        byUser.forEach((user, count) -> members.add(new ServerFrame.Member(user, count)));
        return new ServerFrame.Presence(id, room, members, cursor);
    }

    /** Sends to every open connection of a user the connection's grant lets it message. */
    public Sent direct(String connectionId, ClientFrame.Direct direct) {
        Checked checked = check(connectionId, direct.id());
        if (checked.refusal() != null) {
            return Sent.of(checked.refusal());
        }
        Connection connection = checked.connection();
        if (!policy.mayDirect(connection.userId(), connection.grant().capabilities(), direct.user())) {
            return Sent.of(new ServerFrame.Error(ErrorCode.FORBIDDEN,
                    "not allowed to send direct messages to user '" + direct.user() + "'", direct.id()));
        }
        return publishToUser(direct.user(), connection.userId(), direct.data(), direct.id());
    }

    /**
     * Delivers a direct message to every open connection of {@code user} (the SQS path uses this too). With a
     * {@code clientId}, a repeat within the idempotency window delivers nothing new and gets the first ack.
     */
    public Sent publishToUser(String user, String from, String data, String clientId) {
        IdempotencyStore.SendKey key = clientId == null ? null
                : new IdempotencyStore.SendKey(DIRECT_TARGET + user, from, clientId);
        if (key != null) {
            switch (idempotency.claim(claiming(key, clock.instant()))) {
                case IdempotencyStore.Claim.Completed done -> {
                    return Sent.of(new ServerFrame.Ack(clientId, "direct", done.messageId()));
                }
                case IdempotencyStore.Claim.Pending pending -> {
                    return Sent.of(new ServerFrame.Error(ErrorCode.IN_PROGRESS,
                            "a direct message with this id is still in progress; retry", clientId));
                }
                case IdempotencyStore.Claim.Claimed claimed -> {
                    // Ours: deliver it below.
                }
            }
        }
        ServerFrame.Direct message = new ServerFrame.Direct(messageIds.get(), from, data, clock.millis());
        BroadcastResult result = broadcaster.broadcast(live(store.userConnections(user)),
                FrameCodec.encodeBytes(message));
        if (key != null) {
            complete(key, message.id());
        }
        return new Sent(new ServerFrame.Ack(clientId, "direct", message.id(), null, null, List.of(),
                result.deferred()), result);
    }

    /**
     * Records a delivered direct message under its idempotency key, trying a few times: the message is out, so a
     * failure here must not become an error (the client would send it again). Should every try fail, the claim
     * stays pending until it is stale, and only a retry after that could deliver the message twice.
     */
    private void complete(IdempotencyStore.SendKey key, String messageId) {
        for (int attempt = 1; ; attempt++) {
            try {
                idempotency.complete(key, messageId, 0);
                return;
            } catch (RuntimeException e) {
                if (attempt == MAX_ATTEMPTS) {
                    LOG.log(Level.WARNING, "could not record direct message " + messageId + " as sent: " + e);
                    return;
                }
            }
        }
    }

    /**
     * What a member the server makes may do in the room unless the server says otherwise: besides receiving its
     * messages, read what it missed ({@code resume}).
     */
    public static final Rights DEFAULT_MEMBER_RIGHTS = Rights.of(RoomAction.HISTORY);

    /** {@link #addMember(String, String, Rights)} with {@link #DEFAULT_MEMBER_RIGHTS}. */
    public List<MemberChange> addMember(String userId, String room) {
        return addMember(userId, room, DEFAULT_MEMBER_RIGHTS);
    }

    /**
     * Makes every open connection of {@code userId} a member of {@code room}, whatever its token says: the server
     * side is trusted. Each membership is written exactly as a client's {@code join} writes it (the membership row
     * and the room on the connection's record in one transaction, within the connection's room limit) and announced
     * the same way. Connections the user opens later are not joined.
     *
     * <p>{@code rights} are what the member may do in the room besides receiving its messages, and never include
     * {@link RoomAction#JOIN}: a membership without it is one the server made, so a token {@code refresh} keeps it
     * as it is (the token has no say in it), where it re-decides every membership the client made.
     *
     * @return one change per connection the user had open
     * @throws IllegalArgumentException for an invalid user id or room name, or rights that include {@code join}
     */
    public List<MemberChange> addMember(String userId, String room, Rights rights) {
        requireUser(userId);
        requireRoom(room);
        Objects.requireNonNull(rights, "rights");
        if (rights.allows(RoomAction.JOIN)) {
            throw new IllegalArgumentException("rights of a membership the server makes cannot include 'join': "
                    + "whether a connection may join by itself is its token's business");
        }
        List<MemberChange> changes = new ArrayList<>();
        for (RoomMember listed : store.userConnections(userId)) {
            JoinResult joined = store.join(listed.connectionId(), room, rights, settings.maxRooms());
            if (joined == JoinResult.JOINED) {
                announce(room, userId, ServerFrame.PresenceChange.JOINED);
            }
            changes.add(new MemberChange(listed.connectionId(), switch (joined) {
                case JOINED -> MemberChange.Outcome.JOINED;
                case ALREADY_MEMBER -> MemberChange.Outcome.ALREADY_MEMBER;
                case TOO_MANY_ROOMS -> MemberChange.Outcome.TOO_MANY_ROOMS;
                case UNKNOWN_CONNECTION -> MemberChange.Outcome.GONE;
                case CHANGED -> MemberChange.Outcome.BUSY;
            }));
        }
        return changes;
    }

    /**
     * Takes every open connection of {@code userId} out of {@code room}, however it joined, as a client's
     * {@code leave} would; the room is told when the user's last connection left it.
     *
     * @return one change per connection the user had open
     * @throws IllegalArgumentException for an invalid user id or room name
     */
    public List<MemberChange> removeMember(String userId, String room) {
        requireUser(userId);
        requireRoom(room);
        List<MemberChange> changes = new ArrayList<>();
        for (RoomMember listed : store.userConnections(userId)) {
            boolean left = store.leave(listed.connectionId(), room);
            if (left) {
                announce(room, userId, ServerFrame.PresenceChange.LEFT);
            }
            changes.add(new MemberChange(listed.connectionId(),
                    left ? MemberChange.Outcome.LEFT : MemberChange.Outcome.NOT_A_MEMBER));
        }
        return changes;
    }

    /**
     * Closes a connection from the server side. Once the gateway has closed it, or found it gone already, its
     * records are removed and its rooms told, as its {@code $disconnect} would (which then finds nothing more to
     * do); when the close failed they are kept, so that a retry finds the connection again.
     *
     * @throws IllegalArgumentException for an invalid connection id
     */
    public Closed closeConnection(String connectionId) {
        if (!Limits.isValidConnectionId(connectionId)) {
            throw new IllegalArgumentException("invalid connection id: 1-" + Limits.MAX_CONNECTION_ID_LENGTH
                    + " characters of letters, digits, + / = _ -");
        }
        CloseOutcome outcome = closer.attemptClose(connectionId);
        if (outcome != CloseOutcome.FAILED) {
            disconnect(connectionId);
        }
        return new Closed(connectionId, outcome);
    }

    /**
     * Closes every open connection of a user ({@link #closeConnection} for each).
     *
     * @return one outcome per connection the user had open
     * @throws IllegalArgumentException for an invalid user id
     */
    public List<Closed> closeUser(String userId) {
        requireUser(userId);
        return store.userConnections(userId).stream().map(listed -> closeConnection(listed.connectionId()))
                .toList();
    }

    /**
     * Who is in a room, for the server side (no membership or right needed): by user, with their open connections
     * there, leaving out connections whose token expired (they get nothing more).
     *
     * @throws IllegalArgumentException for an invalid room name
     */
    public List<ServerFrame.Member> roomPresence(String room) {
        requireRoom(room);
        Map<String, Integer> byUser = new TreeMap<>();
        Instant now = clock.instant();
        store.roomMembers(room, Integer.MAX_VALUE).stream().filter(member -> member.liveAt(now))
                .forEach(member -> byUser.merge(member.userId(), 1, Integer::sum));
        List<ServerFrame.Member> members = new ArrayList<>();
        byUser.forEach((user, count) -> members.add(new ServerFrame.Member(user, count)));
        return members;
    }

    /**
     * A room's stored messages after a position, for the server side (no membership or right needed): at most
     * {@code limit} ({@value Limits#HISTORY_PAGE_SIZE} at most), ascending by seq, and the room's latest seq in
     * {@link ServerFrame.History#seq()}, so the caller pages on from the last one until it reaches it. A seq missing
     * from a page is a message that expired, or whose sender failed before storing it.
     *
     * @throws IllegalArgumentException for an invalid room name, a negative position or a limit out of range
     */
    public ServerFrame.History roomHistory(String room, long after, int limit) {
        requireRoom(room);
        if (after < 0) {
            throw new IllegalArgumentException("after must be 0 or more, was " + after);
        }
        if (limit < 1 || limit > Limits.HISTORY_PAGE_SIZE) {
            throw new IllegalArgumentException("limit must be between 1 and " + Limits.HISTORY_PAGE_SIZE + ", was "
                    + limit);
        }
        long latest = history.latestSeq(room);
        List<ServerFrame.Message> page = after >= latest ? List.of()
                : history.after(room, after, limit, clock.instant());
        boolean more = !page.isEmpty() && page.getLast().seq() < latest;
        return new ServerFrame.History(null, room, page, more, latest);
    }

    private static void requireUser(String userId) {
        if (!Limits.isValidUser(userId)) {
            throw new IllegalArgumentException("invalid user id: 1-" + Limits.MAX_USER_LENGTH
                    + " characters, no control characters");
        }
    }

    private static void requireRoom(String room) {
        if (!Limits.isValidRoom(room)) {
            throw new IllegalArgumentException("invalid room name: 1-" + Limits.MAX_ROOM_LENGTH
                    + " characters of letters, digits, _ . : - ~");
        }
    }

    /** Answers with server time, once the connection is known and its token still valid. */
    public ServerFrame ping(String connectionId, ClientFrame.Ping ping) {
        Checked checked = check(connectionId, ping.id());
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        return new ServerFrame.Pong(ping.id(), clock.millis());
    }

    /**
     * {@code refresh}, once the handler has verified the new token exactly as at {@code $connect}: the token must
     * be for the connection's own user; its grant replaces the connection's, and the rights in every room it joined
     * itself are decided anew. Rooms the new grant does not let it join are left (and listed in the ack); rooms the
     * server made it a member of ({@link #addMember}) stay as they are. Allowed after the old token
     * expired: a fresh token for the same user is exactly what that connection lacked.
     */
    public ServerFrame refresh(String connectionId, ClientFrame.Refresh refresh, String tokenUserId, Grant grant) {
        Checked admitted = admitFrame(connectionId, refresh.id());
        if (admitted.refusal() != null) {
            return admitted.refusal();
        }
        Optional<Connection> found = Optional.of(admitted.connection());
        for (int attempt = 1; ; attempt++) {
            if (found.isEmpty()) {
                return unknownConnection(refresh);
            }
            Connection connection = found.get();
            if (!connection.userId().equals(tokenUserId)) {
                return refusedRefresh(connection, refresh, "the token is for another user than this connection's");
            }
            if (grant.expiredAt(clock.instant())) {
                return refusedRefresh(connection, refresh, "the token has already expired");
            }
            Map<String, Rights> kept = new HashMap<>();
            List<String> revoked = new ArrayList<>();
            connection.rooms().keySet().stream().sorted().forEach(room -> {
                Rights held = connection.rightsIn(room);
                if (!held.allows(RoomAction.JOIN)) {
                    // The server made this membership (addMember): the token has no say in it.
                    kept.put(room, held);
                    return;
                }
                Rights rights = policy.rights(connection.userId(), grant.capabilities(), room);
                if (rights.allows(RoomAction.JOIN)) {
                    kept.put(room, rights);
                } else {
                    revoked.add(room);
                }
            });
            switch (store.regrant(connection, grant, kept)) {
                case UNKNOWN_CONNECTION -> {
                    return unknownConnection(refresh);
                }
                case CHANGED -> {
                    if (attempt == MAX_ATTEMPTS) {
                        return busy(refresh);
                    }
                    found = store.find(connectionId);
                    continue;
                }
                default -> {
                }
            }
            announceLeaving(revoked, connection.userId());
            Long exp = grant.expiresAt() == null ? null : grant.expiresAt().getEpochSecond();
            return new ServerFrame.Ack(refresh.id(), "refresh", null, null, exp, revoked);
        }
    }

    /**
     * A {@code refresh} whose token failed verification: nothing changes, and a connection whose own token has
     * expired meanwhile is closed (a refused refresh must not keep it alive).
     */
    public ServerFrame refuseRefresh(String connectionId, ClientFrame.Refresh refresh, String reason) {
        Checked admitted = admitFrame(connectionId, refresh.id());
        if (admitted.refusal() != null) {
            return admitted.refusal();
        }
        return refusedRefresh(admitted.connection(), refresh, reason);
    }

    private ServerFrame refusedRefresh(Connection connection, ClientFrame.Refresh refresh, String reason) {
        if (connection.grant().expiredAt(clock.instant())) {
            return expired(connection.connectionId(), connection.grant().expiresAt(), refresh.id());
        }
        return new ServerFrame.Error(ErrorCode.FORBIDDEN, "refresh refused: " + reason, refresh.id());
    }

    /**
     * Answers a frame no route could serve (malformed, unknown action, wrong route) with {@code error}, once it has
     * counted against its connection's quota and the connection's token was checked: such frames cost quota like any
     * other, and one from a connection whose token expired closes it instead.
     */
    public ServerFrame refuse(String connectionId, ServerFrame.Error error) {
        Checked checked = check(connectionId, error.id());
        // An unknown connection learns more from what was wrong with its frame.
        return checked.refusal() instanceof ServerFrame.Error refusal && refusal.code() != ErrorCode.UNKNOWN_CONNECTION
                ? refusal : error;
    }

    /**
     * Admits a frame for a route the core does not serve itself (an application route) exactly as its own routes
     * admit theirs: a known connection, within its frame quota, its token not expired (an expired one is closed).
     *
     * @return the connection, or the refusal to answer the frame with
     */
    public FrameAdmission admit(String connectionId, String frameId) {
        Checked checked = check(connectionId, frameId);
        return checked.refusal() != null ? new FrameAdmission.Refused(checked.refusal())
                : new FrameAdmission.Admitted(checked.connection());
    }

    /** Serves any decoded client frame by its route; used where one entry point receives every action. */
    public ServerFrame dispatch(String connectionId, String userId, ClientFrame frame) {
        return switch (frame) {
            case ClientFrame.Join join -> join(connectionId, join);
            case ClientFrame.Leave leave -> leave(connectionId, leave);
            case ClientFrame.Send send -> send(connectionId, userId, send).reply();
            case ClientFrame.Ping ping -> ping(connectionId, ping);
            case ClientFrame.Resume resume -> resume(connectionId, resume);
            case ClientFrame.Presence presence -> presence(connectionId, presence);
            case ClientFrame.Direct direct -> direct(connectionId, direct).reply();
            // Its token must be verified first, which only the refresh route's handler can do.
            case ClientFrame.Refresh refresh -> new ServerFrame.Error(ErrorCode.UNKNOWN_ACTION,
                    "refresh is served by its own route", refresh.id());
        };
    }

    /** The connection a frame came from, or the reply that refuses the frame. */
    private record Checked(Connection connection, ServerFrame refusal) {
    }

    /** The frame's connection, admitted within its quota and with a token still valid; an expired one is closed. */
    private Checked check(String connectionId, String frameId) {
        Checked admitted = admitFrame(connectionId, frameId);
        if (admitted.refusal() != null) {
            return admitted;
        }
        Grant grant = admitted.connection().grant();
        if (grant.expiredAt(clock.instant())) {
            return new Checked(admitted.connection(), expired(connectionId, grant.expiresAt(), frameId));
        }
        return admitted;
    }

    /** The frame's connection, known and within its frame quota (its token not checked). */
    private Checked admitFrame(String connectionId, String frameId) {
        Instant now = clock.instant();
        ServerFrame limited = limitedEarlier(connectionId, frameId, now);
        if (limited != null) {
            return new Checked(null, limited);
        }
        return switch (store.admit(connectionId, now, quotas)) {
            case Admission.Unknown unknown -> new Checked(null, unknownConnection(frameId));
            case Admission.Limited over -> new Checked(null, limited(connectionId, frameId, now, over.retryAfter()));
            case Admission.Admitted admitted -> new Checked(admitted.connection(), null);
        };
    }

    /** As {@link #check}, and the connection is in the room with the right to do {@code action} there. */
    private Checked checkIn(String connectionId, ClientFrame frame, String room, RoomAction action) {
        Checked checked = check(connectionId, frame.id());
        if (checked.refusal() != null) {
            return checked;
        }
        if (!checked.connection().isIn(room)) {
            return new Checked(checked.connection(), notInRoom(frame, room));
        }
        if (!checked.connection().rightsIn(room).allows(action)) {
            return new Checked(checked.connection(), forbidden(frame, action, room));
        }
        return checked;
    }

    /** The refusal for a connection this process already refused in the current window, without a store call. */
    private ServerFrame limitedEarlier(String connectionId, String frameId, Instant now) {
        if (!guard.refusedIn(connectionId, quotas.frameWindowOf(now))) {
            return null;
        }
        return limited(connectionId, frameId, now, quotas.untilNextWindow(now));
    }

    /**
     * The refusal of a frame over the connection's quota. One refused a whole burst's worth of times in one window
     * keeps sending regardless: it is told why and disconnected.
     */
    private ServerFrame limited(String connectionId, String frameId, Instant now, Duration retryAfter) {
        int refused = guard.refuse(connectionId, quotas.frameWindowOf(now));
        if (refused >= quotas.frameBurst()) {
            guard.forget(connectionId);
            return closeWith(connectionId, new ServerFrame.Error(ErrorCode.RATE_LIMITED,
                    "closing the connection: it kept sending past its quota of " + quotas.frameBurst()
                            + " frames per " + quotas.frameWindow().toMillis() + " ms", frameId,
                    retryAfter.toMillis()));
        }
        return new ServerFrame.Error(ErrorCode.RATE_LIMITED, "more than " + quotas.frameBurst() + " frames in "
                + quotas.frameWindow().toMillis() + " ms; retry after the window", frameId, retryAfter.toMillis());
    }

    /**
     * The reply to a frame that came after the connection's token expired. The connection is closed, so the reply
     * is posted before the close: the route's own reply would find the socket gone.
     */
    private ServerFrame expired(String connectionId, Instant expiredAt, String frameId) {
        return closeWith(connectionId, new ServerFrame.Error(ErrorCode.TOKEN_EXPIRED,
                "the connection's token expired at " + expiredAt + "; reconnect with a fresh token", frameId));
    }

    /**
     * Posts the error to the connection, takes it out of its rooms (telling them, as a disconnect does), then closes
     * it: should the close fail, the connection is still gone from every room and gets nothing more.
     */
    private ServerFrame closeWith(String connectionId, ServerFrame.Error error) {
        notices.broadcast(List.of(connectionId), FrameCodec.encodeBytes(error));
        disconnect(connectionId);
        closer.close(connectionId);
        return error;
    }

    private static ServerFrame forbidden(ClientFrame frame, RoomAction action, String room) {
        return new ServerFrame.Error(ErrorCode.FORBIDDEN,
                "not allowed to " + action.claimName() + " in room '" + room + "'", frame.id());
    }

    private static ServerFrame unknownConnection(ClientFrame frame) {
        return unknownConnection(frame.id());
    }

    private static ServerFrame unknownConnection(String frameId) {
        return new ServerFrame.Error(ErrorCode.UNKNOWN_CONNECTION, "connection is not registered; reconnect",
                frameId);
    }

    /** The connection kept changing under a read-decide-write: rare, and worth a retry. */
    private static ServerFrame busy(ClientFrame frame) {
        return new ServerFrame.Error(ErrorCode.IN_PROGRESS,
                "the connection's rooms changed while this request was decided; retry", frame.id());
    }

    /** The history after a position, given the room's counter as read after the connection became a member. */
    private ServerFrame historyPage(String id, String room, long after, RoomHistory.Counter counter) {
        Instant now = clock.instant();
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

    /**
     * Tells a room's members who may see presence that a user's first connection joined or last connection left,
     * unless presence is off or the room is too big for it.
     */
    private void announce(String room, String userId, String event) {
        announce(room, userId, event, Integer.MAX_VALUE);
    }

    /**
     * As above, posting at most {@code budget} times: returns the posts made (0 when there was nothing to tell), or
     * -1 when the room had watchers to tell and they were more than the budget, so none was told.
     */
    private int announce(String room, String userId, String event, int budget) {
        if (!settings.presenceEvents()) {
            return 0;
        }
        return tell(room, userId, event, budget, store.view(room, presenceListing(), null, clock.instant()).members());
    }

    /**
     * How many members a room may have and still be told of joins and leaves: the most a {@link RoomView} lists
     * for presence, or -1 (none wanted) when presence events are off.
     */
    private int presenceListing() {
        return settings.presenceEvents() ? settings.presenceMaxRoomSize() : -1;
    }

    /**
     * Tells the room's watchers of a user's first joining or last leaving connection, given the room's members as
     * a {@link RoomView} lists them (null: too big for presence events, or presence is off); returns as
     * {@link #announce(String, String, String, int)} does.
     */
    private int tell(String room, String userId, String event, int budget, List<RoomMember> members) {
        if (members == null || members.isEmpty()) {
            return 0;
        }
        long sameUser = members.stream().filter(member -> member.userId().equals(userId)).count();
        boolean firstOrLast = event.equals(ServerFrame.PresenceChange.JOINED) ? sameUser == 1 : sameUser == 0;
        if (!firstOrLast) {
            return 0;
        }
        List<String> watchers = live(members.stream()
                .filter(member -> member.rights().allows(RoomAction.PRESENCE)).toList());
        if (watchers.size() > budget) {
            return -1;
        }
        notices.broadcast(watchers, FrameCodec.encodeBytes(new ServerFrame.PresenceChange(room, event, userId)));
        return watchers.size();
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
        private RoomPolicy policy = RoomPolicy.claims();
        private ConnectionCloser closer;
        private ConnectionProbe probe;
        private Hooks hooks = Hooks.none();

        private Builder() {
        }

        /** The application's hooks on connect, join and send; {@link Hooks#none()} (no call ever) unless set. */
        public Builder hooks(Hooks value) {
            this.hooks = Objects.requireNonNull(value, "hooks");
            return this;
        }

        /** Who may do what in which room; deny by default ({@link RoomPolicy#claims()}) unless set. */
        public Builder policy(RoomPolicy value) {
            this.policy = Objects.requireNonNull(value, "policy");
            return this;
        }

        /**
         * Closes connections whose token expired or that keep flooding (API Gateway: {@code DELETE @connections}).
         * Without one, such a connection is still taken out of its rooms and gets nothing more, but its socket stays
         * open until it idles out (its frames are refused as from an unknown connection).
         */
        public Builder closer(ConnectionCloser value) {
            this.closer = Objects.requireNonNull(value, "closer");
            return this;
        }

        /**
         * Tells whether a listed connection is gone (API Gateway: {@code GET @connections}), so that a user at the
         * limit of connections is not kept out by ones whose {@code $disconnect} never came. Without one, every
         * listed connection counts until its row expires.
         */
        public Builder probe(ConnectionProbe value) {
            this.probe = Objects.requireNonNull(value, "probe");
            return this;
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
         * Spreads broadcasts to rooms of at least {@code threshold} members over fan-out workers (one job per shard
         * of a sharded store, else per {@link Broadcaster#JOB_SIZE} members), and hands the queue the recipients a
         * broadcast cannot reach now, for a later attempt.
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
