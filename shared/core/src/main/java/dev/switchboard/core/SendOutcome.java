package dev.switchboard.core;

/** What one attempt to post a payload to one connection came to. */
public enum SendOutcome {
    /** The gateway accepted the payload (200). */
    DELIVERED(false),
    /** The connection is gone (410): prune it. */
    GONE(false),
    /** The payload is over the gateway's limit (413): retrying cannot help. */
    TOO_LARGE(false),
    /** Throttled (429): retry after a backoff. */
    THROTTLED(true),
    /** A server-side or network failure (5xx, timeout): retry after a backoff. */
    TRANSIENT_FAILURE(true),
    /** Refused for good (e.g. 403): retrying cannot help. */
    PERMANENT_FAILURE(false);

    private final boolean retryable;

    SendOutcome(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
