package dev.switchboard.core;

import static dev.switchboard.core.Arguments.requireRoom;
import static dev.switchboard.core.Arguments.requireUser;
import static dev.switchboard.core.Refusals.busy;
import static dev.switchboard.core.Refusals.forbidden;
import static dev.switchboard.core.Refusals.hookFailed;
import static dev.switchboard.core.Refusals.notInRoom;
import static dev.switchboard.core.Refusals.unknownConnection;
import static dev.switchboard.core.Wiring.MAX_ATTEMPTS;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Joins and leaves: a client's own, decided by the room policy from its token's grant, and those the server side
 * makes for a user's open connections. Part of {@link Switchboard}.
 */
final class Memberships {

    private final ConnectionStore store;
    private final RoomHistory history;
    private final Clock clock;
    private final CoreSettings settings;
    private final RoomPolicy policy;
    private final FrameAdmission admission;
    private final Announcements announcements;
    private final HistoryReads histories;
    private final Hooks hooks;

    Memberships(Wiring wiring, FrameAdmission admission, Announcements announcements, HistoryReads histories) {
        this.store = wiring.store();
        this.history = wiring.history();
        this.clock = wiring.clock();
        this.settings = wiring.settings();
        this.policy = wiring.policy();
        this.admission = admission;
        this.announcements = announcements;
        this.histories = histories;
        this.hooks = wiring.hooks();
    }

    /** As {@link Switchboard#join}. */
    ServerFrame join(String connectionId, ClientFrame.Join join) {
        FrameAdmission.Checked checked = admission.check(connectionId, join.id());
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        Connection connection = checked.connection();
        HookDecision hooked = null;
        for (int attempt = 1; ; attempt++) {
            Rights rights = policy.rights(connection.userId(), connection.grant().capabilities(), join.room());
            if (asksOnJoin(connection, join.room())) {
                hooked = hooked != null ? hooked : hooks.onJoin(connection, join.room(), rights);
                switch (hooked) {
                    case HookDecision.Deny denied -> {
                        return new ServerFrame.Error(ErrorCode.FORBIDDEN,
                                "not allowed to join room '" + join.room() + "': " + denied.reason(), join.id());
                    }
                    case HookDecision.Fail failed -> {
                        return hookFailed(join, "join");
                    }
                    case HookDecision.Allow allowed -> rights = admittedByHook(rights, allowed.rights());
                }
            } else if (keptFromHook(connection, join.room())) {
                rights = connection.rightsIn(join.room());
            } else if (!rights.allows(RoomAction.JOIN)) {
                return forbidden(join, RoomAction.JOIN, join.room());
            }
            if (join.after() != null && !rights.allows(RoomAction.HISTORY)) {
                return forbidden(join, RoomAction.HISTORY, join.room());
            }
            JoinResult result = connection.isIn(join.room()) ? JoinResult.ALREADY_MEMBER
                    : store.join(connection, join.room(), rights, settings.maxRooms());
            switch (result) {
                case UNKNOWN_CONNECTION -> {
                    return unknownConnection(join);
                }
                case TOO_MANY_ROOMS -> {
                    return new ServerFrame.Error(ErrorCode.TOO_MANY_ROOMS,
                            "a connection may be in at most " + settings.maxRooms() + " rooms", join.id());
                }
                case CHANGED -> {
                    Optional<Connection> reread = store.find(connectionId);
                    if (reread.isEmpty()) {
                        return unknownConnection(join);
                    }
                    if (attempt == MAX_ATTEMPTS) {
                        return busy(join);
                    }
                    connection = reread.get();
                    continue;
                }
                case JOINED, ALREADY_MEMBER -> {
                    // Re-joining is harmless: answered as a first join, but announced to nobody.
                }
            }
            // After the membership is written: a message numbered after this counter reaches the joiner live.
            boolean joined = result == JoinResult.JOINED;
            RoomView room = store.view(join.room(), joined ? announcements.presenceListing() : -1, history, clock.instant());
            if (joined) {
                announcements.tell(join.room(), connection.userId(), ServerFrame.PresenceChange.JOINED, Integer.MAX_VALUE,
                        room.members());
            }
            if (join.after() != null) {
                return histories.historyPage(join.id(), join.room(), join.after(), room.counter());
            }
            return new ServerFrame.Ack(join.id(), "join", null, room.counter().latest());
        }
    }

