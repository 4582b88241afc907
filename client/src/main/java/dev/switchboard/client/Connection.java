package dev.switchboard.client;

import dev.switchboard.protocol.CloseCodes;
import dev.switchboard.protocol.Handshake;
import dev.switchboard.protocol.Limits;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The socket and its life: the handshake (token and instance id), the client's {@link SwitchboardClient.State},
 * reconnects with backoff after an unexpected close, and when to stop trying. Text goes out through {@link #send};
 * what comes in, and what becomes of the socket, goes to {@link Events}. Touched on the loop thread only.
 */
final class Connection {

    /** What the rest of the client hears from the connection, on the loop thread. */
    interface Events {
        /** A socket is open, holding {@code token} (null without one). */
        void opened(String token);

        /** A whole text message arrived. */
        void received(String text);

        /** The socket is gone, whatever comes next: what belonged to it (its token's refresh) ends. */
        void closed();

        /** The socket was lost and the client reconnects: requests that cannot be sent again fail now. */
        void lost();

        /** The client stops for good (closed, or gave up): every request fails with {@code reason}. */
        void stopped(SwitchboardException reason);
    }

    private final URI url;
    private final boolean tokenInHeader;
    private final Duration handshakeTimeout;
    private final String instanceId;
    private final TokenSource tokens;
    private final Backoff backoff;
    private final RandomGenerator random;
    private final ClientLoop loop;
    private final Events events;
    private final HttpClient http = HttpClient.newHttpClient();
    /** Completes when the first connection opens, or fails when the client stops before that. */
    private final CompletableFuture<Void> firstOpen = new CompletableFuture<>();

    private WebSocket socket;
    /** Counts the sockets opened, so work begun for one socket can tell when it was replaced. */
    private long session;
    private SwitchboardClient.State state = SwitchboardClient.State.CLOSED;
    private int attempt;
    private boolean closing;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    /** Completes when a network held down by {@link #dropConnection(CompletionStage)} is back. */
    private CompletableFuture<Void> network = CompletableFuture.completedFuture(null);
    /** The last handshake was refused (401/403): one more refusal and the client stops. */
    private boolean refusedOnce;
    /** Connections closed for an expired token since the last successful reply: reconnects back off on these. */
    private int expiredInARow;

    Connection(SwitchboardClientOptions options, String instanceId, TokenSource tokens, Backoff backoff,
               RandomGenerator random, ClientLoop loop, Events events) {
        this.url = options.url();
        this.tokenInHeader = options.tokenInHeader();
        this.handshakeTimeout = options.requestTimeout();
        this.instanceId = instanceId;
        this.tokens = tokens;
        this.backoff = backoff;
        this.random = random;
        this.loop = loop;
        this.events = events;
    }

    /** Opens the connection (from any thread); completes when it is open. */
    CompletableFuture<Void> connect() {
        loop.execute(() -> {
            if (state == SwitchboardClient.State.CLOSED && !closing) {
                changeState(SwitchboardClient.State.CONNECTING);
                open();
            }
        });
        return firstOpen.copy();
    }

    SwitchboardClient.State state() {
        return state;
    }

    boolean isOpen() {
        return state == SwitchboardClient.State.OPEN;
    }

    boolean isClosing() {
        return closing;
    }

    /** The number of the socket open now (or last open). */
    long session() {
        return socket == null ? -1 : session;
    }

    /** Whether the socket numbered {@code session} is still the open one. */
    boolean isCurrent(long session) {
        return socket != null && this.session == session;
    }

    /** Sends a text message, in frames API Gateway accepts, after those sent before it. */
    void send(String text) {
        WebSocket target = socket;
        if (target == null) {
            // No socket: the request's timeout, or the reconnect, sends it again.
            return;
        }
        for (FrameChunks.Chunk chunk : FrameChunks.split(text, Limits.MAX_FRAME_BYTES)) {
            sendChain = sendChain.handle((r, e) -> null)
                    .thenCompose(x -> target.sendText(chunk.text(), chunk.last()))
                    .exceptionally(e -> null);
        }
    }

    /** A reply arrived: the connection does something, so expiring tokens no longer count against reconnects. */
    void replied() {
        expiredInARow = 0;
    }

    /**
     * The server refused a frame because the connection's token expired, and closes the connection: reconnect now
     * with a fresh token rather than wait for the close. Connections that keep expiring before they do anything (a
     * provider handing out a token the handshake still accepts but the server already counts as expired) back off.
     */
    void expired() {
        if (socket != null) {
            attempt = expiredInARow++;
            cut();
        }
    }

    /** See {@link SwitchboardClient#dropConnection(CompletionStage)}; from any thread. */
    void dropConnection(CompletionStage<?> networkBack) {
        CompletableFuture<Void> back = new CompletableFuture<>();
        networkBack.whenComplete((result, error) -> back.complete(null));
        loop.execute(() -> {
            network = back;
            if (socket != null) {
                cut();
            }
        });
    }

    /** Closes the socket with a close handshake and stops for good; loop thread. */
    void close() {
        closing = true;
        SwitchboardException reason = ClientSideException.internal("client closed", false);
        events.stopped(reason);
        if (socket != null) {
            WebSocket closed = socket;
            closed.sendClose(CloseCodes.NORMAL_CLOSURE, "bye").whenComplete((r, e) -> closed.abort());
        }
        changeState(SwitchboardClient.State.CLOSED);
        firstOpen.completeExceptionally(reason);
    }

    /** Releases the HTTP client, once {@link #close()} has run. */
    void shutdown() {
        http.shutdownNow();
    }

    /** Fetches a token, then opens a socket with it and this client's instance id. */
    private void open() {
        if (!network.isDone()) {
            // Held offline by dropConnection(networkBack): this attempt goes out once the network is back.
            network.whenComplete((r, e) -> loop.post(this::open));
            return;
        }
        tokens.fresh().whenComplete((fresh, error) -> loop.post(() -> {
            if (closing) {
                return;
            }
            if (error != null) {
                report(ClientSideException.internal("the token provider failed: "
                        + ClientSideException.describe(error), true));
                scheduleReconnect(null);
                return;
            }
            try {
                openWith(fresh);
            } catch (RuntimeException e) {
                // E.g. a token or URL the WebSocket builder refuses: report it rather than stall the reconnects.
                report(ClientSideException.internal("cannot open the connection: " + ClientSideException.describe(e),
                        true));
                scheduleReconnect(null);
            }
        }));
    }

    private void openWith(String connectToken) {
        URI target = url;
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(handshakeTimeout);
        if (connectToken != null && tokenInHeader) {
            builder.header(Handshake.AUTHORIZATION_HEADER, "Bearer " + connectToken);
        } else if (connectToken != null) {
            target = withQuery(target, Handshake.TOKEN_PARAMETER, connectToken);
        }
        target = withQuery(target, Handshake.INSTANCE_PARAMETER, instanceId);
        builder.buildAsync(target, new SocketListener()).whenComplete((ws, error) -> loop.post(() -> {
            if (error != null) {
                handshakeFailed(error);
            } else if (closing) {
                ws.abort();
            } else {
                opened(ws, connectToken);
            }
        }));
    }

    private static URI withQuery(URI url, String name, String value) {
        String separator = url.getRawQuery() == null ? "?" : "&";
        return URI.create(url + separator + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    private void opened(WebSocket ws, String connectToken) {
        socket = ws;
        session++;
        attempt = 0;
        refusedOnce = false;
        sendChain = CompletableFuture.completedFuture(null);
        changeState(SwitchboardClient.State.OPEN);
        events.opened(connectToken);
        firstOpen.complete(null);
    }

    private void handshakeFailed(Throwable error) {
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        if (cause instanceof WebSocketHandshakeException refused) {
            int status = refused.getResponse().statusCode();
            if (status == 401 || status == 403) {
                if (!refusedOnce && tokens.hasProvider()) {
                    // The token may have expired while the client waited to reconnect: ask for a fresh one, once.
                    refusedOnce = true;
                    open();
                    return;
                }
                stop(ClientSideException.internal("connection refused with " + status
                        + (status == 401 ? ": no token" : ": token rejected"), false));
                return;
            }
        }
        refusedOnce = false;
        scheduleReconnect(retryAfter(cause));
    }

    /** The wait a handshake refused with 429 asks for ({@code Retry-After}, in seconds); null otherwise. */
    private static Long retryAfter(Throwable handshakeError) {
        if (handshakeError instanceof WebSocketHandshakeException refused
                && refused.getResponse().statusCode() == 429) {
            OptionalLong seconds = refused.getResponse().headers().firstValueAsLong("Retry-After");
            return seconds.isPresent() ? TimeUnit.SECONDS.toMillis(seconds.getAsLong()) : null;
        }
        return null;
    }

    /** The socket is gone (closed by either side, or failed). Events of a socket that was replaced are ignored. */
    private void closed(WebSocket ws, int statusCode) {
        if (ws != socket) {
            return;
        }
        socket = null;
        events.closed();
        if (closing) {
            return;
        }
        if (statusCode == CloseCodes.POLICY_VIOLATION) {
            stop(ClientSideException.internal("closed by the server with " + CloseCodes.POLICY_VIOLATION
                    + " (policy violation)", false));
            return;
        }
        events.lost();
        scheduleReconnect(null);
    }

    /** Drops the current socket without a close handshake (which would tell the listener nothing) and recovers. */
    private void cut() {
        WebSocket ws = socket;
        ws.abort();
        closed(ws, CloseCodes.ABNORMAL_CLOSURE);
    }

    /** Reconnects after the backoff, and not before {@code retryAfterMs} when the server named a time. */
    private void scheduleReconnect(Long retryAfterMs) {
        if (closing) {
            return;
        }
        changeState(SwitchboardClient.State.RECONNECTING);
        loop.schedule(this::open, backoff.delayAfter(retryAfterMs, attempt++, random));
    }

    private void stop(SwitchboardException reason) {
        closing = true;
        events.stopped(reason);
        changeState(SwitchboardClient.State.CLOSED);
        firstOpen.completeExceptionally(reason);
        report(reason);
    }

    private void report(SwitchboardException error) {
        loop.tell(listener -> listener.onError(error));
    }

    private void changeState(SwitchboardClient.State next) {
        if (state != next) {
            state = next;
            loop.tell(listener -> listener.onStateChange(next));
        }
    }

    /** Bridges the JDK WebSocket's callbacks onto the loop thread. */
    private final class SocketListener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                loop.post(() -> events.received(text));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            loop.post(() -> closed(ws, statusCode));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            loop.post(() -> closed(ws, CloseCodes.ABNORMAL_CLOSURE));
        }
    }
}
