package dev.switchboard.core;

import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.util.Collection;
import java.util.List;

/**
 * Tells rooms who joined and who left: a user's first connection in a room, or its last one, to the members who may
 * see presence, unless presence events are off or the room is too big for them. Part of {@link Switchboard}.
 */
final class Announcements {

    private final ConnectionStore store;
    private final Broadcaster notices;
    private final Clock clock;
    private final CoreSettings settings;
    private final Quotas quotas;
    private final RoomDelivery delivery;

    Announcements(Wiring wiring, RoomDelivery delivery) {
        this.store = wiring.store();
        this.notices = wiring.notices();
        this.clock = wiring.clock();
        this.settings = wiring.settings();
        this.quotas = wiring.quotas();
        this.delivery = delivery;
    }

    /** Tells each room the user left, within the per-disconnect budget of posts; returns the rooms not told. */
    int announceLeaving(Collection<String> rooms, String userId) {
        int budget = quotas.presencePostsPerDisconnect();
        int notTold = 0;
        for (String room : rooms) {
            int posted = announce(room, userId, ServerFrame.PresenceChange.LEFT, budget);
            if (posted < 0) {
                notTold++;
            } else {
                budget -= posted;
            }
        }
        return notTold;
    }

    /**
     * Tells a room's members who may see presence that a user's first connection joined or last connection left,
     * unless presence is off or the room is too big for it.
     */
    void announce(String room, String userId, String event) {
        announce(room, userId, event, Integer.MAX_VALUE);
    }

    /**
     * As above, posting at most {@code budget} times: returns the posts made (0 when there was nothing to tell), or
     * -1 when the room had watchers to tell and they were more than the budget, so none was told.
     */
    private int announce(String room, String userId, String event, int budget) {
        if (!settings.presenceEvents()) {
            return 0;
        }
        return tell(room, userId, event, budget, store.view(room, presenceListing(), null, clock.instant()).members());
    }

    /**
     * How many members a room may have and still be told of joins and leaves: the most a {@link RoomView} lists
     * for presence, or -1 (none wanted) when presence events are off.
     */
    int presenceListing() {
        return settings.presenceEvents() ? settings.presenceMaxRoomSize() : -1;
    }

    /**
     * Tells the room's watchers of a user's first joining or last leaving connection, given the room's members as
     * a {@link RoomView} lists them (null: too big for presence events, or presence is off); returns as
     * {@link #announce(String, String, String, int)} does.
     */
    int tell(String room, String userId, String event, int budget, List<RoomMember> members) {
        if (members == null || members.isEmpty()) {
            return 0;
        }
        long sameUser = members.stream().filter(member -> member.userId().equals(userId)).count();
        boolean firstOrLast = event.equals(ServerFrame.PresenceChange.JOINED) ? sameUser == 1 : sameUser == 0;
        if (!firstOrLast) {
            return 0;
        }
        List<String> watchers = delivery.live(members.stream()
                .filter(member -> member.rights().allows(RoomAction.PRESENCE)).toList());
        if (watchers.size() > budget) {
            return -1;
        }
        notices.broadcast(watchers, FrameCodec.encodeBytes(new ServerFrame.PresenceChange(room, event, userId)));
        return watchers.size();
    }
}
