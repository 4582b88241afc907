package dev.switchboard.core;

import dev.switchboard.protocol.Limits;

/**
 * Decides what a connection may do in a room, and whom it may message directly, from its user id and its token's
 * {@link Capabilities}. Consulted when a connection joins a room or refreshes its token; the answer is kept with
 * the membership, so frames in between cost no decision and no store call. Server-side publishing (the queue,
 * {@code POST /publish}) is trusted and never asks.
 *
 * <p>Personal rooms are the same under every policy: {@code inbox~alice} is alice's alone (see
 * {@link Limits#personalRoomOwner}), whatever capabilities anyone holds.
 *
 * <pre>{@code
 * RoomPolicy policy = RoomPolicy.claims();
 * Capabilities caps = Capabilities.fromCompact("team-42:*=jhps|");
 * policy.rights("alice", caps, "team-42:general");   // join, history, presence, send
 * policy.rights("alice", caps, "team-7:general");    // none: deny by default
 * }</pre>
 */
public interface RoomPolicy {

    /** Rights of {@code userId}, holding {@code capabilities}, in {@code room}; {@link Rights#NONE} to refuse it. */
    Rights rights(String userId, Capabilities capabilities, String room);

    /** Whether {@code userId}, holding {@code capabilities}, may send {@code direct} messages to {@code target}. */
    boolean mayDirect(String userId, Capabilities capabilities, String target);

    /** The policy's name as configured: {@code claims} or {@code open}. */
    String mode();

    /** Deny by default: only what the token's capabilities grant, plus the user's own personal rooms. */
    static RoomPolicy claims() {
        return Policies.CLAIMS;
    }

    /**
     * Every connection may do everything (but enter another user's personal room): for demos and local work, never
     * chosen by default.
     */
    static RoomPolicy open() {
        return Policies.OPEN;
    }

    /** The policy of a configuration value: {@code claims} or {@code open}. */
    static RoomPolicy named(String name) {
        return switch (name) {
            case "claims" -> claims();
            case "open" -> open();
            default -> throw new IllegalArgumentException("policy must be 'claims' or 'open', was '" + name + "'");
        };
    }
}

/** The two built-in policies; personal rooms decided in one place for both. */
enum Policies implements RoomPolicy {
    CLAIMS {
        @Override
        Rights granted(Capabilities capabilities, String room) {
            return capabilities.rightsIn(room);
        }

        @Override
        public boolean mayDirect(String userId, Capabilities capabilities, String target) {
            return capabilities.mayDirect(target);
        }
    },
    OPEN {
        @Override
        Rights granted(Capabilities capabilities, String room) {
            return Rights.ALL;
        }

        @Override
        public boolean mayDirect(String userId, Capabilities capabilities, String target) {
            return true;
        }
    };

    abstract Rights granted(Capabilities capabilities, String room);

    @Override
    public Rights rights(String userId, Capabilities capabilities, String room) {
        return Limits.personalRoomOwner(room)
                .map(owner -> owner.equals(userId) ? Rights.ALL : Rights.NONE)
                .orElseGet(() -> granted(capabilities, room));
    }

    @Override
    public String mode() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
