package dev.switchboard.client;

import dev.switchboard.protocol.ApplicationFrame;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Requests awaiting their reply, matched by frame id: each has a timeout, a {@code send} goes out again with the
 * same id when its reply is missing (the server recognises the id, so it is never stored twice), a request the
 * server refused undone is retried no sooner than the server asks, and after a reconnect what is safe to send again
 * goes out again. A call of an application route is not safe to repeat: once sent, it is answered or it fails.
 * Touched on the loop thread only.
 */
final class PendingRequests {

    /** A request awaiting its reply: a frame of Switchboard's routes, or a call of an application route. */
    private static final class Pending {
        final String id;
        /** The frame of one of Switchboard's routes; null for a call. */
        final ClientFrame frame;
        /** The call of an application route; null for a frame of Switchboard's routes. */
        final ApplicationFrame call;
        final CompletableFuture<ServerFrame> reply = new CompletableFuture<>();
        /** Made by the client itself (heartbeat, re-join, resume, refresh), not asked for by the application. */
        final boolean internal;
        ScheduledFuture<?> timeout;
        int attempts;
        /** Refused unseen (TOKEN_EXPIRED): the server did nothing with it, so it goes out again after reconnect. */
        boolean unprocessed;

        Pending(ClientFrame frame, boolean internal) {
            this.id = frame.id();
            this.frame = frame;
            this.call = null;
            this.internal = internal;
        }

        Pending(ApplicationFrame call) {
            this.id = call.id();
            this.frame = null;
            this.call = call;
            this.internal = false;
        }

        String encode() {
            return call != null ? call.encode() : FrameCodec.encode(frame);
        }

        /**
         * Requests that are safe to send again after a reconnect: one the server has not seen (never sent, or
         * refused unseen), and what is harmless to repeat ({@code send} is idempotent by its id; joins, pings,
         * presence and resume change nothing twice). A {@code leave} or {@code direct} is not, and neither is an
         * application route's call: what its function does is the application's, and nothing says doing it twice
         * is harmless.
         */
        boolean resendable() {
            return unprocessed || attempts == 0 || frame != null
                    && !(frame instanceof ClientFrame.Leave) && !(frame instanceof ClientFrame.Direct);
        }

        /** Requests the client sent for itself that a new connection makes again (or no longer needs). */
        boolean superseded() {
            return internal && !(frame instanceof ClientFrame.Send);
        }
    }

    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Connection connection;
    private final ClientLoop loop;
    private final Duration timeout;
    private final int maxSendAttempts;
    private final Backoff backoff;
    private final RandomGenerator random;

    PendingRequests(SwitchboardClientOptions options, Connection connection, ClientLoop loop, Backoff backoff,
                    RandomGenerator random) {
        this.connection = connection;
        this.loop = loop;
        this.timeout = options.requestTimeout();
        this.maxSendAttempts = options.maxSendAttempts();
        this.backoff = backoff;
        this.random = random;
    }

    /**
     * Sends a frame (now if the connection is open, else once it is) and completes with its reply. {@code internal}
     * marks what the client asks for itself.
     */
    CompletableFuture<ServerFrame> request(ClientFrame frame, boolean internal) {
        return request(new Pending(frame, internal));
    }

    /**
     * Sends a call of an application route and completes with its {@code reply}. Unlike a {@code send}, a call that
     * went out is never sent again by the client: not when its reply is late, not after a reconnect.
     */
    CompletableFuture<ServerFrame> call(ApplicationFrame call) {
        return request(new Pending(call));
    }

    private CompletableFuture<ServerFrame> request(Pending request) {
        if (connection.isClosing()) {
            request.reply.completeExceptionally(ClientSideException.internal("client closed", false));
            return request.reply;
        }
        pending.put(request.id, request);
        if (connection.isOpen()) {
            transmit(request);
        }
        return request.reply;
    }

    /** The frame a pending request sent, by its id. */
    Optional<ClientFrame> frame(String id) {
        Pending request = id == null ? null : pending.get(id);
        return request == null ? Optional.empty() : Optional.ofNullable(request.frame);
    }

