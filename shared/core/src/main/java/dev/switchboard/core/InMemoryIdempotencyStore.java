package dev.switchboard.core;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link IdempotencyStore} in memory, for tests and embedding, keyed on the typed keys themselves. Thread-safe. */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    private record Entry(Instant claimedAt, Instant expiresAt, String messageId, long seq) {
        boolean completed() {
            return messageId != null;
        }
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public synchronized Claim claim(Key key, Instant now, Instant expiresAt, Instant staleBefore) {
        Entry existing = entries.get(key);
        if (existing == null || !existing.expiresAt().isAfter(now)
                || !existing.completed() && existing.claimedAt().isBefore(staleBefore)) {
            entries.put(key, new Entry(now, expiresAt, null, 0));
            return new Claim.Claimed();
        }
        return existing.completed() ? new Claim.Completed(existing.messageId(), existing.seq()) : new Claim.Pending();
    }

    @Override
    public synchronized void complete(Key key, String messageId, long seq) {
        Entry claimed = entries.get(key);
        if (claimed != null) {
            entries.put(key, new Entry(claimed.claimedAt(), claimed.expiresAt(), messageId, seq));
        }
    }
}
