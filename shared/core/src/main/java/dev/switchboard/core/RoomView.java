package dev.switchboard.core;

import java.util.List;

/**
 * What a join, a leave or a disconnect needs to know of a room once its own write is done (see
 * {@link ConnectionStore#view}): who is in it, when it is small enough for presence events, and where its sequence
 * stands.
 *
 * @param members every member of the room when it has at most the number asked for; null when it has more, or when
 *                members were not asked for
 * @param counter the room's counter, read after the caller's write; null when not asked for
 */
public record RoomView(List<RoomMember> members, RoomHistory.Counter counter) {
    public RoomView {
        members = members == null ? null : List.copyOf(members);
    }
}
