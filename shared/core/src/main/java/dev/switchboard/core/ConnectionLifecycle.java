package dev.switchboard.core;

import static dev.switchboard.core.Arguments.requireConnectionId;
import static dev.switchboard.core.Arguments.requireUser;

import dev.switchboard.core.Switchboard.Connected;
import dev.switchboard.core.Switchboard.Disconnected;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code $connect} and {@code $disconnect}, and the server side's closing of connections: what registers a
 * connection and what forgets it, its memberships and its presence with it. Part of {@link Switchboard}.
 */
final class ConnectionLifecycle {

    private final ConnectionStore store;
    private final Clock clock;
    private final CoreSettings settings;
    private final Quotas quotas;
    private final ConnectionCloser closer;
    private final ConnectionProbe probe;
    private final Announcements announcements;
    private final Hooks hooks;

    ConnectionLifecycle(Wiring wiring, Announcements announcements) {
        this.store = wiring.store();
        this.clock = wiring.clock();
        this.settings = wiring.settings();
        this.quotas = wiring.quotas();
        this.closer = wiring.closer();
        this.probe = wiring.probe();
        this.announcements = announcements;
        this.hooks = wiring.hooks();
    }

    /** As {@link Switchboard#connect}. */
    Connected connect(String connectionId, String userId, String sourceIp, Grant grant) {
        List<RoomMember> open = store.userConnections(userId);
        int limit = quotas.connectionsPerUser();
        if (open.size() >= limit) {
            long stillOpen = open.stream().filter(listed -> !prunedIfGone(listed.connectionId())).count();
            if (stillOpen >= limit) {
                return new Connected.TooManyConnections((int) stillOpen, limit);
            }
        }
        String attributes = null;
        if (hooks.hasOnConnect()) {
            switch (hooks.onConnect(connectionId, userId, sourceIp, grant)) {
                case HookDecision.Deny denied -> {
                    return new Connected.Denied(denied.reason());
                }
                case HookDecision.Fail failed -> {
                    return new Connected.HookFailed(failed.reason());
                }
                case HookDecision.Allow allowed -> attributes = allowed.attributes();
            }
        }
        Instant now = clock.instant();
        Connection connection = new Connection(connectionId, userId, now, sourceIp,
                now.plus(settings.connectionTtl()), grant, Map.of(), 0, attributes);
        store.register(connection);
        return new Connected.Accepted(connection);
    }

    /** Whether the listed connection was found gone (and so pruned, as a post that met a 410 would prune it). */
    private boolean prunedIfGone(String connectionId) {
        if (probe == null || !probe.isGone(connectionId)) {
            return false;
        }
        store.remove(connectionId);
        return true;
    }

    /** As {@link Switchboard#disconnect}. */
    Disconnected disconnect(String connectionId) {
        Optional<Connection> gone = store.forget(connectionId);
        if (gone.isEmpty()) {
            return new Disconnected(Set.of(), 0);
        }
        Set<String> rooms = gone.get().rooms().keySet();
        return new Disconnected(rooms, announcements.announceLeaving(rooms, gone.get().userId()));
    }

    /** As {@link Switchboard#closeConnection}. */
    Closed closeConnection(String connectionId) {
        requireConnectionId(connectionId);
        CloseOutcome outcome = closer.attemptClose(connectionId);
        if (outcome != CloseOutcome.FAILED) {
            disconnect(connectionId);
        }
        return new Closed(connectionId, outcome);
    }

    /** As {@link Switchboard#closeUser}. */
    List<Closed> closeUser(String userId) {
        requireUser(userId);
        return store.userConnections(userId).stream().map(listed -> closeConnection(listed.connectionId()))
                .toList();
    }
}
