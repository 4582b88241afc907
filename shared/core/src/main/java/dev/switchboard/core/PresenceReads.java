package dev.switchboard.core;

import static dev.switchboard.core.Arguments.requireRoom;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who is in a room: a member's paged {@code presence} (presence right) and the server side's whole listing. Part of
 * {@link Switchboard}.
 */
final class PresenceReads {

    private final ConnectionStore store;
    private final Clock clock;
    private final FrameAdmission admission;

    PresenceReads(Wiring wiring, FrameAdmission admission) {
        this.store = wiring.store();
        this.clock = wiring.clock();
        this.admission = admission;
    }

    /** As {@link Switchboard#presence}. */
    ServerFrame presence(String connectionId, ClientFrame.Presence presence) {
        FrameAdmission.Checked checked = admission.checkIn(connectionId, presence, presence.room(), RoomAction.PRESENCE);
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        PresenceCursor from = PresenceCursor.START;
        if (presence.cursor() != null) {
            Optional<PresenceCursor> read = PresenceCursor.decode(presence.room(), presence.cursor(), store.shards());
            if (read.isEmpty()) {
                return new ServerFrame.Error(ErrorCode.INVALID_FIELD, "cursor is not one that presence gave out for "
                        + "room '" + presence.room() + "'; ask again without a cursor", presence.id());
            }
            from = read.get();
        }
        return presencePage(presence.id(), presence.room(), from);
    }

    /** A member as one presence page read it: with the shard it came from, which the next page's cursor needs. */
    private record Listed(int shard, RoomMember member) {
    }

    /**
     * One page of presence from a position: the next {@link Limits#PRESENCE_PAGE_SIZE} members in shard order, then
     * in each shard's own order. It reads one member more than the page holds, so a page tells whether another
     * follows and the last page says it is the last. Members whose token expired take a place on the page but are
     * not listed, as they get nothing from the room any more.
     */
    private ServerFrame presencePage(String id, String room, PresenceCursor from) {
        int pageSize = Limits.PRESENCE_PAGE_SIZE;
        List<Listed> read = new ArrayList<>();
        int shard = from.shard();
        String after = from.after();
        while (shard < store.shards() && read.size() <= pageSize) {
            int wanted = pageSize + 1 - read.size();
            List<RoomMember> found = store.membersAfter(room, shard, after, wanted);
            for (RoomMember member : found.subList(0, Math.min(found.size(), wanted))) {
                read.add(new Listed(shard, member));
            }
            if (found.size() < wanted) {
                shard++;
                after = null;
            }
        }
        String cursor = null;
        if (read.size() > pageSize) {
            Listed last = read.get(pageSize - 1);
            Listed next = read.get(pageSize);
            cursor = (next.shard() == last.shard() ? new PresenceCursor(last.shard(), last.member().connectionId())
                    : new PresenceCursor(next.shard(), null)).encode(room);
        }
        Instant now = clock.instant();
        Map<String, Integer> byUser = new TreeMap<>();
        read.subList(0, Math.min(read.size(), pageSize)).stream().map(Listed::member)
                .filter(member -> member.liveAt(now))
                .forEach(member -> byUser.merge(member.userId(), 1, Integer::sum));
        List<ServerFrame.Member> members = new ArrayList<>();
        byUser.forEach((user, count) -> members.add(new ServerFrame.Member(user, count)));
        return new ServerFrame.Presence(id, room, members, cursor);
    }

    /** As {@link Switchboard#roomPresence}. */
    List<ServerFrame.Member> roomPresence(String room) {
        requireRoom(room);
        Map<String, Integer> byUser = new TreeMap<>();
        Instant now = clock.instant();
        store.roomMembers(room, Integer.MAX_VALUE).stream().filter(member -> member.liveAt(now))
                .forEach(member -> byUser.merge(member.userId(), 1, Integer::sum));
        List<ServerFrame.Member> members = new ArrayList<>();
        byUser.forEach((user, count) -> members.add(new ServerFrame.Member(user, count)));
        return members;
    }
}
