package dev.switchboard.client;

import dev.switchboard.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the messages of one room, as they arrive (live, from history pages, twice, out of order), into the
 * sequence the application sees: each {@code seq} once, in order. Not thread-safe: the client drives it from
 * one thread.
 */
final class RoomSequencer {

    /** No position yet: joined without one and no ack seen. */
    static final long UNKNOWN = -1;

    private long delivered;
    private final TreeMap<Long, ServerFrame.Message> waiting = new TreeMap<>();

    RoomSequencer(long position) {
        this.delivered = position;
    }

    /** The seq of the last message handed to the application (the position to resume after). */
    long position() {
        return delivered;
    }

    boolean knowsPosition() {
        return delivered != UNKNOWN;
    }

    /** True while messages wait behind a gap. */
    boolean hasGap() {
        return !waiting.isEmpty() && knowsPosition();
    }

    /** The seq of the first message waiting behind the gap; only while {@link #hasGap()}. */
    long firstWaiting() {
        return waiting.firstKey();
    }

    /** Sets the starting position (a join's ack); returns the waiting messages now deliverable. */
    List<ServerFrame.Message> start(long position) {
        if (!knowsPosition()) {
            delivered = position;
        }
        waiting.headMap(delivered, true).clear();
        return drain();
    }

    /** Accepts a message; returns those that can now be delivered, in order (possibly none). */
    List<ServerFrame.Message> accept(ServerFrame.Message message) {
        if (knowsPosition() && message.seq() <= delivered) {
            return List.of();
        }
        waiting.putIfAbsent(message.seq(), message);
        return knowsPosition() ? drain() : List.of();
    }

    /**
     * Messages up to {@code seq} are gone for good: continue after it. Returns what is now deliverable; anything
     * behind a further gap keeps waiting (history or the live stream fills it).
     */
    List<ServerFrame.Message> reset(long seq) {
        delivered = Math.max(delivered, seq);
        waiting.headMap(delivered, true).clear();
        return drain();
    }

    private List<ServerFrame.Message> drain() {
        List<ServerFrame.Message> out = new ArrayList<>();
        Map.Entry<Long, ServerFrame.Message> next;
        while ((next = waiting.firstEntry()) != null && next.getKey() == delivered + 1) {
            out.add(waiting.pollFirstEntry().getValue());
            delivered = next.getKey();
        }
        return out;
    }
}
