package dev.switchboard.client;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.random.RandomGenerator;

/**
 * Keeps the open connection's token fresh: ahead of its expiry, asks the provider for a new one and sends it with
 * {@code refresh}; a refused refresh is reported and retried with backoff while the token is still valid. Rooms the
 * new token no longer grants are reported lost. Touched on the loop thread only.
 */
final class TokenRefresher {

    private final TokenSource tokens;
    private final Connection connection;
    private final PendingRequests requests;
    private final RoomTracker rooms;
    private final ClientIds ids;
    private final ClientLoop loop;
    private final Backoff backoff;
    private final RandomGenerator random;

    /** The token the open connection holds (presented at connect, or its last refresh); null without one. */
    private String token;
    /** When {@link #token} expires; null when it does not (or cannot be read). */
    private Instant tokenExpiry;
    private ScheduledFuture<?> timer;
    private int failures;
    /** TOKEN_EXPIRED was reported for the current connection. */
    private boolean expiryReported;

    TokenRefresher(TokenSource tokens, Connection connection, PendingRequests requests, RoomTracker rooms,
                   ClientIds ids, ClientLoop loop, Backoff backoff, RandomGenerator random) {
        this.tokens = tokens;
        this.connection = connection;
        this.requests = requests;
        this.rooms = rooms;
        this.ids = ids;
        this.loop = loop;
        this.backoff = backoff;
        this.random = random;
    }

    /** A connection opened holding {@code connectToken} (null without one): plans its refresh. */
    void start(String connectToken) {
        token = connectToken;
        tokenExpiry = TokenLifetime.expiry(connectToken).orElse(null);
        expiryReported = false;
        plan();
    }

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /**
     * The server refused a frame because the token expired (it closes the connection): reported once per
     * connection, since every frame in flight is refused the same way.
     */
    void expired(ServerFrame.Error error) {
        if (!expiryReported) {
            expiryReported = true;
            report(ServerErrorException.of(error));
        }
    }

    /** Schedules the refresh of the token the connection holds, from its expiry. */
    private void plan() {
        failures = 0;
        cancel();
        if (tokens.refreshes() && tokenExpiry != null) {
            schedule(TokenLifetime.refreshDelay(Duration.between(Instant.now(), tokenExpiry)));
        }
    }

    private void schedule(Duration delay) {
        long session = connection.session();
        timer = loop.schedule(() -> refresh(session), delay);
    }

    /** Replaces the connection's token with a fresh one; everything is dropped if the socket was. */
    private void refresh(long session) {
        timer = null;
        if (!connection.isCurrent(session) || !connection.isOpen()) {
            return;
        }
        tokens.fresh().whenComplete((fresh, error) -> loop.post(() -> {
            if (!connection.isCurrent(session)) {
                return;
            }
            if (error != null) {
                failed(ClientSideException.internal("token refresh failed: the token provider failed: "
                        + ClientSideException.describe(error), true));
            } else if (fresh.equals(token)) {
                failed(ClientSideException.internal(
                        "token refresh failed: the token provider returned the token the connection holds", true));
            } else if (fresh.length() > Limits.MAX_TOKEN_LENGTH) {
                failed(new ClientSideException(ErrorCode.INVALID_FIELD, "token refresh failed: the token provider "
                        + "returned a token over " + Limits.MAX_TOKEN_LENGTH + " characters", false));
            } else {
                requests.request(new ClientFrame.Refresh(ids.next(), fresh), true).whenComplete((reply, failure) -> {
                    if (!connection.isCurrent(session)) {
                        return;
                    }
                    if (failure != null) {
                        failed(prefixed(ClientSideException.unwrap(failure)));
                    } else {
                        refreshed((ServerFrame.Ack) reply, fresh);
                    }
                });
            }
        }));
    }

    private static SwitchboardException prefixed(SwitchboardException refusal) {
        String message = "token refresh failed: " + refusal.getMessage();
        return switch (refusal) {
            case ServerErrorException server -> new ServerErrorException(server.code(), message, server.temporary());
            case ClientSideException local -> new ClientSideException(local.code(), message, local.temporary());
        };
    }

    private void refreshed(ServerFrame.Ack ack, String fresh) {
        token = fresh;
        for (String room : ack.revoked()) {
            rooms.revoked(room, new ServerErrorException(ErrorCode.FORBIDDEN,
                    "the refreshed token no longer grants room '" + room + "'; the server has left it", false));
        }
        if (ack.exp() == null) {
            // A stack without authentication: the connection does not expire.
            tokenExpiry = null;
            return;
        }
        Instant previous = tokenExpiry;
        tokenExpiry = Instant.ofEpochSecond(ack.exp());
        if (previous != null && !tokenExpiry.isAfter(previous)) {
            failed(ClientSideException.internal(
                    "token refresh failed: the fresh token expires no later than the one it replaced", true));
            return;
        }
        plan();
    }

    /**
     * Reports a failed refresh and tries again with backoff while the token is still valid. Past its expiry the
     * server answers the next frame with TOKEN_EXPIRED and closes the connection; the client then reconnects with a
     * fresh token.
     */
    private void failed(SwitchboardException reason) {
        report(reason);
        if (tokenExpiry == null) {
            return;
        }
        Duration wait = backoff.delay(failures++, random);
        if (Instant.now().plus(wait).isBefore(tokenExpiry)) {
            schedule(wait);
        }
    }

    private void report(SwitchboardException error) {
        loop.tell(listener -> listener.onError(error));
    }
}
