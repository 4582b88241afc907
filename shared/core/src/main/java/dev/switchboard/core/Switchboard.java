package dev.switchboard.core;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

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
 *
 * <p>The use cases live in parts of this package, one concern each: {@code ConnectionLifecycle} (connect,
 * disconnect, server-side closes), {@code FrameAdmission} (quota, token and rights of every frame),
 * {@code Memberships} (joins and leaves), {@code Messaging} (sends, publishes, direct messages),
 * {@code RoomDelivery} (broadcast and fan-out), {@code HistoryReads}, {@code PresenceReads} and
 * {@code Announcements} (presence), and {@code TokenRefresh}. This class wires them and is their one entry.
 */
public final class Switchboard {

    /**
     * What a member the server makes may do in the room unless the server says otherwise: besides receiving its
     * messages, read what it missed ({@code resume}).
     */
    public static final Rights DEFAULT_MEMBER_RIGHTS = Rights.of(RoomAction.HISTORY);

    private final FrameAdmission admission;
    private final ConnectionLifecycle connections;
    private final Memberships memberships;
    private final Messaging messaging;
    private final RoomDelivery delivery;
    private final HistoryReads histories;
    private final PresenceReads presences;
    private final TokenRefresh refreshes;

    private Switchboard(Builder builder) {
        Broadcaster notices = Objects.requireNonNull(builder.broadcaster, "broadcaster");
        Wiring wiring = new Wiring(
                Objects.requireNonNull(builder.store, "store"),
                Objects.requireNonNull(builder.history, "history"),
                Objects.requireNonNull(builder.idempotency, "idempotency"),
                builder.fanout == null ? notices : notices.deferringTo(builder.fanout), notices,
                builder.clock, builder.settings, builder.messageIds, builder.fanout, builder.fanoutThreshold,
                builder.policy, builder.closer != null ? builder.closer : connectionId -> {
                }, builder.probe, new FrameGuard(), builder.hooks);
        delivery = new RoomDelivery(wiring);
        Announcements announcements = new Announcements(wiring, delivery);
        connections = new ConnectionLifecycle(wiring, announcements);
        admission = new FrameAdmission(wiring, connections);
        histories = new HistoryReads(wiring, admission);
        memberships = new Memberships(wiring, admission, announcements, histories);
        messaging = new Messaging(wiring, admission, delivery);
        presences = new PresenceReads(wiring, admission);
        refreshes = new TokenRefresh(wiring, admission, announcements);
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
        return connections.connect(connectionId, userId, sourceIp, grant);
    }

    /**
     * {@code $disconnect}: forgets the connection and its memberships (idempotent) and tells each room when the
     * user's last connection in it left, within {@link Quotas#presencePostsPerDisconnect()} posts in all: rooms past
     * that are not told, and counted.
     */
    public Disconnected disconnect(String connectionId) {
        return connections.disconnect(connectionId);
    }

    /**
     * Joins a room, with the rights the policy gives the connection's grant there; with {@code after}, which needs
     * the history right, the reply is the history after that position (or a reset).
     */
    public ServerFrame join(String connectionId, ClientFrame.Join join) {
        return memberships.join(connectionId, join);
    }

    /** Leaves a room the connection is in, telling it when the user's last connection there left. */
    public ServerFrame leave(String connectionId, ClientFrame.Leave leave) {
        return memberships.leave(connectionId, leave);
    }

    /**
     * Sends to every member of the room (the sender included). Only members with the send right may send; the
     * frame's admission (quota, membership, right, token expiry) and its id's claim are one store step.
     */
    public Sent send(String connectionId, String userId, ClientFrame.Send send) {
        return messaging.send(connectionId, userId, send);
    }

    /**
     * Publishes to a room on behalf of {@code from}, whether or not it holds a socket (the SQS path uses this).
     * With a {@code clientId}, a repeat within the idempotency window creates nothing and gets the first ack.
     */
    public Sent publish(String room, String from, String data, String clientId) {
        return messaging.publish(room, from, data, clientId);
    }

    /**
     * Does one job of the fan-out queue (what a fan-out worker does): posts to the live members of a shard, or to
     * named connections, handing on to the queue once more those it cannot reach yet.
     */
    public BroadcastResult deliver(FanoutQueue.Job job) {
        return delivery.deliver(job);
    }

    /** Messages of a joined room after a position (history right): one page, or a reset when that position is gone. */
    public ServerFrame resume(String connectionId, ClientFrame.Resume resume) {
        return histories.resume(connectionId, resume);
    }

