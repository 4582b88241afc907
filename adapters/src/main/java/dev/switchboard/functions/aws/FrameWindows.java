package dev.switchboard.functions.aws;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The frame window this process last counted each connection in. A connection's frames usually reach the same warm
 * function, so this guesses right which way its count stands and the count costs no extra call; a wrong guess (a
 * frame counted by another container) costs one retry. Bounded: the least recently counted are forgotten first.
 */
final class FrameWindows {

    private static final int MAX_CONNECTIONS = 10_000;

    private final Map<String, Long> lastCounted = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_CONNECTIONS;
        }
    };

    synchronized boolean countedIn(String connectionId, long window) {
        Long last = lastCounted.get(connectionId);
        return last != null && last == window;
    }

    synchronized void counted(String connectionId, long window) {
        lastCounted.put(connectionId, window);
    }

    synchronized void forget(String connectionId) {
        lastCounted.remove(connectionId);
    }
}
