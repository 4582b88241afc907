package dev.switchboard.local;

import io.netty.channel.Channel;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client socket as the emulated API Gateway knows it.
 *
 * @param invocations runs this connection's integrations one after another, in arrival order, bounded
 */
record LocalConnection(String id, Channel channel, Instant connectedAt, String sourceIp, String userAgent,
                       Map<String, String> authorizerContext, AtomicReference<Instant> lastActiveAt,
                       AtomicReference<CloseReason> closeReason, ConnectionQueue invocations) {

    /** Why a socket closed, as {@code $disconnect} reports it. */
    record CloseReason(int statusCode, String reason) {
    }

    LocalConnection {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        authorizerContext = Map.copyOf(authorizerContext);
    }

    void touch(Instant now) {
        lastActiveAt.set(now);
    }

    /** Records the first reason given for closing; later ones (e.g. the resulting TCP close) do not override it. */
    void closing(int statusCode, String reason) {
        closeReason.compareAndSet(null, new CloseReason(statusCode, reason));
    }
}
