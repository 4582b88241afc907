package dev.switchboard.core;

import dev.switchboard.protocol.ServerFrame;
import java.time.Instant;
import java.util.List;

/**
 * Each room's ordered message history: a per-room sequence counter and the messages by sequence number, kept
 * for a retention period so clients can resume after a lost connection.
 *
 * <pre>{@code
 * long seq = history.nextSeq("lobby");                        // 1, 2, 3, … atomically
 * history.append(messageWithSeq, now.plus(Duration.ofHours(24)));
 * List<ServerFrame.Message> missed = history.after("lobby", 41, 100, now);   // seq 42, 43, …
 * }</pre>
 */
public interface RoomHistory {

    /** Allocates the room's next sequence number; concurrent callers never get the same one. */
    long nextSeq(String room);

    /** The room's latest allocated sequence number, 0 when it never had a message. */
    long latestSeq(String room);

    /** Stores a message (which carries its room and seq) until {@code expiresAt}. */
    void append(ServerFrame.Message message, Instant expiresAt);

    /** Up to {@code limit} stored messages with a seq above {@code after}, ascending, none expired at {@code now}. */
    List<ServerFrame.Message> after(String room, long after, int limit, Instant now);
}
