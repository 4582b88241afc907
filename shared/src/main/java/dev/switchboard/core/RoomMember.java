package dev.switchboard.core;

import java.util.Objects;

/**
 * One connection in a room, as the room's member list holds it.
 *
 * @param connectionId the member connection
 * @param userId       the user it connected as
 * @param rights       what it may do in the room
 */
public record RoomMember(String connectionId, String userId, Rights rights) {
    public RoomMember {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(rights, "rights");
    }
}