    /**
     * Who is in a joined room (presence right), by user, with their connection counts: one page of at most
     * {@link Limits#PRESENCE_PAGE_SIZE} connections, from the start or from the frame's cursor, with a cursor for the
     * next page when there is one. Every page is checked like the first, and a cursor that is not one this room's
     * presence gave out is refused.
     */
    public ServerFrame presence(String connectionId, ClientFrame.Presence presence) {
        return presences.presence(connectionId, presence);
    }

    /** Sends to every open connection of a user the connection's grant lets it message. */
    public Sent direct(String connectionId, ClientFrame.Direct direct) {
        return messaging.direct(connectionId, direct);
    }

    /**
     * Delivers a direct message to every open connection of {@code user} (the SQS path uses this too). With a
     * {@code clientId}, a repeat within the idempotency window delivers nothing new and gets the first ack.
     */
    public Sent publishToUser(String user, String from, String data, String clientId) {
        return messaging.publishToUser(user, from, data, clientId);
    }

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
        return memberships.addMember(userId, room, rights);
    }

    /**
     * Takes every open connection of {@code userId} out of {@code room}, however it joined, as a client's
     * {@code leave} would; the room is told when the user's last connection left it.
     *
     * @return one change per connection the user had open
     * @throws IllegalArgumentException for an invalid user id or room name
     */
    public List<MemberChange> removeMember(String userId, String room) {
        return memberships.removeMember(userId, room);
    }

    /**
     * Closes a connection from the server side. Once the gateway has closed it, or found it gone already, its
     * records are removed and its rooms told, as its {@code $disconnect} would (which then finds nothing more to
     * do); when the close failed they are kept, so that a retry finds the connection again.
     *
     * @throws IllegalArgumentException for an invalid connection id
     */
    public Closed closeConnection(String connectionId) {
        return connections.closeConnection(connectionId);
    }

    /**
     * Closes every open connection of a user ({@link #closeConnection} for each).
     *
     * @return one outcome per connection the user had open
     * @throws IllegalArgumentException for an invalid user id
     */
    public List<Closed> closeUser(String userId) {
        return connections.closeUser(userId);
    }

    /**
     * Who is in a room, for the server side (no membership or right needed): by user, with their open connections
     * there, leaving out connections whose token expired (they get nothing more).
     *
     * @throws IllegalArgumentException for an invalid room name
     */
    public List<ServerFrame.Member> roomPresence(String room) {
        return presences.roomPresence(room);
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
        return histories.roomHistory(room, after, limit);
    }

    /** Answers with server time, once the connection is known and its token still valid. */
    public ServerFrame ping(String connectionId, ClientFrame.Ping ping) {
        return admission.ping(connectionId, ping);
    }

    /**
     * {@code refresh}, once the handler has verified the new token exactly as at {@code $connect}: the token must
     * be for the connection's own user; its grant replaces the connection's, and the rights in every room it joined
     * itself are decided anew. Rooms the new grant does not let it join are left (and listed in the ack); rooms the
     * server made it a member of ({@link #addMember}) stay as they are. Allowed after the old token
     * expired: a fresh token for the same user is exactly what that connection lacked.
     */
    public ServerFrame refresh(String connectionId, ClientFrame.Refresh refresh, String tokenUserId, Grant grant) {
        return refreshes.refresh(connectionId, refresh, tokenUserId, grant);
    }

    /**
     * A {@code refresh} whose token failed verification: nothing changes, and a connection whose own token has
     * expired meanwhile is closed (a refused refresh must not keep it alive).
     */
    public ServerFrame refuseRefresh(String connectionId, ClientFrame.Refresh refresh, String reason) {
        return refreshes.refuseRefresh(connectionId, refresh, reason);
    }

    /**
     * Answers a frame no route could serve (malformed, unknown action, wrong route) with {@code error}, once it has
     * counted against its connection's quota and the connection's token was checked: such frames cost quota like any
     * other, and one from a connection whose token expired closes it instead.
     */
    public ServerFrame refuse(String connectionId, ServerFrame.Error error) {
        return admission.refuse(connectionId, error);
    }

    /**
     * Admits a frame for a route the core does not serve itself (an application route) exactly as its own routes
     * admit theirs: a known connection, within its frame quota, its token not expired (an expired one is closed).
     *
     * @return the connection, or the refusal to answer the frame with
     */
    public CallAdmission admit(String connectionId, String frameId) {
        return admission.admitCall(connectionId, frameId);
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
