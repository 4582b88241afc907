package dev.switchboard.core;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Instant;
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
 * <pre>{@code
 * Switchboard switchboard = new Switchboard(store, broadcaster, Clock.systemUTC(), CoreSettings.defaults());
 * switchboard.connect("abc=", "user-1", "203.0.113.9");
 * ServerFrame reply = switchboard.join("abc=", new ClientFrame.Join("1", "lobby"));   // ack
 * }</pre>
 */
public final class Switchboard {

    private final ConnectionStore store;
    private final Broadcaster broadcaster;
    private final Clock clock;
    private final CoreSettings settings;
    private final Supplier<String> messageIds;

    public Switchboard(ConnectionStore store, Broadcaster broadcaster, Clock clock, CoreSettings settings) {
        this(store, broadcaster, clock, settings, () -> UUID.randomUUID().toString());
    }

    public Switchboard(ConnectionStore store, Broadcaster broadcaster, Clock clock, CoreSettings settings,
                       Supplier<String> messageIds) {
        this.store = Objects.requireNonNull(store, "store");
        this.broadcaster = Objects.requireNonNull(broadcaster, "broadcaster");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.messageIds = Objects.requireNonNull(messageIds, "messageIds");
    }

    /** The result of a {@code send}: the reply for the sender and how the broadcast went. */
    public record Sent(ServerFrame reply, BroadcastResult broadcast) {
    }

    /** {@code $connect}: remembers the connection under the identity the authorizer established. */
    public Connection connect(String connectionId, String userId, String sourceIp) {
        Instant now = clock.instant();
        Connection connection = new Connection(connectionId, userId, now, sourceIp,
                now.plus(settings.connectionTtl()));
        store.register(connection);
        return connection;
    }

    /** {@code $disconnect}: forgets the connection and its memberships; idempotent. Returns the rooms left. */
    public Set<String> disconnect(String connectionId) {
        return store.remove(connectionId);
    }

    public ServerFrame join(String connectionId, ClientFrame.Join join) {
        return switch (store.join(connectionId, join.room(), settings.maxRooms())) {
            case JOINED, ALREADY_MEMBER -> ack(join, null);
            case UNKNOWN_CONNECTION -> unknownConnection(join);
            case TOO_MANY_ROOMS -> new ServerFrame.Error(ErrorCode.TOO_MANY_ROOMS,
                    "a connection may be in at most " + settings.maxRooms() + " rooms", join.id());
        };
    }

    public ServerFrame leave(String connectionId, ClientFrame.Leave leave) {
        if (!store.leave(connectionId, leave.room())) {
            return notInRoom(leave, leave.room());
        }
        return ack(leave, null);
    }

    /** Sends to every member of the room (the sender included, if a member). Only members may send. */
    public Sent send(String connectionId, String userId, ClientFrame.Send send) {
        if (!store.isMember(connectionId, send.room())) {
            return new Sent(notInRoom(send, send.room()), BroadcastResult.empty());
        }
        List<String> members = store.members(send.room());
        ServerFrame.Message message = new ServerFrame.Message(messageIds.get(), send.room(), userId, send.data(),
                clock.millis());
        BroadcastResult result = broadcaster.broadcast(members, FrameCodec.encodeBytes(message));
        if (result.tooLarge() > 0) {
            return new Sent(new ServerFrame.Error(ErrorCode.PAYLOAD_TOO_LARGE,
                    "message exceeds the gateway's size limit for " + result.tooLarge() + " recipient(s)",
                    send.id()), result);
        }
        return new Sent(ack(send, message.id()), result);
    }

    public ServerFrame ping(ClientFrame.Ping ping) {
        return new ServerFrame.Pong(ping.id(), clock.millis());
    }

    /** Serves any decoded client frame by its route; used where one entry point receives every action. */
    public ServerFrame dispatch(String connectionId, String userId, ClientFrame frame) {
        return switch (frame) {
            case ClientFrame.Join join -> join(connectionId, join);
            case ClientFrame.Leave leave -> leave(connectionId, leave);
            case ClientFrame.Send send -> send(connectionId, userId, send).reply();
            case ClientFrame.Ping ping -> ping(ping);
        };
    }

    private static ServerFrame ack(ClientFrame frame, String messageId) {
        return new ServerFrame.Ack(frame.id(), frame.route().key(), messageId);
    }

    private static ServerFrame notInRoom(ClientFrame frame, String room) {
        return new ServerFrame.Error(ErrorCode.NOT_IN_ROOM, "not a member of room '" + room + "'", frame.id());
    }

    private static ServerFrame unknownConnection(ClientFrame frame) {
        return new ServerFrame.Error(ErrorCode.UNKNOWN_CONNECTION, "connection is not registered; reconnect",
                frame.id());
    }
}
