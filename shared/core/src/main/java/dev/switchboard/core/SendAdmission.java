package dev.switchboard.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What admitting a {@code send} came to (see {@link ConnectionStore#admitSend}): the frame counted against the
 * connection's quota, the connection's right to send to the room and its token's expiry checked, and the send's id
 * claimed, as one step.
 */
public sealed interface SendAdmission {

    /** Why a send was refused before anything was written. */
    enum Refusal { UNKNOWN_CONNECTION, NOT_IN_ROOM, FORBIDDEN, TOKEN_EXPIRED, RATE_LIMITED }

    /** Admitted; {@code claim} is what the id's claim found ({@link IdempotencyStore.Claim.Claimed} without an id). */
    record Admitted(IdempotencyStore.Claim claim) implements SendAdmission {
        public Admitted {
            Objects.requireNonNull(claim, "claim");
        }
    }

    /**
     * Refused, nothing written.
     *
     * @param reason         why
     * @param tokenExpiredAt for {@link Refusal#TOKEN_EXPIRED}: when the token expired; else null
     * @param retryAfter     for {@link Refusal#RATE_LIMITED}: when the next window opens; else null
     */
    record Refused(Refusal reason, Instant tokenExpiredAt, Duration retryAfter) implements SendAdmission {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }

        public static Refused because(Refusal reason) {
            return new Refused(reason, null, null);
        }
    }
}
