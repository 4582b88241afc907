package dev.switchboard.core;

import java.util.Optional;

/**
 * What a connection may do in a room. A token grants these per room pattern (see {@link Capabilities}); the
 * {@link RoomPolicy} turns them into the {@link Rights} a membership carries.
 */
public enum RoomAction {
    /**
     * Join the room and receive its live messages. A membership whose rights lack it was made by the server side
     * ({@link Switchboard#addMember}): its member receives the room's messages all the same, and a token refresh
     * leaves it as it is.
     */
    JOIN("join", 'j'),
    /** Read what was sent before: resume from a position ({@code after}), page through the history. */
    HISTORY("history", 'h'),
    /** See who is in the room: the {@code presence} query and {@code presence_change} events. */
    PRESENCE("presence", 'p'),
    /** Send messages to the room. */
    SEND("send", 's');

    private final String claimName;
    private final char code;

    RoomAction(String claimName, char code) {
        this.claimName = claimName;
        this.code = code;
    }

    /** The name a token's capability claim uses, e.g. {@code "send"}. */
    public String claimName() {
        return claimName;
    }

    /** One letter, for the compact form kept in the authorizer context and the store. */
    public char code() {
        return code;
    }

    public static Optional<RoomAction> byClaimName(String name) {
        for (RoomAction action : values()) {
            if (action.claimName.equals(name)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }

    static Optional<RoomAction> byCode(char code) {
        for (RoomAction action : values()) {
            if (action.code == code) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