    private void transmit(Pending request) {
        request.attempts++;
        request.unprocessed = false;
        if (request.timeout != null) {
            request.timeout.cancel(false);
        }
        request.timeout = loop.schedule(() -> timedOut(request), timeout);
        String text = request.encode();
        if (FrameCodec.utf8Length(text) > Limits.MAX_MESSAGE_BYTES) {
            fail(request.id, new ClientSideException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "frame exceeds " + Limits.MAX_MESSAGE_BYTES + " bytes", false));
            return;
        }
        connection.send(text);
    }

    private void timedOut(Pending request) {
        if (pending.get(request.id) != request) {
            return;
        }
        if (request.frame instanceof ClientFrame.Send && request.attempts < maxSendAttempts && connection.isOpen()) {
            transmit(request);
            return;
        }
        if (!connection.isOpen() && request.resendable()) {
            // It goes out again once the connection is back.
            return;
        }
        fail(request.id, ClientSideException.internal("no reply within " + timeout.toMillis() + " ms", true));
    }

    /** The server answered: the request completes with its reply. */
    void complete(String id, ServerFrame reply) {
        Pending request = remove(id);
        if (request != null) {
            connection.replied();
            request.reply.complete(reply);
        }
    }

    void fail(String id, SwitchboardException error) {
        Pending request = remove(id);
        if (request != null) {
            request.reply.completeExceptionally(error);
        }
    }

    private Pending remove(String id) {
        Pending request = pending.remove(id);
        if (request != null && request.timeout != null) {
            request.timeout.cancel(false);
        }
        return request;
    }

    /**
     * The server refused a request: sends it again after the wait the server names (plus backoff) when that can
     * succeed, else fails it. False when no pending request has the error's id.
     */
    boolean refused(ServerFrame.Error error) {
        Pending request = error.id() == null ? null : pending.get(error.id());
        if (request == null) {
            return false;
        }
        if (error.temporary() && request.attempts < maxSendAttempts
                && (request.frame instanceof ClientFrame.Send || refusedUndone(error.code()))) {
            if (request.timeout != null) {
                request.timeout.cancel(false);
            }
            loop.schedule(() -> {
                if (pending.get(request.id) == request && connection.isOpen()) {
                    transmit(request);
                }
            }, backoff.delayAfter(error.retryAfterMs(), request.attempts, random));
            return true;
        }
        fail(error.id(), ServerErrorException.of(error));
        return true;
    }

    /**
     * Whether the server refused the frame before doing any of it (over the connection's quota, or the stack past its
     * capacity): any request, a {@code leave}, {@code direct}, call or re-join included, is then safe to send again,
     * and giving up would leave the client believing in a room it is not in, or a message it did not send.
     */
    private static boolean refusedUndone(ErrorCode code) {
        return code == ErrorCode.RATE_LIMITED || code == ErrorCode.OVERLOADED;
    }

    /**
     * The server refused the request with {@code id} unseen because the token expired, and closes the connection:
     * a {@code leave} is done (the connection leaves every room as it closes), what the client asked for itself is
     * made again on the next connection, and the rest goes out again then.
     */
    void refusedUnseen(String id) {
        Pending request = id == null ? null : pending.get(id);
        if (request == null) {
            return;
        }
        if (request.frame instanceof ClientFrame.Leave leave) {
            complete(leave.id(), new ServerFrame.Ack(leave.id(), "leave", null));
        } else if (request.superseded()) {
            fail(id, ClientSideException.internal("superseded", true));
        } else {
            request.unprocessed = true;
            request.attempts--;
        }
    }

    /** The connection was lost: what cannot be sent again fails, and what the client made for itself is dropped. */
    void connectionLost() {
        for (Pending request : new ArrayList<>(pending.values())) {
            if (!request.resendable()) {
                fail(request.id, ClientSideException.internal("connection lost before the reply", true));
            } else if (request.superseded()) {
                fail(request.id, ClientSideException.internal("superseded", true));
            }
        }
    }

    /**
     * On a new connection, sends the requests carried over from the last one: joins at once, beside the re-joins
     * {@code rejoin} makes, and the rest once those are answered. The gateway may hand frames to concurrent
     * invocations, so a request that needs a room going out first could be answered NOT_IN_ROOM.
     */
    void resendAfter(Supplier<List<CompletableFuture<ServerFrame>>> rejoin) {
        long session = connection.session();
        List<Pending> carried = new ArrayList<>(pending.values());
        List<CompletableFuture<ServerFrame>> rejoins = rejoin.get();
        carried.stream().filter(request -> request.frame instanceof ClientFrame.Join).forEach(this::transmit);
        CompletableFuture.allOf(rejoins.toArray(CompletableFuture[]::new)).handle((done, error) -> {
            for (Pending request : carried) {
                if (connection.isCurrent(session) && !(request.frame instanceof ClientFrame.Join)
                        && pending.get(request.id) == request) {
                    transmit(request);
                }
            }
            return null;
        });
    }

    void failAll(SwitchboardException reason) {
        for (String id : new ArrayList<>(pending.keySet())) {
            fail(id, reason);
        }
    }
}