    /**
     * Whether a join is for the onJoin hook to decide: one is configured, the connection is not a member yet (a
     * membership keeps the decision), and the room is nobody's personal room (those are their owner's alone).
     */
    private boolean asksOnJoin(Connection connection, String room) {
        return hooks.hasOnJoin() && !connection.isIn(room) && Limits.personalRoomOwner(room).isEmpty();
    }

    /**
     * Whether a join repeats a membership the onJoin hook decided: the membership keeps that decision, so the member
     * is answered with the rights it holds, without asking the hook or the token again.
     */
    private boolean keptFromHook(Connection connection, String room) {
        return hooks.hasOnJoin() && connection.isIn(room) && Limits.personalRoomOwner(room).isEmpty();
    }

    /**
     * The rights of a membership the onJoin hook admitted: what the token grants in the room and what the hook
     * grants, without {@link RoomAction#JOIN}. The application decided it, so a token {@code refresh} keeps it as
     * it is, as it keeps memberships the server made ({@link Switchboard#addMember}).
     */
    private static Rights admittedByHook(Rights token, Rights granted) {
        EnumSet<RoomAction> actions = EnumSet.noneOf(RoomAction.class);
        actions.addAll(token.union(granted).actions());
        actions.remove(RoomAction.JOIN);
        return new Rights(actions);
    }

    /** As {@link Switchboard#leave}. */
    ServerFrame leave(String connectionId, ClientFrame.Leave leave) {
        FrameAdmission.Checked checked = admission.check(connectionId, leave.id());
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        if (!store.leave(connectionId, leave.room())) {
            return notInRoom(leave, leave.room());
        }
        announcements.announce(leave.room(), checked.connection().userId(), ServerFrame.PresenceChange.LEFT);
        return new ServerFrame.Ack(leave.id(), "leave", null);
    }

    /** As {@link Switchboard#addMember}. */
    List<MemberChange> addMember(String userId, String room, Rights rights) {
        requireUser(userId);
        requireRoom(room);
        Objects.requireNonNull(rights, "rights");
        if (rights.allows(RoomAction.JOIN)) {
            throw new IllegalArgumentException("rights of a membership the server makes cannot include 'join': "
                    + "whether a connection may join by itself is its token's business");
        }
        List<MemberChange> changes = new ArrayList<>();
        for (RoomMember listed : store.userConnections(userId)) {
            JoinResult joined = store.join(listed.connectionId(), room, rights, settings.maxRooms());
            if (joined == JoinResult.JOINED) {
                announcements.announce(room, userId, ServerFrame.PresenceChange.JOINED);
            }
            changes.add(new MemberChange(listed.connectionId(), switch (joined) {
                case JOINED -> MemberChange.Outcome.JOINED;
                case ALREADY_MEMBER -> MemberChange.Outcome.ALREADY_MEMBER;
                case TOO_MANY_ROOMS -> MemberChange.Outcome.TOO_MANY_ROOMS;
                case UNKNOWN_CONNECTION -> MemberChange.Outcome.GONE;
                case CHANGED -> MemberChange.Outcome.BUSY;
            }));
        }
        return changes;
    }

    /** As {@link Switchboard#removeMember}. */
    List<MemberChange> removeMember(String userId, String room) {
        requireUser(userId);
        requireRoom(room);
        List<MemberChange> changes = new ArrayList<>();
        for (RoomMember listed : store.userConnections(userId)) {
            boolean left = store.leave(listed.connectionId(), room);
            if (left) {
                announcements.announce(room, userId, ServerFrame.PresenceChange.LEFT);
            }
            changes.add(new MemberChange(listed.connectionId(),
                    left ? MemberChange.Outcome.LEFT : MemberChange.Outcome.NOT_A_MEMBER));
        }
        return changes;
    }
}
