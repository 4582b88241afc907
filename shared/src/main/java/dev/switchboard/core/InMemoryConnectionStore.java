package dev.switchboard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ConnectionStore} in memory: for unit tests of code built on the core, and for embedding Switchboard
 * where no DynamoDB is wanted. Thread-safe; each operation is atomic.
 */
public final class InMemoryConnectionStore implements ConnectionStore {

    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> roomsByConnection = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> membersByRoom = new ConcurrentHashMap<>();
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
        connections.put(connection.connectionId(), connection);
        roomsByConnection.putIfAbsent(connection.connectionId(), ConcurrentHashMap.newKeySet());
    }

    @Override
    public Optional<Connection> find(String connectionId) {
        return Optional.ofNullable(connections.get(connectionId));
    }

    @Override
    public synchronized Set<String> remove(String connectionId) {
        connections.remove(connectionId);
        Set<String> rooms = roomsByConnection.remove(connectionId);
        if (rooms == null) {
            return Set.of();
        }
        for (String room : rooms) {
            removeMember(room, connectionId);
        }
        return Set.copyOf(rooms);
    }

    @Override
    public synchronized JoinResult join(String connectionId, String room, int maxRooms) {
        Set<String> rooms = roomsByConnection.get(connectionId);
        if (rooms == null || !connections.containsKey(connectionId)) {
            return JoinResult.UNKNOWN_CONNECTION;
        }
        if (rooms.contains(room)) {
            return JoinResult.ALREADY_MEMBER;
        }
        if (rooms.size() >= maxRooms) {
            return JoinResult.TOO_MANY_ROOMS;
        }
        rooms.add(room);
        membersByRoom.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(connectionId);
        return JoinResult.JOINED;
    }

    @Override
    public synchronized boolean leave(String connectionId, String room) {
        Set<String> rooms = roomsByConnection.get(connectionId);
        if (rooms == null || !rooms.remove(room)) {
            return false;
        }
        removeMember(room, connectionId);
        return true;
    }

    @Override
    public boolean isMember(String connectionId, String room) {
        Set<String> rooms = roomsByConnection.get(connectionId);
        return rooms != null && rooms.contains(room);
    }

    @Override
    public Set<String> roomsOf(String connectionId) {
        Set<String> rooms = roomsByConnection.get(connectionId);
        return rooms == null ? Set.of() : Set.copyOf(rooms);
    }

    @Override
    public int shards() {
        return shards;
    }

    @Override
    public List<String> members(String room, int shard) {
        Set<String> members = membersByRoom.get(room);
        if (members == null) {
            return List.of();
        }
        return members.stream().filter(id -> ConnectionStore.shardOf(id, shards) == shard).toList();
    }

    @Override
    public Map<String, String> memberUsers(String room, int limit) {
        Map<String, String> users = new java.util.HashMap<>();
        Set<String> all = membersByRoom.getOrDefault(room, Set.of());
        for (String connectionId : all) {
            if (users.size() == limit) {
                break;
            }
            Connection connection = connections.get(connectionId);
            if (connection != null) {
                users.put(connectionId, connection.userId());
            }
        }
        return users;
    }

    @Override
    public List<String> connectionsOf(String userId) {
        List<String> ids = new ArrayList<>();
        connections.values().forEach(c -> {
            if (c.userId().equals(userId)) {
                ids.add(c.connectionId());
            }
        });
        return ids;
    }

    private void removeMember(String room, String connectionId) {
        Set<String> members = membersByRoom.get(room);
        if (members != null) {
            members.remove(connectionId);
            if (members.isEmpty()) {
                membersByRoom.remove(room);
            }
        }
    }
}
