package dev.switchboard.core;

import static dev.switchboard.core.Refusals.forbidden;
import static dev.switchboard.core.Refusals.notInRoom;
import static dev.switchboard.core.Refusals.unknownConnection;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Whether a frame may be served at all: its connection known, within its frame quota, with a token still valid and,
 * where the route needs it, in the room with the right. A connection whose token expired, or that keeps flooding,
 * is told why and closed. Part of {@link Switchboard}.
 */
final class FrameAdmission {

    private final ConnectionStore store;
    private final Broadcaster notices;
    private final Clock clock;
    private final Quotas quotas;
    private final ConnectionCloser closer;
    private final FrameGuard guard;
    private final ConnectionLifecycle connections;

    FrameAdmission(Wiring wiring, ConnectionLifecycle connections) {
        this.store = wiring.store();
        this.notices = wiring.notices();
        this.clock = wiring.clock();
        this.quotas = wiring.quotas();
        this.closer = wiring.closer();
        this.guard = wiring.guard();
        this.connections = connections;
    }

    /** The connection a frame came from, or the reply that refuses the frame. */
    record Checked(Connection connection, ServerFrame refusal) {
    }

    /** As {@link Switchboard#ping}. */
    ServerFrame ping(String connectionId, ClientFrame.Ping ping) {
        Checked checked = check(connectionId, ping.id());
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        return new ServerFrame.Pong(ping.id(), clock.millis());
    }

    /** As {@link Switchboard#refuse}. */
    ServerFrame refuse(String connectionId, ServerFrame.Error error) {
        Checked checked = check(connectionId, error.id());
        // An unknown connection learns more from what was wrong with its frame.
        return checked.refusal() instanceof ServerFrame.Error refusal && refusal.code() != ErrorCode.UNKNOWN_CONNECTION
                ? refusal : error;
    }

    /** The frame's connection, admitted within its quota and with a token still valid; an expired one is closed. */
    Checked check(String connectionId, String frameId) {
        Checked admitted = admitFrame(connectionId, frameId);
        if (admitted.refusal() != null) {
            return admitted;
        }
        Grant grant = admitted.connection().grant();
        if (grant.expiredAt(clock.instant())) {
            return new Checked(admitted.connection(), expired(connectionId, grant.expiresAt(), frameId));
        }
        return admitted;
    }

    /** As {@link Switchboard#admit}. */
    CallAdmission admitCall(String connectionId, String frameId) {
        Checked checked = check(connectionId, frameId);
        return checked.refusal() != null ? new CallAdmission.Refused(checked.refusal())
                : new CallAdmission.Admitted(checked.connection());
    }

    /** The frame's connection, known and within its frame quota (its token not checked). */
    Checked admitFrame(String connectionId, String frameId) {
        Instant now = clock.instant();
        ServerFrame limited = limitedEarlier(connectionId, frameId, now);
        if (limited != null) {
            return new Checked(null, limited);
        }
        return switch (store.admit(connectionId, now, quotas)) {
            case Admission.Unknown unknown -> new Checked(null, unknownConnection(frameId));
            case Admission.Limited over -> new Checked(null, limited(connectionId, frameId, now, over.retryAfter()));
            case Admission.Admitted admitted -> new Checked(admitted.connection(), null);
        };
    }

    /** As {@link #check}, and the connection is in the room with the right to do {@code action} there. */
    Checked checkIn(String connectionId, ClientFrame frame, String room, RoomAction action) {
        Checked checked = check(connectionId, frame.id());
        if (checked.refusal() != null) {
            return checked;
        }
        if (!checked.connection().isIn(room)) {
            return new Checked(checked.connection(), notInRoom(frame, room));
        }
        if (!checked.connection().rightsIn(room).allows(action)) {
            return new Checked(checked.connection(), forbidden(frame, action, room));
        }
        return checked;
    }

    /** The refusal for a connection this process already refused in the current window, without a store call. */
    ServerFrame limitedEarlier(String connectionId, String frameId, Instant now) {
        if (!guard.refusedIn(connectionId, quotas.frameWindowOf(now))) {
            return null;
        }
        return limited(connectionId, frameId, now, quotas.untilNextWindow(now));
    }

    /**
     * The refusal of a frame over the connection's quota. One refused a whole burst's worth of times in one window
     * keeps sending regardless: it is told why and disconnected.
     */
    ServerFrame limited(String connectionId, String frameId, Instant now, Duration retryAfter) {
        int refused = guard.refuse(connectionId, quotas.frameWindowOf(now));
        if (refused >= quotas.frameBurst()) {
            guard.forget(connectionId);
            return closeWith(connectionId, new ServerFrame.Error(ErrorCode.RATE_LIMITED,
                    "closing the connection: it kept sending past its quota of " + quotas.frameBurst()
                            + " frames per " + quotas.frameWindow().toMillis() + " ms", frameId,
                    retryAfter.toMillis()));
        }
        return new ServerFrame.Error(ErrorCode.RATE_LIMITED, "more than " + quotas.frameBurst() + " frames in "
                + quotas.frameWindow().toMillis() + " ms; retry after the window", frameId, retryAfter.toMillis());
    }

    /**
     * The reply to a frame that came after the connection's token expired. The connection is closed, so the reply
     * is posted before the close: the route's own reply would find the socket gone.
     */
    ServerFrame expired(String connectionId, Instant expiredAt, String frameId) {
        return closeWith(connectionId, new ServerFrame.Error(ErrorCode.TOKEN_EXPIRED,
                "the connection's token expired at " + expiredAt + "; reconnect with a fresh token", frameId));
    }

    /**
     * Posts the error to the connection, takes it out of its rooms (telling them, as a disconnect does), then closes
     * it: should the close fail, the connection is still gone from every room and gets nothing more.
     */
    ServerFrame closeWith(String connectionId, ServerFrame.Error error) {
        notices.broadcast(List.of(connectionId), FrameCodec.encodeBytes(error));
        connections.disconnect(connectionId);
        closer.close(connectionId);
        return error;
    }
}
