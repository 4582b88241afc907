package dev.switchboard.core;

import java.time.Instant;

/**
 * Remembers client message ids for a while so a retried {@code send} does not create a second message. A caller
 * first {@linkplain #claim claims} the id, creates the message, then {@linkplain #complete completes} the claim
 * with what it created; a retry then finds the completed record and answers with the original outcome.
 *
 * <pre>{@code
 * IdempotencyStore.SendKey key = new IdempotencyStore.SendKey("lobby", "alice", "c-1");
 * switch (store.claim(key, now, now.plus(Duration.ofHours(1)), now.minus(Duration.ofSeconds(30)))) {
 *     case Claim.Claimed c -> { ... create the message ...; store.complete(key, messageId, seq); }
 *     case Claim.Completed done -> ack(done.messageId(), done.seq());
 *     case Claim.Pending p -> retryLater();
 * }
 * }</pre>
 */
public interface IdempotencyStore {

    /**
     * What identifies one send: a client's id is its own, per sender and target. The store keys on these values; each
     * part may hold any characters (user ids do), and a store that joins them into one key encodes them so that
     * different keys never meet (a room's send never meets a direct message's either).
     */
    sealed interface Key permits SendKey, DirectKey {
        /** The sending user. */
        String sender();

        /** The id the client gave the frame. */
        String clientId();
    }

    /**
     * A message sent to a room.
     *
     * @param room     the room sent to
     * @param sender   the sending user
     * @param clientId the id the client gave the frame
     */
    record SendKey(String room, String sender, String clientId) implements Key {
        public SendKey {
            java.util.Objects.requireNonNull(room, "room");
            java.util.Objects.requireNonNull(sender, "sender");
            java.util.Objects.requireNonNull(clientId, "clientId");
        }
    }

    /**
     * A direct message to a user.
     *
     * @param recipient the user it is addressed to
     * @param sender    the sending user
     * @param clientId  the id the client gave the frame
     */
    record DirectKey(String recipient, String sender, String clientId) implements Key {
        public DirectKey {
            java.util.Objects.requireNonNull(recipient, "recipient");
            java.util.Objects.requireNonNull(sender, "sender");
            java.util.Objects.requireNonNull(clientId, "clientId");
        }
    }

    /**
     * A claim to make.
     *
     * @param key         the send or direct message
     * @param now         when
     * @param expiresAt   until when the id guards against a repeat
     * @param staleBefore a pending claim older than this was abandoned by its owner and may be taken over
     */
    record Claiming(Key key, Instant now, Instant expiresAt, Instant staleBefore) {
        public Claiming {
            java.util.Objects.requireNonNull(key, "key");
            java.util.Objects.requireNonNull(now, "now");
            java.util.Objects.requireNonNull(expiresAt, "expiresAt");
            java.util.Objects.requireNonNull(staleBefore, "staleBefore");
        }
    }

    /** What a claim found. */
    sealed interface Claim {
        /** Nobody had the id: the caller now owns it and must complete it. */
        record Claimed() implements Claim {
        }

        /** The id was used before and its message exists. */
        record Completed(String messageId, long seq) implements Claim {
        }

        /** Another attempt with this id is still creating its message. */
        record Pending() implements Claim {
        }
    }

    /**
     * Claims {@code key} until {@code expiresAt}. A pending claim older than {@code staleBefore} (its owner died)
     * is taken over and reported as {@link Claim.Claimed}.
     */
    Claim claim(Key key, Instant now, Instant expiresAt, Instant staleBefore);

    /** As {@link #claim(Key, Instant, Instant, Instant)}. */
    default Claim claim(Claiming claiming) {
        return claim(claiming.key(), claiming.now(), claiming.expiresAt(), claiming.staleBefore());
    }

    /** Records the outcome of a claimed key. */
    void complete(Key key, String messageId, long seq);
}
