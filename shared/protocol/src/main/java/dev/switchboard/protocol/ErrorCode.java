package dev.switchboard.protocol;

/**
 * The fixed table of error codes carried by {@code error} frames. {@link #temporary()} tells a client whether
 * retrying the same frame later can succeed.
 */
public enum ErrorCode {
    /** The frame is not a JSON object. */
    MALFORMED_JSON(false),
    /** No route serves the frame's {@code action}, or it has none. */
    UNKNOWN_ACTION(false),
    /** A required field is absent. */
    MISSING_FIELD(false),
    /** A field has the wrong type or an invalid value (e.g. a room name with forbidden characters). */
    INVALID_FIELD(false),
    /** The frame, or the message it would produce, exceeds the size limit. */
    PAYLOAD_TOO_LARGE(false),
    /** The connection sent to a room it has not joined. */
    NOT_IN_ROOM(false),
    /** The connection is in as many rooms as it may be. */
    TOO_MANY_ROOMS(false),
    /**
     * The connection's token does not grant this action on this room (or this user, for {@code direct}); the
     * message names both. Retrying cannot help until a {@code refresh} brings a token that grants it.
     */
    FORBIDDEN(false),
    /**
     * The connection's token expired before this frame arrived: the server closes the connection. Reconnect with
     * a fresh token (or {@code refresh} ahead of expiry next time).
     */
    TOKEN_EXPIRED(false),
    /** The connection is unknown to the store (expired or already disconnected). */
    UNKNOWN_CONNECTION(false),
    /** A {@code send} with this id is still being processed (a retry raced the original); retry shortly. */
    IN_PROGRESS(true),
    /** Some recipients could not be reached because AWS throttled the delivery; retry later. */
    THROTTLED(true),
    /**
     * The connection sent more frames than its quota allows; retry after {@code retryAfterMs}. A client that keeps
     * sending regardless is disconnected.
     */
    RATE_LIMITED(true),
    /**
     * The server is taking more work than it can serve and refused this frame at once, before doing any of it;
     * retry after {@code retryAfterMs}.
     */
    OVERLOADED(true),
    /**
     * An application route's function answered with an error of its own (the message carries its code), failed, or
     * answered something that is not a valid answer (or too large): the same frame would fail the same way.
     */
    APPLICATION_ERROR(false),
    /** An application route's function did not answer within the route's timeout, or could not be reached; retry. */
    APPLICATION_TIMEOUT(true),
    /**
     * A hook the stack consults (on join or send) did not answer in time or failed, so the frame was refused: hooks
     * fail closed. Retry with backoff.
     */
    HOOK_FAILED(true),
    /** An unexpected server-side failure; retry later. */
    INTERNAL(true);

    private final boolean temporary;

    ErrorCode(boolean temporary) {
        this.temporary = temporary;
    }

    public boolean temporary() {
        return temporary;
    }
}
