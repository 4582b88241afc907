package dev.switchboard.core;

import dev.switchboard.protocol.ServerFrame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** {@link RoomHistory} in memory, for tests and embedding. Thread-safe. */
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
        rooms.computeIfAbsent(message.room(), r -> new ConcurrentSkipListMap<>())
                .put(message.seq(), new Entry(message, expiresAt));
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
}
