package dev.switchboard.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this process remembers of connections it refused for a spent frame quota: within the same window their next
 * frames are refused without asking the store (a flood costs no store call), and one refused a whole burst's worth
 * of times in one window keeps flooding and is to be disconnected. Bounded: the least recently refused connections
 * are forgotten first, which at worst costs a store call.
 */
final class FrameGuard {

    private static final int MAX_CONNECTIONS = 10_000;

    private record Strikes(long window, int refused) {
    }

    private final Map<String, Strikes> strikes = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Strikes> eldest) {
            return size() > MAX_CONNECTIONS;
        }
    };

    /** Whether this process already refused the connection in this window. */
    synchronized boolean refusedIn(String connectionId, long window) {
        Strikes known = strikes.get(connectionId);
        return known != null && known.window() == window;
    }

    /** Records one more refusal in this window; returns how many there were in it. */
    synchronized int refuse(String connectionId, long window) {
        Strikes known = strikes.get(connectionId);
        int refused = known != null && known.window() == window ? known.refused() + 1 : 1;
        strikes.put(connectionId, new Strikes(window, refused));
        return refused;
    }

    synchronized void forget(String connectionId) {
        strikes.remove(connectionId);
    }
}
