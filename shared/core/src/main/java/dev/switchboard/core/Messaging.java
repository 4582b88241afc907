package dev.switchboard.core;

import static dev.switchboard.core.Refusals.forbidden;
import static dev.switchboard.core.Refusals.hookFailed;
import static dev.switchboard.core.Refusals.notInRoom;
import static dev.switchboard.core.Refusals.unknownConnection;
import static dev.switchboard.core.Wiring.MAX_ATTEMPTS;
import static dev.switchboard.core.Wiring.SENDER_DEADLINE;
import static dev.switchboard.core.Wiring.STORE_BUDGET;

import dev.switchboard.core.Switchboard.Sent;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Messages: a member's {@code send} and the server side's publish to a room (numbered, stored, then broadcast), and
 * direct messages to a user's connections, each made once per client id within the idempotency window. Part of
 * {@link Switchboard}.
 */
final class Messaging {

    private static final Logger LOG = Logger.getLogger(Switchboard.class.getName());

    private final ConnectionStore store;
    private final RoomHistory history;
    private final IdempotencyStore idempotency;
    private final Broadcaster broadcaster;
    private final Clock clock;
    private final CoreSettings settings;
    private final Supplier<String> messageIds;
    private final RoomPolicy policy;
    private final Quotas quotas;
    private final FrameAdmission admission;
    private final RoomDelivery delivery;
    private final Hooks hooks;

    Messaging(Wiring wiring, FrameAdmission admission, RoomDelivery delivery) {
        this.store = wiring.store();
        this.history = wiring.history();
        this.idempotency = wiring.idempotency();
        this.broadcaster = wiring.broadcaster();
        this.clock = wiring.clock();
        this.settings = wiring.settings();
        this.messageIds = wiring.messageIds();
        this.policy = wiring.policy();
        this.quotas = wiring.quotas();
        this.admission = admission;
        this.delivery = delivery;
        this.hooks = wiring.hooks();
    }

    /** As {@link Switchboard#send}. */
    Sent send(String connectionId, String userId, ClientFrame.Send send) {
        Instant now = clock.instant();
        ServerFrame limited = admission.limitedEarlier(connectionId, send.id(), now);
        if (limited != null) {
            return Sent.of(limited);
        }
        IdempotencyStore.SendKey key = send.id() == null ? null
                : new IdempotencyStore.SendKey(send.room(), userId, send.id());
        // With an onSend hook, the id is claimed only once the hook let the message go: a refused message must not
        // hold its id, or its retry would find it in progress.
        IdempotencyStore.Claiming claiming = key == null || hooks.hasOnSend() ? null : claiming(key, now);
        switch (store.admitSend(connectionId, send.room(), now, quotas, idempotency, claiming)) {
            case SendAdmission.Refused refused -> {
                return Sent.of(switch (refused.reason()) {
                    case UNKNOWN_CONNECTION -> unknownConnection(send);
                    case NOT_IN_ROOM -> notInRoom(send, send.room());
                    case FORBIDDEN -> forbidden(send, RoomAction.SEND, send.room());
                    case TOKEN_EXPIRED -> admission.expired(connectionId, refused.tokenExpiredAt(), send.id());
                    case RATE_LIMITED -> admission.limited(connectionId, send.id(), now, refused.retryAfter());
                });
            }
            case SendAdmission.Admitted admitted -> {
                if (!hooks.hasOnSend()) {
                    return create(send.room(), userId, send.data(), send.id(), key, admitted.claim());
                }
                return hooked(connectionId, userId, send, key, now);
            }
        }
    }

    /** A send the store admitted, once the onSend hook let it go (and with the data it gave, if any). */
    private Sent hooked(String connectionId, String userId, ClientFrame.Send send, IdempotencyStore.SendKey key,
                        Instant now) {
        String data = send.data();
        switch (hooks.onSend(connectionId, userId, send.room(), send.id(), data)) {
            case HookDecision.Deny denied -> {
                return Sent.of(new ServerFrame.Error(ErrorCode.FORBIDDEN,
                        "not allowed to send in room '" + send.room() + "': " + denied.reason(), send.id()));
            }
            case HookDecision.Fail failed -> {
                return Sent.of(hookFailed(send, "send"));
            }
            case HookDecision.Allow allowed -> data = allowed.data() != null ? allowed.data() : data;
        }
        IdempotencyStore.Claim claim = key == null ? new IdempotencyStore.Claim.Claimed()
                : idempotency.claim(claiming(key, now));
        return create(send.room(), userId, data, send.id(), key, claim);
    }

    /** As {@link Switchboard#publish}. */
    Sent publish(String room, String from, String data, String clientId) {
        IdempotencyStore.SendKey key = clientId == null ? null : new IdempotencyStore.SendKey(room, from, clientId);
        IdempotencyStore.Claim claim = key == null ? new IdempotencyStore.Claim.Claimed()
                : idempotency.claim(claiming(key, clock.instant()));
        return create(room, from, data, clientId, key, claim);
    }

