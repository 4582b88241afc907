package dev.switchboard.protocol;

import java.util.List;

/**
 * What a trusted backend asks of Switchboard without holding a socket, through the publish queue (SQS) or, locally,
 * {@code POST /publish}. The JSON names the operation in {@code op}; without one it is a {@link PublishRequest}, as
 * before operations existed. Each record checks its fields when built, so a request that exists is valid.
 *
 * <pre>{@code
 * {"room": "news", "data": {"headline": "…"}}                         // publish (op absent)
 * {"op": "addMember", "user": "alice", "room": "order-42", "rights": ["history", "send"]}
 * {"op": "removeMember", "user": "alice", "room": "order-42"}
 * {"op": "disconnect", "user": "alice"}
 * {"op": "disconnect", "connectionId": "L0SM9cOFvHcCIhw="}
 * }</pre>
 */
public sealed interface ServerRequest
        permits PublishRequest, ServerRequest.Disconnect, ServerRequest.AddMember, ServerRequest.RemoveMember {

    /** The {@code op} of a publish (also what a request without {@code op} is). */
    String PUBLISH = "publish";
    String DISCONNECT = "disconnect";
    String ADD_MEMBER = "addMember";
    String REMOVE_MEMBER = "removeMember";

    /** Most entries of an {@code addMember}'s {@code rights}. */
    int MAX_RIGHTS = 8;

    /** The request's own id (names it in logs and errors; a publish is also idempotent by it), or null. */
    String id();

    /**
     * Closes every open connection of a user, or one connection, from the server side.
     *
     * @param user         whose connections to close, or null
     * @param connectionId the one connection to close, or null; exactly one of the two is given
     * @param id           optional request id
     */
    record Disconnect(String user, String connectionId, String id) implements ServerRequest {
        public Disconnect {
            if ((user == null) == (connectionId == null)) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD,
                        "disconnect needs exactly one of 'user' or 'connectionId'", id);
            }
            if (user != null && !Limits.isValidUser(user)) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "invalid user id", id);
            }
            if (connectionId != null && !Limits.isValidConnectionId(connectionId)) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "invalid connection id", id);
            }
        }
    }

    /**
     * Makes every open connection of a user a member of a room, whatever its token says (the server side is
     * trusted). The rights are named as in a token's capabilities ({@code history}, {@code presence}, {@code send});
     * which names are valid is the core's business, so they are checked where they are turned into rights.
     *
     * @param user   whose connections join
     * @param room   the room
     * @param rights what the members may do in the room besides receiving its messages; null for the default
     * @param id     optional request id
     */
    record AddMember(String user, String room, List<String> rights, String id) implements ServerRequest {
        public AddMember {
            requireUserAndRoom(user, room, id);
            if (rights != null) {
                if (rights.size() > MAX_RIGHTS || rights.stream().anyMatch(right -> right == null
                        || right.isEmpty() || right.length() > Limits.MAX_ID_LENGTH)) {
                    throw new ProtocolException(ErrorCode.INVALID_FIELD,
                            "'rights' must be a list of at most " + MAX_RIGHTS + " right names", id);
                }
                rights = List.copyOf(rights);
            }
        }
    }

    /**
     * Takes every open connection of a user out of a room, however it joined.
     *
     * @param user whose connections leave
     * @param room the room
     * @param id   optional request id
     */
    record RemoveMember(String user, String room, String id) implements ServerRequest {
        public RemoveMember {
            requireUserAndRoom(user, room, id);
        }
    }

    private static void requireUserAndRoom(String user, String room, String id) {
        if (user == null || room == null) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "'user' and 'room' are required", id);
        }
        if (!Limits.isValidUser(user)) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "invalid user id", id);
        }
        if (!Limits.isValidRoom(room)) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, "invalid room name", id);
        }
    }
}
