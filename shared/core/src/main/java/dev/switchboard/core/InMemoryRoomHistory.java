package dev.switchboard.core;

import dev.switchboard.protocol.ServerFrame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * {@link RoomHistory} in memory, for tests, embedding and the local stack's {@code --store memory}. Thread-safe.
 * Expired messages are dropped from the front of a room's history as new ones arrive.
 */
public final class InMemoryRoomHistory implements RoomHistory {

    private record Entry(ServerFrame.Message message, Instant expiresAt) {
    }

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, NavigableMap<Long, Entry>> rooms = new ConcurrentHashMap<>();

    @Override
    public long nextSeq(String room, Instant now) {
        return counters.compute(room, (r, counter) -> new Counter(counter == null ? 1 : counter.latest() + 1, now))
                .latest();
    }

    @Override
    public Counter counter(String room) {
        return counters.getOrDefault(room, Counter.EMPTY);
    }

    @Override
    public void append(ServerFrame.Message message, Instant expiresAt) {
        NavigableMap<Long, Entry> entries = rooms.computeIfAbsent(message.room(), r -> new ConcurrentSkipListMap<>());
        entries.put(message.seq(), new Entry(message, expiresAt));
        // As TTL does for the table: drop the room's oldest messages once expired (by the new message's stamp).
        Instant now = Instant.ofEpochMilli(message.ts());
        Map.Entry<Long, Entry> oldest;
        while ((oldest = entries.firstEntry()) != null && !oldest.getValue().expiresAt().isAfter(now)) {
            entries.remove(oldest.getKey(), oldest.getValue());
        }
    }

    @Override
    public List<ServerFrame.Message> after(String room, long after, int limit, Instant now) {
        NavigableMap<Long, Entry> entries = rooms.get(room);
        List<ServerFrame.Message> page = new ArrayList<>();
        if (entries == null) {
            return page;
        }
        for (Entry entry : entries.tailMap(after, false).values()) {
            if (page.size() == limit) {
                break;
            }
            if (entry.expiresAt().isAfter(now)) {
                page.add(entry.message());
            }
        }
        return page;
    }

    /** How many messages the room's history holds right now, expired ones not yet dropped included. */
    int stored(String room) {
        NavigableMap<Long, Entry> entries = rooms.get(room);
        return entries == null ? 0 : entries.size();
    }
}
