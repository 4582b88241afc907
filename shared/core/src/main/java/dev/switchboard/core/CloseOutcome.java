package dev.switchboard.core;

/** What closing a connection from the server side came to (API Gateway: the answer to its {@code DELETE}). */
public enum CloseOutcome {
    /** The gateway closed it (204); its {@code $disconnect} follows. */
    CLOSED,
    /** It was closed already (410). */
    ALREADY_GONE,
    /** The close failed (throttled, refused, a server or network error): the connection may still be open. */
    FAILED
}
