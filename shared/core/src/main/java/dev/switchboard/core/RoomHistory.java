package dev.switchboard.core;

import dev.switchboard.protocol.ServerFrame;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Each room's ordered message history: a per-room sequence counter and the messages by sequence number, kept
 * for a retention period so clients can resume after a lost connection.
 *
 * <p>A seq is allocated before its message is stored, so for a moment (or for good, if the sender crashes in
 * between) the counter is ahead of the stored messages. The counter therefore records when its latest seq
 * was allocated, so a reader knows no missing seq was handed out after that moment.
 *
 * <pre>{@code
 * long seq = history.nextSeq("lobby", now);                   // 1, 2, 3, … atomically
 * history.append(messageWithSeq, now.plus(Duration.ofHours(24)));
 * List<ServerFrame.Message> missed = history.after("lobby", 41, 100, now);   // seq 42, 43, …
 * }</pre>
 */
public interface RoomHistory {

    /**
     * A room's counter.
     *
     * @param latest      the latest allocated seq, 0 when the room never had a message
     * @param allocatedAt when {@code latest} was allocated ({@link Instant#EPOCH} for a room without messages)
     */
    record Counter(long latest, Instant allocatedAt) {
        public static final Counter EMPTY = new Counter(0, Instant.EPOCH);

        public Counter {
            Objects.requireNonNull(allocatedAt, "allocatedAt");
        }
    }

    /** Allocates the room's next sequence number at {@code now}; concurrent callers never get the same one. */
    long nextSeq(String room, Instant now);

    /** The room's counter, read consistently. */
    Counter counter(String room);

    /** The room's latest allocated sequence number, 0 when it never had a message. */
    default long latestSeq(String room) {
        return counter(room).latest();
    }

    /** Stores a message (which carries its room and seq) until {@code expiresAt}. */
    void append(ServerFrame.Message message, Instant expiresAt);

    /**
     * Stores a message and completes the claim of the send that made it, so a repeat of the send finds the
     * message: together, where the store can (one transaction on one table), else one after the other.
     */
    default void append(ServerFrame.Message message, Instant expiresAt, IdempotencyStore idempotency,
                        IdempotencyStore.SendKey completing) {
        append(message, expiresAt);
        idempotency.complete(completing, message.id(), message.seq());
    }

    /** Up to {@code limit} stored messages with a seq above {@code after}, ascending, none expired at {@code now}. */
    List<ServerFrame.Message> after(String room, long after, int limit, Instant now);
}
