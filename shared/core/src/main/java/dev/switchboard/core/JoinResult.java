package dev.switchboard.core;

/** Outcome of {@link ConnectionStore#join}. */
public enum JoinResult {
    JOINED,
    ALREADY_MEMBER,
    /** The connection is not registered (never connected, disconnected or expired). */
    UNKNOWN_CONNECTION,
    /** The connection is already in {@code maxRooms} rooms. */
    TOO_MANY_ROOMS,
    /** The connection's rooms or grant changed since it was read: read it again and decide anew. */
    CHANGED
}
