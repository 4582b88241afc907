package dev.switchboard.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One connection as a room's (or a user's) list holds it: enough to deliver to it without reading its record.
 *
 * @param connectionId   the member connection
 * @param userId         the user it connected as
 * @param rights         what it may do in the room ({@link Rights#NONE} in a user's list)
 * @param tokenExpiresAt when its token expires, null for never: from then on nothing is delivered to it
 */
public record RoomMember(String connectionId, String userId, Rights rights, Instant tokenExpiresAt) {
    public RoomMember {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(rights, "rights");
    }

    /** Whether its token still holds at {@code now}, so it may be delivered to. */
    public boolean liveAt(Instant now) {
        return tokenExpiresAt == null || now.isBefore(tokenExpiresAt);
    }
}
