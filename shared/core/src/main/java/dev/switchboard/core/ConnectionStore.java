package dev.switchboard.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where Switchboard keeps connections and room memberships. A connection's record holds its grant and its rooms
 * with their rights, so one read tells a route everything it needs to decide. Implementations must list a room's
 * members without scanning the whole store (DynamoDB: a Query on the room's partition).
 *
 * <pre>{@code
 * store.register(new Connection("abc=", "user-1", now, "203.0.113.9", now.plus(Duration.ofHours(3))));
 * Connection seen = store.find("abc=").orElseThrow();
 * store.join(seen, "lobby", Rights.ALL, 50);    // JOINED
 * List<String> ids = store.members("lobby");    // ["abc="]
 * store.remove("abc=");                          // also leaves "lobby"
 * }</pre>
 */
public interface ConnectionStore {

    /**
     * How old a check that found a room bigger than a {@link #view} asks for may be and still answer for it: a room
     * that shrinks below the presence limit gets presence events again at most this long after.
     */
    Duration ROOM_SIZE_CHECK_MAX_AGE = Duration.ofMinutes(1);

    /** Records a newly accepted connection, in no room yet (overwrites a record with the same id). */
    void register(Connection connection);

    /** The connection, if registered, read consistently. */
    Optional<Connection> find(String connectionId);

    /**
     * Counts one frame of the connection against its quota and returns the connection as it is now: every route's
     * one read of its connection. A frame over the quota counts nothing and is refused.
     */
    Admission admit(String connectionId, Instant now, Quotas quotas);

    /**
     * Admits a {@code send}: as {@link #admit}, and the connection is in the room with the send right, its token has
     * not expired, and, when {@code claiming} is given, the send's id is claimed in {@code idempotency}. A store that
     * keeps both in one place may do it all in one write; this default makes two calls.
     */
    default SendAdmission admitSend(String connectionId, String room, Instant now, Quotas quotas,
                                    IdempotencyStore idempotency, IdempotencyStore.Claiming claiming) {
        Connection connection;
        switch (admit(connectionId, now, quotas)) {
            case Admission.Unknown unknown -> {
                return SendAdmission.Refused.because(SendAdmission.Refusal.UNKNOWN_CONNECTION);
            }
            case Admission.Limited limited -> {
                return new SendAdmission.Refused(SendAdmission.Refusal.RATE_LIMITED, null, limited.retryAfter());
            }
            case Admission.Admitted admitted -> connection = admitted.connection();
        }
        if (connection.grant().expiredAt(now)) {
            return new SendAdmission.Refused(SendAdmission.Refusal.TOKEN_EXPIRED, connection.grant().expiresAt(),
                    null);
        }
        if (!connection.isIn(room)) {
            return SendAdmission.Refused.because(SendAdmission.Refusal.NOT_IN_ROOM);
        }
        if (!connection.rightsIn(room).allows(RoomAction.SEND)) {
            return SendAdmission.Refused.because(SendAdmission.Refusal.FORBIDDEN);
        }
        return new SendAdmission.Admitted(claiming == null ? new IdempotencyStore.Claim.Claimed()
                : idempotency.claim(claiming));
    }

    /**
     * Forgets the connection and all its room memberships. Idempotent: removing an unknown id does nothing.
     *
     * @return the rooms it was a member of
     */
    Set<String> remove(String connectionId);

    /**
     * Forgets the connection and all its room memberships, as {@link #remove}, and returns it as it was when it was
     * removed (its user, its rooms): empty when it was not there. A store that deletes its record and reads it in one
     * step overrides this; the default reads it first, then removes it.
     */
    default Optional<Connection> forget(String connectionId) {
        Optional<Connection> seen = find(connectionId);
        Set<String> rooms = remove(connectionId);
        return seen.map(connection -> {
            Map<String, Rights> removed = new LinkedHashMap<>();
            rooms.forEach(room -> removed.put(room, connection.rightsIn(room)));
            return new Connection(connection.connectionId(), connection.userId(), connection.connectedAt(),
                    connection.sourceIp(), connection.expiresAt(), connection.grant(), removed,
                    connection.revision(), connection.attributes());
        });
    }

    /**
     * Adds the connection to a room with the given rights, unless it is unknown, already in the room or in
     * {@code maxRooms} rooms, or changed since {@code seen} was read (the rights were decided from that read). The
     * room limit holds however many joins of one connection race.
     */
    JoinResult join(Connection seen, String room, Rights rights, int maxRooms);

    /**
     * Adds the connection to a room with rights decided without looking at it (trusted server-side callers, tests):
     * reads it, then joins it as read, again if it changed in between.
     */
    default JoinResult join(String connectionId, String room, Rights rights, int maxRooms) {
        JoinResult result = JoinResult.CHANGED;
        for (int attempt = 0; attempt < 3 && result == JoinResult.CHANGED; attempt++) {
            Optional<Connection> seen = find(connectionId);
            if (seen.isEmpty()) {
                return JoinResult.UNKNOWN_CONNECTION;
            }
            result = join(seen.get(), room, rights, maxRooms);
        }
        return result;
    }

    /** Removes the connection from a room; false if it was not a member. */
    boolean leave(String connectionId, String room);

    /**
     * Replaces the connection's grant and its rooms' rights: it stays in exactly the rooms of {@code rooms}, with
     * those rights, and leaves the others; refused ({@link JoinResult#CHANGED}) when it changed since {@code seen}
     * was read. Returns {@link JoinResult#JOINED} when done, or {@link JoinResult#UNKNOWN_CONNECTION}.
     */
    JoinResult regrant(Connection seen, Grant grant, Map<String, Rights> rooms);

    /** Whether the connection is a member of the room. */
    default boolean isMember(String connectionId, String room) {
        return find(connectionId).map(connection -> connection.isIn(room)).orElse(false);
    }

    /** The rooms the connection is in. */
    default Set<String> roomsOf(String connectionId) {
        return find(connectionId).map(connection -> connection.rooms().keySet()).orElse(Set.of());
    }

    /**
     * How many partitions each room's membership is spread over (1 for a store that does not shard). A member
     * lives in shard {@link #shardOf(String, int)} of its connection id.
     */
    default int shards() {
        return 1;
    }

    /** The room's members kept in one shard ({@code 0 <= shard < shards()}), expired tokens included. */
    List<RoomMember> shardMembers(String room, int shard);

    /**
     * One page of the members kept in one shard, in the store's own order, which stays the same between calls
     * (DynamoDB: sort-key order): at most {@code limit} of those after the member {@code after} (null: from the
     * shard's beginning; it need not be a member any more). Fewer than {@code limit} only when the shard has no more.
     * It reads about {@code limit} rows, not the shard, so a page of a huge room costs what a page of a small one
     * does. Expired tokens included.
     *
     * <pre>{@code
     * List<RoomMember> first = store.membersAfter("lobby", 0, null, 100);
     * List<RoomMember> next = store.membersAfter("lobby", 0, first.getLast().connectionId(), 100);
     * }</pre>
     */
    List<RoomMember> membersAfter(String room, int shard, String after, int limit);

    /** Connection ids of the room's members kept in one shard. */
    default List<String> members(String room, int shard) {
        return shardMembers(room, shard).stream().map(RoomMember::connectionId).toList();
    }

    /** Connection ids of every member of the room, from every shard. */
    default List<String> members(String room) {
        List<String> all = new ArrayList<>();
        for (int shard = 0; shard < shards(); shard++) {
            all.addAll(members(room, shard));
        }
        return all;
    }

    /** The shard of a room's membership that holds a connection: stable across processes and restarts. */
    static int shardOf(String connectionId, int shards) {
        return Math.floorMod(connectionId.hashCode(), shards);
    }

    /**
     * At most {@code limit} members of the room with their users, rights and token expiry (which ones is
     * unspecified): enough to tell a room is big. Expired tokens included.
     */
    List<RoomMember> roomMembers(String room, int limit);

    /**
     * The room as a join, leave or disconnect needs it after its own write: all its members when it has at most
     * {@code listUpTo} (null when it has more, or when {@code listUpTo} is negative: none wanted), and its counter
     * from {@code history}, read after the caller's write, when {@code history} is given (else null). A store may
     * serve both with one read where it keeps the counter beside the members, and may answer that a room has more
     * than {@code listUpTo} members from a check made at most {@link #ROOM_SIZE_CHECK_MAX_AGE} before {@code now}:
     * a room that has shrunk since then is taken for big a little longer, and misses presence events meanwhile.
     */
    default RoomView view(String room, int listUpTo, RoomHistory history, Instant now) {
        List<RoomMember> members = null;
        if (listUpTo >= 0) {
            List<RoomMember> read = roomMembers(room, listUpTo == Integer.MAX_VALUE ? listUpTo : listUpTo + 1);
            members = read.size() > listUpTo ? null : read;
        }
        return new RoomView(members, history == null ? null : history.counter(room));
    }

    /** Every member of the room: connection id to the user id it connected as. */
    default Map<String, String> memberUsers(String room) {
        return memberUsers(room, Integer.MAX_VALUE);
    }

    /** At most {@code limit} members of the room: connection id to user id. */
    default Map<String, String> memberUsers(String room, int limit) {
        Map<String, String> users = new LinkedHashMap<>();
        roomMembers(room, limit).forEach(member -> users.put(member.connectionId(), member.userId()));
        return users;
    }

    /** Every open connection of a user ({@link Rights#NONE} as rights), expired tokens included. */
    List<RoomMember> userConnections(String userId);

    /** Connection ids of every open connection of a user. */
    default List<String> connectionsOf(String userId) {
        return userConnections(userId).stream().map(RoomMember::connectionId).toList();
    }
}
