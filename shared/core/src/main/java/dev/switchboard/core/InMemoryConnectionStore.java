package dev.switchboard.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link ConnectionStore} in memory: for unit tests of code built on the core, and for embedding Switchboard
 * where no DynamoDB is wanted. Thread-safe; each operation is atomic.
 */
public final class InMemoryConnectionStore implements ConnectionStore {

    private final Map<String, Connection> connections = new HashMap<>();
    /** Room to its members by connection id, in join order. */
    private final Map<String, Map<String, RoomMember>> membersByRoom = new HashMap<>();
    /** Frames counted per connection in its current quota window: {window, count}. */
    private final Map<String, long[]> frames = new HashMap<>();
    private final int shards;

    /** A store whose rooms are one shard each. */
    public InMemoryConnectionStore() {
        this(1);
    }

    /** A store reporting each room's members in {@code shards} shards, as a sharded DynamoDB layout would. */
    public InMemoryConnectionStore(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1");
        }
        this.shards = shards;
    }

    @Override
    public synchronized void register(Connection connection) {
        remove(connection.connectionId());
        connections.put(connection.connectionId(), new Connection(connection.connectionId(), connection.userId(),
                connection.connectedAt(), connection.sourceIp(), connection.expiresAt(), connection.grant(), Map.of(),
                0, connection.attributes()));
    }

    @Override
    public synchronized Optional<Connection> find(String connectionId) {
        return Optional.ofNullable(connections.get(connectionId));
    }

    @Override
    public synchronized Admission admit(String connectionId, Instant now, Quotas quotas) {
        Connection connection = connections.get(connectionId);
        if (connection == null) {
            return new Admission.Unknown();
        }
        long window = quotas.frameWindowOf(now);
        long[] counted = frames.computeIfAbsent(connectionId, id -> new long[] {window, 0});
        if (counted[0] != window) {
            counted[0] = window;
            counted[1] = 0;
        }
        if (counted[1] >= quotas.frameBurst()) {
            return new Admission.Limited(quotas.untilNextWindow(now));
        }
        counted[1]++;
        return new Admission.Admitted(connection);
    }

    @Override
    public synchronized Set<String> remove(String connectionId) {
        return forget(connectionId).map(connection -> Set.copyOf(connection.rooms().keySet())).orElse(Set.of());
    }

    @Override
    public synchronized Optional<Connection> forget(String connectionId) {
        frames.remove(connectionId);
        Connection connection = connections.remove(connectionId);
        if (connection == null) {
            return Optional.empty();
        }
        connection.rooms().keySet().forEach(room -> removeMember(room, connectionId));
        return Optional.of(connection);
    }

    @Override
    public synchronized JoinResult join(Connection seen, String room, Rights rights, int maxRooms) {
        Connection current = connections.get(seen.connectionId());
        if (current == null) {
            return JoinResult.UNKNOWN_CONNECTION;
        }
        if (current.isIn(room)) {
            return JoinResult.ALREADY_MEMBER;
        }
        if (current.revision() != seen.revision()) {
            return JoinResult.CHANGED;
        }
        if (current.rooms().size() >= maxRooms) {
            return JoinResult.TOO_MANY_ROOMS;
        }
        Map<String, Rights> rooms = new HashMap<>(current.rooms());
        rooms.put(room, rights);
        connections.put(current.connectionId(), withRooms(current, current.grant(), rooms));
        membersByRoom.computeIfAbsent(room, r -> new LinkedHashMap<>())
                .put(current.connectionId(), new RoomMember(current.connectionId(), current.userId(), rights,
                        current.grant().expiresAt()));
        return JoinResult.JOINED;
    }

    @Override
    public synchronized boolean leave(String connectionId, String room) {
        Connection current = connections.get(connectionId);
        if (current == null || !current.isIn(room)) {
            return false;
        }
        Map<String, Rights> rooms = new HashMap<>(current.rooms());
        rooms.remove(room);
        connections.put(connectionId, withRooms(current, current.grant(), rooms));
        removeMember(room, connectionId);
        return true;
    }

    @Override
    public synchronized JoinResult regrant(Connection seen, Grant grant, Map<String, Rights> rooms) {
        Connection current = connections.get(seen.connectionId());
        if (current == null) {
            return JoinResult.UNKNOWN_CONNECTION;
        }
        if (current.revision() != seen.revision()) {
            return JoinResult.CHANGED;
        }
        for (String room : current.rooms().keySet()) {
            Rights rights = rooms.get(room);
            if (rights == null) {
                removeMember(room, current.connectionId());
            } else {
                membersByRoom.get(room).put(current.connectionId(),
                        new RoomMember(current.connectionId(), current.userId(), rights, grant.expiresAt()));
            }
        }
        Map<String, Rights> kept = new HashMap<>(rooms);
        kept.keySet().retainAll(current.rooms().keySet());
        connections.put(current.connectionId(), withRooms(current, grant, kept));
        return JoinResult.JOINED;
    }

    @Override
    public int shards() {
        return shards;
    }

    @Override
    public synchronized List<RoomMember> shardMembers(String room, int shard) {
        return membersByRoom.getOrDefault(room, Map.of()).values().stream()
                .filter(member -> ConnectionStore.shardOf(member.connectionId(), shards) == shard).toList();
    }

    /** Sorts the shard by connection id on every call: fine for what this store serves. */
    @Override
    public synchronized List<RoomMember> membersAfter(String room, int shard, String after, int limit) {
        return membersByRoom.getOrDefault(room, Map.of()).values().stream()
                .filter(member -> ConnectionStore.shardOf(member.connectionId(), shards) == shard)
                .filter(member -> after == null || member.connectionId().compareTo(after) > 0)
                .sorted(Comparator.comparing(RoomMember::connectionId))
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized List<RoomMember> roomMembers(String room, int limit) {
        return membersByRoom.getOrDefault(room, Map.of()).values().stream().limit(limit).toList();
    }

    @Override
    public synchronized List<RoomMember> userConnections(String userId) {
        List<RoomMember> open = new ArrayList<>();
        connections.values().forEach(c -> {
            if (c.userId().equals(userId)) {
                open.add(new RoomMember(c.connectionId(), c.userId(), Rights.NONE, c.grant().expiresAt()));
            }
        });
        return open;
    }

    private static Connection withRooms(Connection connection, Grant grant, Map<String, Rights> rooms) {
        return new Connection(connection.connectionId(), connection.userId(), connection.connectedAt(),
                connection.sourceIp(), connection.expiresAt(), grant, rooms, connection.revision() + 1,
                connection.attributes());
    }

    private void removeMember(String room, String connectionId) {
        Map<String, RoomMember> members = membersByRoom.get(room);
        if (members != null) {
            members.remove(connectionId);
            if (members.isEmpty()) {
                membersByRoom.remove(room);
            }
        }
    }
}