    private IdempotencyStore.Claiming claiming(IdempotencyStore.Key key, Instant now) {
        return new IdempotencyStore.Claiming(key, now, now.plus(settings.idempotencyWindow()),
                now.minus(SENDER_DEADLINE));
    }

    /** Creates the message a claimed send (or a send without id) asks for, or answers the claim's earlier outcome. */
    private Sent create(String room, String from, String data, String clientId, IdempotencyStore.SendKey key,
                        IdempotencyStore.Claim claim) {
        switch (claim) {
            case IdempotencyStore.Claim.Completed done -> {
                return Sent.of(new ServerFrame.Ack(clientId, "send", done.messageId(), done.seq()));
            }
            case IdempotencyStore.Claim.Pending pending -> {
                return Sent.of(new ServerFrame.Error(ErrorCode.IN_PROGRESS,
                        "a send with this id is still in progress; retry", clientId));
            }
            case IdempotencyStore.Claim.Claimed claimed -> {
                // Ours: create the message below.
            }
        }
        Instant allocating = clock.instant();
        long seq = history.nextSeq(room, allocating);
        // Stamped after its seq was allocated, so a message's ts bounds the allocation time of every smaller seq.
        Instant stamped = clock.instant();
        if (stamped.isAfter(allocating.plus(STORE_BUDGET))) {
            // Too late to store it: readers may already be skipping this seq as one whose sender failed. Leave it a
            // hole; the idempotency claim stays pending until it is stale, then a retry of this id sends anew.
            return Sent.of(new ServerFrame.Error(ErrorCode.INTERNAL,
                    "the store was too slow to number this message; retry", clientId));
        }
        ServerFrame.Message message = new ServerFrame.Message(messageIds.get(), room, from, data,
                stamped.toEpochMilli(), seq);
        Instant expiresAt = stamped.plus(settings.historyRetention());
        if (key == null) {
            history.append(message, expiresAt);
        } else {
            history.append(message, expiresAt, idempotency, key);
        }
        BroadcastResult result = delivery.deliverToRoom(room, FrameCodec.encodeBytes(message));
        if (result.tooLarge() > 0) {
            return new Sent(new ServerFrame.Error(ErrorCode.PAYLOAD_TOO_LARGE,
                    "message exceeds the gateway's size limit for " + result.tooLarge() + " recipient(s)", clientId),
                    result);
        }
        return new Sent(new ServerFrame.Ack(clientId, "send", message.id(), seq, null, List.of(), result.deferred()),
                result);
    }

    /** As {@link Switchboard#direct}. */
    Sent direct(String connectionId, ClientFrame.Direct direct) {
        FrameAdmission.Checked checked = admission.check(connectionId, direct.id());
        if (checked.refusal() != null) {
            return Sent.of(checked.refusal());
        }
        Connection connection = checked.connection();
        if (!policy.mayDirect(connection.userId(), connection.grant().capabilities(), direct.user())) {
            return Sent.of(new ServerFrame.Error(ErrorCode.FORBIDDEN,
                    "not allowed to send direct messages to user '" + direct.user() + "'", direct.id()));
        }
        return publishToUser(direct.user(), connection.userId(), direct.data(), direct.id());
    }

    /** As {@link Switchboard#publishToUser}. */
    Sent publishToUser(String user, String from, String data, String clientId) {
        IdempotencyStore.DirectKey key = clientId == null ? null
                : new IdempotencyStore.DirectKey(user, from, clientId);
        if (key != null) {
            switch (idempotency.claim(claiming(key, clock.instant()))) {
                case IdempotencyStore.Claim.Completed done -> {
                    return Sent.of(new ServerFrame.Ack(clientId, "direct", done.messageId()));
                }
                case IdempotencyStore.Claim.Pending pending -> {
                    return Sent.of(new ServerFrame.Error(ErrorCode.IN_PROGRESS,
                            "a direct message with this id is still in progress; retry", clientId));
                }
                case IdempotencyStore.Claim.Claimed claimed -> {
                    // Ours: deliver it below.
                }
            }
        }
        ServerFrame.Direct message = new ServerFrame.Direct(messageIds.get(), from, data, clock.millis());
        BroadcastResult result = broadcaster.broadcast(delivery.live(store.userConnections(user)),
                FrameCodec.encodeBytes(message));
        if (key != null) {
            complete(key, message.id());
        }
        return new Sent(new ServerFrame.Ack(clientId, "direct", message.id(), null, null, List.of(),
                result.deferred()), result);
    }

    /**
     * Records a delivered direct message under its idempotency key, trying a few times: the message is out, so a
     * failure here must not become an error (the client would send it again). Should every try fail, the claim
     * stays pending until it is stale, and only a retry after that could deliver the message twice.
     */
    private void complete(IdempotencyStore.Key key, String messageId) {
        for (int attempt = 1; ; attempt++) {
            try {
                idempotency.complete(key, messageId, 0);
                return;
            } catch (RuntimeException e) {
                if (attempt == MAX_ATTEMPTS) {
                    LOG.log(Level.WARNING, "could not record direct message " + messageId + " as sent: " + e);
                    return;
                }
            }
        }
    }
}
