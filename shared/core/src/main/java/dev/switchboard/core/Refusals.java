package dev.switchboard.core;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;

/** The error frames several of {@link Switchboard}'s parts answer with, worded once. */
final class Refusals {

    private Refusals() {
    }

    static ServerFrame forbidden(ClientFrame frame, RoomAction action, String room) {
        return new ServerFrame.Error(ErrorCode.FORBIDDEN,
                "not allowed to " + action.claimName() + " in room '" + room + "'", frame.id());
    }

    static ServerFrame unknownConnection(ClientFrame frame) {
        return unknownConnection(frame.id());
    }

    static ServerFrame unknownConnection(String frameId) {
        return new ServerFrame.Error(ErrorCode.UNKNOWN_CONNECTION, "connection is not registered; reconnect",
                frameId);
    }

    /** The connection kept changing under a read-decide-write: rare, and worth a retry. */
    static ServerFrame busy(ClientFrame frame) {
        return new ServerFrame.Error(ErrorCode.IN_PROGRESS,
                "the connection's rooms changed while this request was decided; retry", frame.id());
    }

    static ServerFrame notInRoom(ClientFrame frame, String room) {
        return new ServerFrame.Error(ErrorCode.NOT_IN_ROOM, "not a member of room '" + room + "'", frame.id());
    }

    /** A hook the stack consults did not decide in time or failed: the frame is refused (hooks fail closed). */
    static ServerFrame hookFailed(ClientFrame frame, String action) {
        return new ServerFrame.Error(ErrorCode.HOOK_FAILED, "the application could not decide on this " + action
                + " in time; retry", frame.id());
    }
}
