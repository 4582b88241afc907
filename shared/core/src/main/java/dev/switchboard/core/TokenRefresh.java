package dev.switchboard.core;

import static dev.switchboard.core.Refusals.busy;
import static dev.switchboard.core.Refusals.unknownConnection;
import static dev.switchboard.core.Wiring.MAX_ATTEMPTS;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code refresh}: a connection's new token replaces its grant, and the rights in every room it joined itself are
 * decided anew. Part of {@link Switchboard}.
 */
final class TokenRefresh {

    private final ConnectionStore store;
    private final Clock clock;
    private final RoomPolicy policy;
    private final FrameAdmission admission;
    private final Announcements announcements;

    TokenRefresh(Wiring wiring, FrameAdmission admission, Announcements announcements) {
        this.store = wiring.store();
        this.clock = wiring.clock();
        this.policy = wiring.policy();
        this.admission = admission;
        this.announcements = announcements;
    }

    /** As {@link Switchboard#refresh}. */
    ServerFrame refresh(String connectionId, ClientFrame.Refresh refresh, String tokenUserId, Grant grant) {
        FrameAdmission.Checked admitted = admission.admitFrame(connectionId, refresh.id());
        if (admitted.refusal() != null) {
            return admitted.refusal();
        }
        Optional<Connection> found = Optional.of(admitted.connection());
        for (int attempt = 1; ; attempt++) {
            if (found.isEmpty()) {
                return unknownConnection(refresh);
            }
            Connection connection = found.get();
            if (!connection.userId().equals(tokenUserId)) {
                return refusedRefresh(connection, refresh, "the token is for another user than this connection's");
            }
            if (grant.expiredAt(clock.instant())) {
                return refusedRefresh(connection, refresh, "the token has already expired");
            }
            Map<String, Rights> kept = new HashMap<>();
            List<String> revoked = new ArrayList<>();
            connection.rooms().keySet().stream().sorted().forEach(room -> {
                Rights held = connection.rightsIn(room);
                if (!held.allows(RoomAction.JOIN)) {
                    // The server made this membership (addMember): the token has no say in it.
                    kept.put(room, held);
                    return;
                }
                Rights rights = policy.rights(connection.userId(), grant.capabilities(), room);
                if (rights.allows(RoomAction.JOIN)) {
                    kept.put(room, rights);
                } else {
                    revoked.add(room);
                }
            });
            switch (store.regrant(connection, grant, kept)) {
                case UNKNOWN_CONNECTION -> {
                    return unknownConnection(refresh);
                }
                case CHANGED -> {
                    if (attempt == MAX_ATTEMPTS) {
                        return busy(refresh);
                    }
                    found = store.find(connectionId);
                    continue;
                }
                default -> {
                }
            }
            announcements.announceLeaving(revoked, connection.userId());
            Long exp = grant.expiresAt() == null ? null : grant.expiresAt().getEpochSecond();
            return new ServerFrame.Ack(refresh.id(), "refresh", null, null, exp, revoked);
        }
    }

    /** As {@link Switchboard#refuseRefresh}. */
    ServerFrame refuseRefresh(String connectionId, ClientFrame.Refresh refresh, String reason) {
        FrameAdmission.Checked admitted = admission.admitFrame(connectionId, refresh.id());
        if (admitted.refusal() != null) {
            return admitted.refusal();
        }
        return refusedRefresh(admitted.connection(), refresh, reason);
    }

    private ServerFrame refusedRefresh(Connection connection, ClientFrame.Refresh refresh, String reason) {
        if (connection.grant().expiredAt(clock.instant())) {
            return admission.expired(connection.connectionId(), connection.grant().expiresAt(), refresh.id());
        }
        return new ServerFrame.Error(ErrorCode.FORBIDDEN, "refresh refused: " + reason, refresh.id());
    }
}
