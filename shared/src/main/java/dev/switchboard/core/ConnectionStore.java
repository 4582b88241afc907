package dev.switchboard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where Switchboard keeps connections and room memberships. Implementations must list a room's members
 * without scanning the whole store (DynamoDB: a Query on the room's partition).
 *
 * <pre>{@code
 * store.register(new Connection("abc=", "user-1", now, "203.0.113.9", now.plus(Duration.ofHours(3))));
 * store.join("abc=", "lobby", 50);
 * List<String> ids = store.members("lobby");   // ["abc="]
 * store.remove("abc=");                         // also leaves "lobby"
 * }</pre>
 */
public interface ConnectionStore {

    /** Records a newly accepted connection (overwrites a record with the same id). */
    void register(Connection connection);

    /** The connection, if registered. */
    Optional<Connection> find(String connectionId);

    /**
     * Forgets the connection and all its room memberships. Idempotent: removing an unknown id does nothing.
     *
     * @return the rooms it was a member of
     */
    Set<String> remove(String connectionId);

    /** Adds the connection to a room, unless it is unknown or already in {@code maxRooms} rooms. */
    JoinResult join(String connectionId, String room, int maxRooms);

    /** Removes the connection from a room; false if it was not a member. */
    boolean leave(String connectionId, String room);

    /** Whether the connection is a member of the room. */
    boolean isMember(String connectionId, String room);

    /** The rooms the connection is in. */
    Set<String> roomsOf(String connectionId);

    /**
     * How many partitions each room's membership is spread over (1 for a store that does not shard). A member
     * lives in shard {@link #shardOf(String, int)} of its connection id.
     */
    default int shards() {
        return 1;
    }

    /** Connection ids of the room's members kept in one shard ({@code 0 <= shard < shards()}). */
    List<String> members(String room, int shard);

    /** Connection ids of every member of the room, from every shard. */
    default List<String> members(String room) {
        if (shards() == 1) {
            return members(room, 0);
        }
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

    /** Every member of the room: connection id to the user id it connected as. */
    default Map<String, String> memberUsers(String room) {
        return memberUsers(room, Integer.MAX_VALUE);
    }

    /** At most {@code limit} members of the room (which ones is unspecified): enough to tell a room is big. */
    Map<String, String> memberUsers(String room, int limit);

    /** Connection ids of every open connection of a user. */
    List<String> connectionsOf(String userId);
}
