package dev.switchboard.core;

import java.time.Instant;

/**
 * Remembers client message ids for a while so a retried {@code send} does not create a second message. A caller
 * first {@linkplain #claim claims} the id, creates the message, then {@linkplain #complete completes} the claim
 * with what it created; a retry then finds the completed record and answers with the original outcome.
 *
 * <pre>{@code
 * switch (store.claim(key, now, now.plus(Duration.ofHours(24)))) {
 *     case Claim.Claimed c -> { ... create the message ...; store.complete(key, messageId, seq); }
 *     case Claim.Completed done -> ack(done.messageId(), done.seq());
 *     case Claim.Pending p -> retryLater();
 * }
 * }</pre>
 */
public interface IdempotencyStore {

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
    Claim claim(String key, Instant now, Instant expiresAt, Instant staleBefore);

    /** Records the outcome of a claimed key. */
    void complete(String key, String messageId, long seq);
}
