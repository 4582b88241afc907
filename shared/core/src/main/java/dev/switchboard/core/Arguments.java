package dev.switchboard.core;

import dev.switchboard.protocol.Limits;

/** Checks of what the trusted server side passes in: it is trusted with rights, not with well-formed input. */
final class Arguments {

    private Arguments() {
    }

    static void requireUser(String userId) {
        if (!Limits.isValidUser(userId)) {
            throw new IllegalArgumentException("invalid user id: 1-" + Limits.MAX_USER_LENGTH
                    + " characters, no control characters");
        }
    }

    static void requireRoom(String room) {
        if (!Limits.isValidRoom(room)) {
            throw new IllegalArgumentException("invalid room name: 1-" + Limits.MAX_ROOM_LENGTH
                    + " characters of letters, digits, _ . : - ~");
        }
    }

    static void requireConnectionId(String connectionId) {
        if (!Limits.isValidConnectionId(connectionId)) {
            throw new IllegalArgumentException("invalid connection id: 1-" + Limits.MAX_CONNECTION_ID_LENGTH
                    + " characters of letters, digits, + / = _ -");
        }
    }
}
