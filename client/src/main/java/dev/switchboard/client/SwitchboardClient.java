package dev.switchboard.client;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Handshake;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerFrame;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * A Switchboard client on the JDK's {@code java.net.http.WebSocket}: requests complete with the server's reply,
 * the socket is kept alive with {@code ping}, and a lost connection is re-opened with exponential backoff and full
 * jitter, re-joining every room and resuming from the last message seen, so the application gets every message
 * of a room exactly once and in order. Tokens come from a {@link TokenProvider}, asked at every (re)connect; the
 * connection is refreshed with a fresh token ahead of the current one's expiry.
 *
 * <pre>{@code
 * SwitchboardClient client = SwitchboardClient.builder(URI.create("ws://localhost:3001/local"))
 *         .tokenProvider(() -> auth.freshToken())          // CompletionStage<String>; or .token(jwt)
 *         .listener(new SwitchboardClient.Listener() {
 *             public void onMessage(ServerFrame.Message m) { System.out.println(m.from() + ": " + m.data()); }
 *         })
 *         .build();
 * client.connect().join();
 * client.join("lobby").join();
 * client.sendText("lobby", "hello").join();
 * }</pre>
 *
 * <p>All methods may be called from any thread. Listener methods run on one dedicated thread, in order.
 */
public final class SwitchboardClient implements AutoCloseable {

    /** Connection state, as reported to {@link Listener#onStateChange}. */
    public enum State { CONNECTING, OPEN, RECONNECTING, CLOSED }

    /** Callbacks for what the server pushes; every method has an empty default. */
    public interface Listener {
        /** A room message, each seq once and in order per room. */
        default void onMessage(ServerFrame.Message message) {
        }

        default void onDirect(ServerFrame.Direct message) {
        }

        default void onPresence(ServerFrame.PresenceChange change) {
        }

        /**
         * Messages of a room up to {@code reset.seq()} cannot be delivered: they expired while this client was away,
         * or the token does not grant reading the room's history (so what was sent while the connection was down
         * cannot be fetched). The client continues after {@code seq}; the application may reload its view.
         */
        default void onReset(ServerFrame.Reset reset) {
        }

        /**
         * The client is no longer in a room it did not leave: a refreshed token no longer grants it (the server
         * has left it), or the server refused to re-join it after a reconnect ({@link ErrorCode#FORBIDDEN}). The
         * client has forgotten the room; {@link #join} it again to retry.
         */
        default void onRoomLost(String room, SwitchboardException reason) {
        }

        /**
         * Something went wrong outside any request of the application: a token refresh was refused or the token
         * provider failed (the client retries until the token expires), the token expired before it was refreshed
         * ({@link ErrorCode#TOKEN_EXPIRED}: the client reconnects with a fresh token), or a reconnect was refused
         * (the client stops).
         */
        default void onError(SwitchboardException error) {
        }

        default void onStateChange(State state) {
        }
    }

    /** A gap that resumes do not fill is asked about at most every 2^4 = 16 gap timeouts. */
    private static final int MAX_GAP_DOUBLINGS = 4;
    /** Random bytes in the instance id: 128 bits, 22 characters of base64url. */
    private static final int INSTANCE_BYTES = 16;
    /** Random bytes before each request id: two clients of one user never reuse an id in the server's window. */
    private static final int ID_PREFIX_BYTES = 6;

    private final URI url;
    private final TokenProvider tokens;
    private final boolean tokenInHeader;
    private final boolean refreshes;
    private final String instanceId;
    private final String idPrefix;
    private final Listener listener;
    private final Duration requestTimeout;
    private final Duration gapTimeout;
    private final Backoff backoff;
    private final int maxSendAttempts;
    private final RandomGenerator random = RandomGenerator.getDefault();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService loop;
    private final ExecutorService callbacks;
    private final AtomicLong ids = new AtomicLong();

    // Everything below is touched only on the loop thread.
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<String, RoomSequencer> rooms = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> gapChecks = new HashMap<>();
    private final Map<String, GapWait> gapWaits = new HashMap<>();
    private WebSocket socket;
    private State state = State.CLOSED;
    private int attempt;
    private boolean closing;
    private CompletableFuture<Void> firstOpen = new CompletableFuture<>();
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    /** Completes when a network held down by {@link #dropConnection(CompletionStage)} is back. */
    private CompletableFuture<Void> network = CompletableFuture.completedFuture(null);
    /** The token the open connection holds (presented at connect, or its last refresh); null without one. */
    private String token;
    /** When {@link #token} expires; null when it does not (or cannot be read). */
    private Instant tokenExpiry;
    private ScheduledFuture<?> refreshTimer;
    private int refreshFailures;
    /** The last handshake was refused (401/403): one more refusal and the client stops. */
    private boolean refusedOnce;
    /** TOKEN_EXPIRED was reported for the current connection. */
    private boolean expiryReported;
    /** Connections closed for an expired token since the last successful reply: reconnects back off on these. */
    private int expiredInARow;

    /** A request awaiting its reply. */
    private static final class Pending {
        final ClientFrame frame;
        final CompletableFuture<ServerFrame> reply = new CompletableFuture<>();
        final boolean internal;
        ScheduledFuture<?> timeout;
        int attempts;
        /** Refused unseen (TOKEN_EXPIRED): the server did nothing with it, so it goes out again after reconnect. */
        boolean unprocessed;

        Pending(ClientFrame frame, boolean internal) {
            this.frame = frame;
            this.internal = internal;
        }

        /** Requests that are safe to send again after a reconnect (send is idempotent by its id). */
        boolean resendable() {
            return unprocessed || !(frame instanceof ClientFrame.Leave) && !(frame instanceof ClientFrame.Direct);
        }
    }

    private SwitchboardClient(Builder builder) {
        this.url = builder.url;
        this.tokens = builder.tokens;
        this.tokenInHeader = builder.tokenInHeader;
        this.refreshes = builder.tokens != null && !(builder.tokens instanceof FixedToken);
        SecureRandom secure = new SecureRandom();
        this.instanceId = randomBase64Url(secure, INSTANCE_BYTES);
        this.idPrefix = randomBase64Url(secure, ID_PREFIX_BYTES);
        this.listener = builder.listener;
        this.requestTimeout = builder.requestTimeout;
        this.gapTimeout = builder.gapTimeout;
        this.backoff = new Backoff(builder.backoffBase, builder.backoffCap);
        this.maxSendAttempts = builder.maxSendAttempts;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "switchboard-client"));
        this.callbacks = Executors.newSingleThreadExecutor(r -> daemon(r, "switchboard-client-listener"));
        long heartbeat = builder.heartbeat.toMillis();
        loop.scheduleAtFixedRate(() -> {
            if (state == State.OPEN) {
                request(new ClientFrame.Ping(nextId()), true);
            }
        }, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    }

    public static Builder builder(URI url) {
        return new Builder(url);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private static String randomBase64Url(SecureRandom random, int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    private static URI withQuery(URI url, String name, String value) {
        String separator = url.getRawQuery() == null ? "?" : "&";
        return URI.create(url + separator + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    /** Opens the connection; completes when it is open (reconnects after that are automatic). */
    public CompletableFuture<Void> connect() {
        loop.execute(() -> {
            if (state == State.CLOSED && !closing) {
                changeState(State.CONNECTING);
                open();
            }
        });
        return firstOpen.copy();
    }

    /**
     * Joins a room. Completes with the {@code ack} (or a {@code history} page when resuming). After a reconnect
     * the client re-joins by itself and resumes from the last message it delivered. A refusal (for instance
     * {@link ErrorCode#FORBIDDEN} when the token does not grant the room) fails the future and the client forgets
     * the room.
     */
    public CompletableFuture<ServerFrame> join(String room) {
        String id = new ClientFrame.Join(nextId(), room).id();
        return onLoop(() -> {
            RoomSequencer sequencer = rooms.computeIfAbsent(room, r -> new RoomSequencer(RoomSequencer.UNKNOWN));
            boolean confirmed = sequencer.knowsPosition();
            return enter(id, room, sequencer, false).whenComplete((reply, error) -> {
                SwitchboardException refusal = refusal(error);
                if (refusal != null && !refusal.temporary() && rooms.get(room) == sequencer
                        && (!confirmed || refusal.code() == ErrorCode.FORBIDDEN)) {
                    forget(room);
                }
            });
        });
    }

    public CompletableFuture<ServerFrame.Ack> leave(String room) {
        return onLoop(() -> {
            forget(room);
            return request(new ClientFrame.Leave(nextId(), room), false);
        }).thenApply(ServerFrame.Ack.class::cast);
    }

    /**
     * Sends JSON {@code data} to a room; retried with the same id (so at most once) if a reply goes missing or the
     * server answers with a temporary error (after the {@code retryAfterMs} it names, if it names one).
     */
    public CompletableFuture<ServerFrame.Ack> send(String room, String jsonData) {
        return onLoop(() -> request(new ClientFrame.Send(nextId(), room, validJson(jsonData)), false))
                .thenApply(ServerFrame.Ack.class::cast);
    }

    /** Sends a text as a JSON string. */
    public CompletableFuture<ServerFrame.Ack> sendText(String room, String text) {
        return send(room, jsonString(text));
    }

    public CompletableFuture<ServerFrame.Ack> direct(String user, String jsonData) {
        return onLoop(() -> request(new ClientFrame.Direct(nextId(), user, validJson(jsonData)), false))
                .thenApply(ServerFrame.Ack.class::cast);
    }

    /**
     * The first page of a joined room's presence: at most {@link Limits#PRESENCE_PAGE_SIZE} connections, by user.
     * When {@link ServerFrame.Presence#more()} is true, {@link #presence(String, String)} with its cursor gets the
     * next page; {@link #presenceAll} gets them all.
     */
    public CompletableFuture<ServerFrame.Presence> presence(String room) {
        return presence(room, null);
    }

    /**
     * The page of a room's presence that {@code cursor} (from the previous page; null for the first) points at. A
     * user whose connections fall on two pages is on both, with the connections of each page.
     *
     * <pre>{@code
     * ServerFrame.Presence page = client.presence("lobby").join();
     * while (page.more()) {
     *     page = client.presence("lobby", page.cursor()).join();
     * }
     * }</pre>
     */
    public CompletableFuture<ServerFrame.Presence> presence(String room, String cursor) {
        return onLoop(() -> request(new ClientFrame.Presence(nextId(), room, cursor), false))
                .thenApply(ServerFrame.Presence.class::cast);
    }

    /**
     * Everyone in a joined room: every page of its presence, one request after the other, with the connections of a
     * user listed on several pages added up; sorted by user. Fails as soon as a page fails.
     */
    public CompletableFuture<List<ServerFrame.Member>> presenceAll(String room) {
        Map<String, Integer> byUser = new TreeMap<>();
        return collectPresence(room, null, byUser).thenApply(done -> byUser.entrySet().stream()
                .map(entry -> new ServerFrame.Member(entry.getKey(), entry.getValue())).toList());
    }

    /** Adds the page at {@code cursor} and those after it; each page is asked for once the one before is in. */
    private CompletableFuture<Void> collectPresence(String room, String cursor, Map<String, Integer> byUser) {
        return presence(room, cursor).thenCompose(page -> {
            page.members().forEach(member -> byUser.merge(member.user(), member.connections(), Integer::sum));
            if (!page.more()) {
                return CompletableFuture.completedFuture(null);
            }
            if (page.cursor().equals(cursor)) {
                // A server that answers a cursor with itself would keep this walk going for ever.
                return CompletableFuture.failedFuture(new SwitchboardException(ErrorCode.INTERNAL,
                        "the server answered a presence page with the same cursor", false));
            }
            return collectPresence(room, page.cursor(), byUser);
        });
    }

    public CompletableFuture<ServerFrame.Pong> ping() {
        return onLoop(() -> request(new ClientFrame.Ping(nextId()), false)).thenApply(ServerFrame.Pong.class::cast);
    }

    /**
     * Cuts the connection as a network failure would (no close handshake), so applications and demos can see
     * reconnect and resume at work. The client reconnects by itself.
     */
    public void dropConnection() {
        dropConnection(CompletableFuture.completedFuture(null));
    }

    /**
     * Cuts the connection as {@link #dropConnection()} does, and keeps the network "down" until {@code networkBack}
     * completes: the client stays {@link State#RECONNECTING}, its next attempt waits for that, then it reconnects
     * and resumes by itself. Shows a resume for certain, whatever the backoff draws:
     *
     * <pre>{@code
     * CompletableFuture<Void> networkBack = new CompletableFuture<>();
     * bob.dropConnection(networkBack);
     * alice.sendText("lobby", "while you were away").join();   // stored while bob is offline
     * networkBack.complete(null);                                // bob reconnects and gets it by resume
     * }</pre>
     */
    public void dropConnection(CompletionStage<?> networkBack) {
        CompletableFuture<Void> back = new CompletableFuture<>();
        networkBack.whenComplete((result, error) -> back.complete(null));
        loop.execute(() -> {
            network = back;
            if (socket != null) {
                cut();
            }
        });
    }

    /** The seq of the last message delivered for a room, or -1 when none yet. */
    public long position(String room) {
        return onLoop(() -> CompletableFuture.completedFuture(
                rooms.containsKey(room) ? rooms.get(room).position() : RoomSequencer.UNKNOWN)).join();
    }

    public State state() {
        return onLoop(() -> CompletableFuture.completedFuture(state)).join();
    }

    /** Closes the connection for good; pending requests fail. */
    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            closing = true;
            cancelRefresh();
            failAll(new SwitchboardException(ErrorCode.INTERNAL, "client closed", false));
            if (socket != null) {
                WebSocket closed = socket;
                closed.sendClose(WebSocket.NORMAL_CLOSURE, "bye").whenComplete((r, e) -> closed.abort());
            }
            changeState(State.CLOSED);
            firstOpen.completeExceptionally(new SwitchboardException(ErrorCode.INTERNAL, "client closed", false));
            done.complete(null);
        });
        done.orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        loop.shutdown();
        callbacks.shutdown();
        http.shutdownNow();
    }

    // ---- loop-thread internals -------------------------------------------------------------------------------

    private String nextId() {
        return idPrefix + "-" + ids.incrementAndGet();
    }

    private <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    work.get().whenComplete((value, error) -> {
                        if (error != null) {
                            result.completeExceptionally(error);
                        } else {
                            result.complete(value);
                        }
                    });
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new SwitchboardException(ErrorCode.INTERNAL, "client closed", false));
        }
        return result;
    }

    /** Runs work on the loop thread later; after {@link #close()} there is nothing left to do. */
    private void post(Runnable work) {
        try {
            loop.execute(work);
        } catch (RejectedExecutionException closed) {
            // The client was closed meanwhile.
        }
    }

    private CompletableFuture<ServerFrame> request(ClientFrame frame, boolean internal) {
        Pending request = new Pending(frame, internal);
        if (closing) {
            request.reply.completeExceptionally(new SwitchboardException(ErrorCode.INTERNAL, "client closed", false));
            return request.reply;
        }
        pending.put(frame.id(), request);
        if (state == State.OPEN) {
            transmit(request);
        }
        return request.reply;
    }

    private void transmit(Pending request) {
        request.attempts++;
        request.unprocessed = false;
        if (request.timeout != null) {
            request.timeout.cancel(false);
        }
        request.timeout = loop.schedule(() -> timedOut(request), requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        String text = FrameCodec.encode(request.frame);
        if (FrameCodec.utf8Length(text) > Limits.MAX_MESSAGE_BYTES) {
            settle(request.frame.id(), null, new SwitchboardException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "frame exceeds " + Limits.MAX_MESSAGE_BYTES + " bytes", false));
            return;
        }
        WebSocket target = socket;
        for (String[] chunk : FrameChunks.split(text, Limits.MAX_FRAME_BYTES)) {
            boolean last = chunk[1] != null;
            String part = chunk[0];
            sendChain = sendChain.handle((r, e) -> null)
                    .thenCompose(x -> target.sendText(part, last))
                    .exceptionally(e -> null);
        }
    }

    private void timedOut(Pending request) {
        if (!pending.containsKey(request.frame.id())) {
            return;
        }
        if (request.frame instanceof ClientFrame.Send && request.attempts < maxSendAttempts && state == State.OPEN) {
            transmit(request);
            return;
        }
        if (state != State.OPEN && request.resendable()) {
            return;
        }
        settle(request.frame.id(), null, new SwitchboardException(ErrorCode.INTERNAL, "no reply within "
                + requestTimeout.toMillis() + " ms", true));
    }

    private void settle(String id, ServerFrame reply, SwitchboardException error) {
        Pending request = pending.remove(id);
        if (request == null) {
            return;
        }
        if (request.timeout != null) {
            request.timeout.cancel(false);
        }
        if (error != null) {
            request.reply.completeExceptionally(error);
        } else {
            expiredInARow = 0;
            request.reply.complete(reply);
        }
    }

    /** Asks the provider for a token (none without a provider); a provider that never answers times out. */
    private CompletableFuture<String> freshToken() {
        if (tokens == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletionStage<String> stage;
        try {
            stage = Objects.requireNonNull(tokens.token(), "the token provider returned no stage");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return stage.toCompletableFuture().copy().orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(value -> {
                    if (value == null || value.isBlank()) {
                        throw new IllegalStateException("the token provider returned no token");
                    }
                    return value;
                });
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    /** Fetches a token, then opens a socket with it and this client's instance id. */
    private void open() {
        if (!network.isDone()) {
            // Held offline by dropConnection(networkBack): this attempt goes out once the network is back.
            network.whenComplete((r, e) -> {
                try {
                    loop.execute(this::open);
                } catch (java.util.concurrent.RejectedExecutionException closed) {
                    // The client was closed meanwhile: nothing to reconnect.
                }
            });
            return;
        }
        freshToken().whenComplete((fresh, error) -> post(() -> {
            if (closing) {
                return;
            }
            if (error != null) {
                report(new SwitchboardException(ErrorCode.INTERNAL,
                        "the token provider failed: " + describe(error), true));
                scheduleReconnect();
                return;
            }
            try {
                openWith(fresh);
            } catch (RuntimeException e) {
                // E.g. a token or URL the WebSocket builder refuses: report it rather than stall the reconnects.
                report(new SwitchboardException(ErrorCode.INTERNAL, "cannot open the connection: " + describe(e),
                        true));
                scheduleReconnect();
            }
        }));
    }

    private void openWith(String connectToken) {
        URI target = url;
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(requestTimeout);
        if (connectToken != null && tokenInHeader) {
            builder.header(Handshake.AUTHORIZATION_HEADER, "Bearer " + connectToken);
        } else if (connectToken != null) {
            target = withQuery(target, Handshake.TOKEN_PARAMETER, connectToken);
        }
        target = withQuery(target, Handshake.INSTANCE_PARAMETER, instanceId);
        builder.buildAsync(target, new SocketListener()).whenComplete((ws, error) -> post(() -> {
            if (error != null) {
                handshakeFailed(error);
            } else if (closing) {
                ws.abort();
            } else {
                opened(ws, connectToken);
            }
        }));
    }

    private void opened(WebSocket ws, String connectToken) {
        socket = ws;
        attempt = 0;
        refusedOnce = false;
        expiryReported = false;
        sendChain = CompletableFuture.completedFuture(null);
        token = connectToken;
        tokenExpiry = TokenLifetime.expiry(connectToken).orElse(null);
        changeState(State.OPEN);
        planRefresh();
        List<Pending> carried = new ArrayList<>(pending.values());
        List<CompletableFuture<ServerFrame>> rejoins = new ArrayList<>();
        for (Map.Entry<String, RoomSequencer> room : new ArrayList<>(rooms.entrySet())) {
            rejoins.add(rejoin(room.getKey(), room.getValue()));
        }
        carried.stream().filter(request -> request.frame instanceof ClientFrame.Join).forEach(this::transmit);
        // The gateway may hand frames to concurrent invocations: a request that needs a room goes out again only
        // once the room is joined, or the server could see it first and answer NOT_IN_ROOM.
        CompletableFuture.allOf(rejoins.toArray(CompletableFuture[]::new)).handle((done, error) -> {
            for (Pending request : carried) {
                if (socket == ws && !(request.frame instanceof ClientFrame.Join)
                        && pending.get(request.frame.id()) == request) {
                    transmit(request);
                }
            }
            return null;
        });
        firstOpen.complete(null);
    }

    private void handshakeFailed(Throwable error) {
        Throwable cause = error instanceof CompletionException ? error.getCause() : error;
        if (cause instanceof WebSocketHandshakeException refused) {
            int status = refused.getResponse().statusCode();
            if (status == 401 || status == 403) {
                if (!refusedOnce && tokens != null) {
                    // The token may have expired while the client waited to reconnect: ask for a fresh one, once.
                    refusedOnce = true;
                    open();
                    return;
                }
                stop(new SwitchboardException(ErrorCode.INTERNAL, "connection refused with " + status
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
        cancelRefresh();
        if (closing) {
            return;
        }
        // 1008: the server refuses this client's behaviour; reconnecting will not change that.
        if (statusCode == WebSocket.NORMAL_CLOSURE + 8) {
            stop(new SwitchboardException(ErrorCode.INTERNAL, "closed by the server with 1008", false));
            return;
        }
        for (Pending request : new ArrayList<>(pending.values())) {
            if (!request.resendable()) {
                settle(request.frame.id(), null, new SwitchboardException(ErrorCode.INTERNAL,
                        "connection lost before the reply", true));
            } else if (request.internal && !(request.frame instanceof ClientFrame.Send)) {
                settle(request.frame.id(), null, new SwitchboardException(ErrorCode.INTERNAL, "superseded", true));
            }
        }
        scheduleReconnect();
    }

    /** Drops the current socket without a close handshake (which would tell the listener nothing) and recovers. */
    private void cut() {
        WebSocket ws = socket;
        ws.abort();
        closed(ws, 1006);
    }

    private void scheduleReconnect() {
        scheduleReconnect(null);
    }

    /** Reconnects after the backoff, and not before {@code retryAfterMs} when the server named a time. */
    private void scheduleReconnect(Long retryAfterMs) {
        if (closing) {
            return;
        }
        changeState(State.RECONNECTING);
        long delay = backoff.delayAfter(retryAfterMs, attempt++, random).toMillis();
        loop.schedule(this::open, delay, TimeUnit.MILLISECONDS);
    }

    private void stop(SwitchboardException reason) {
        closing = true;
        cancelRefresh();
        failAll(reason);
        changeState(State.CLOSED);
        firstOpen.completeExceptionally(reason);
        report(reason);
    }

    private void report(SwitchboardException error) {
        callbacks.execute(() -> listener.onError(error));
    }

    private void failAll(SwitchboardException reason) {
        for (String id : new ArrayList<>(pending.keySet())) {
            settle(id, null, reason);
        }
    }

    private void changeState(State next) {
        if (state != next) {
            state = next;
            callbacks.execute(() -> listener.onStateChange(next));
        }
    }

    // ---- token refresh ---------------------------------------------------------------------------------------

    /** Schedules the refresh of the token the connection holds, from its expiry. */
    private void planRefresh() {
        refreshFailures = 0;
        cancelRefresh();
        if (refreshes && tokenExpiry != null) {
            scheduleRefresh(TokenLifetime.refreshDelay(Duration.between(Instant.now(), tokenExpiry)));
        }
    }

    private void scheduleRefresh(Duration delay) {
        WebSocket ws = socket;
        refreshTimer = loop.schedule(() -> refresh(ws), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelRefresh() {
        if (refreshTimer != null) {
            refreshTimer.cancel(false);
            refreshTimer = null;
        }
    }

    /** Replaces the connection's token with a fresh one from the provider; everything is dropped if the socket was. */
    private void refresh(WebSocket ws) {
        refreshTimer = null;
        if (ws != socket || state != State.OPEN) {
            return;
        }
        freshToken().whenComplete((fresh, error) -> post(() -> {
            if (ws != socket) {
                return;
            }
            if (error != null) {
                refreshFailed(new SwitchboardException(ErrorCode.INTERNAL,
                        "token refresh failed: the token provider failed: " + describe(error), true));
            } else if (fresh.equals(token)) {
                refreshFailed(new SwitchboardException(ErrorCode.INTERNAL,
                        "token refresh failed: the token provider returned the token the connection holds", true));
            } else if (fresh.length() > Limits.MAX_TOKEN_LENGTH) {
                refreshFailed(new SwitchboardException(ErrorCode.INVALID_FIELD, "token refresh failed: the token "
                        + "provider returned a token over " + Limits.MAX_TOKEN_LENGTH + " characters", false));
            } else {
                request(new ClientFrame.Refresh(nextId(), fresh), true).whenComplete((reply, failure) -> {
                    if (ws != socket) {
                        return;
                    }
                    if (failure != null) {
                        SwitchboardException refused = refusal(failure);
                        refreshFailed(new SwitchboardException(refused.code(),
                                "token refresh failed: " + refused.getMessage(), refused.temporary()));
                    } else {
                        refreshed((ServerFrame.Ack) reply, fresh);
                    }
                });
            }
        }));
    }

    private void refreshed(ServerFrame.Ack ack, String fresh) {
        token = fresh;
        for (String room : ack.revoked()) {
            if (rooms.containsKey(room)) {
                roomLost(room, new SwitchboardException(ErrorCode.FORBIDDEN,
                        "the refreshed token no longer grants room '" + room + "'; the server has left it", false));
            }
        }
        if (ack.exp() == null) {
            // A stack without authentication: the connection does not expire.
            tokenExpiry = null;
            return;
        }
        Instant previous = tokenExpiry;
        tokenExpiry = Instant.ofEpochSecond(ack.exp());
        if (previous != null && !tokenExpiry.isAfter(previous)) {
            refreshFailed(new SwitchboardException(ErrorCode.INTERNAL,
                    "token refresh failed: the fresh token expires no later than the one it replaced", true));
            return;
        }
        planRefresh();
    }

    /**
     * Reports a failed refresh and tries again with backoff while the token is still valid. Past its expiry the
     * server answers the next frame with TOKEN_EXPIRED and closes the connection; the client then reconnects with a
     * fresh token.
     */
    private void refreshFailed(SwitchboardException reason) {
        report(reason);
        if (tokenExpiry == null) {
            return;
        }
        Duration wait = backoff.delay(refreshFailures++, random);
        if (Instant.now().plus(wait).isBefore(tokenExpiry)) {
            scheduleRefresh(wait);
        }
    }

    /**
     * The server refused a frame because the connection's token had expired, and closes the connection. The frame
     * was not acted on, so it goes out again (a leave is done: the connection leaves every room as it closes).
     * The client does not wait for the close: it reconnects now, with a fresh token from the provider.
     */
    private void tokenExpired(ServerFrame.Error error, Pending request) {
        if (!expiryReported) {
            expiryReported = true;
            report(new SwitchboardException(ErrorCode.TOKEN_EXPIRED, error.message(), false));
        }
        if (request != null) {
            if (request.frame instanceof ClientFrame.Leave leave) {
                settle(leave.id(), new ServerFrame.Ack(leave.id(), "leave", null), null);
            } else if (request.internal && !(request.frame instanceof ClientFrame.Send)) {
                settle(request.frame.id(), null, new SwitchboardException(ErrorCode.INTERNAL, "superseded", true));
            } else {
                request.unprocessed = true;
                request.attempts--;
            }
        }
        if (socket != null) {
            // Back off if connections keep expiring before they do anything (a provider handing out a token the
            // handshake still accepts but the server already counts as expired).
            attempt = expiredInARow++;
            cut();
        }
    }

    // ---- rooms -----------------------------------------------------------------------------------------------

    /**
     * Joins a room, resuming after the last delivered seq when there is one. Resuming needs the history right:
     * without it the server refuses ({@link ErrorCode#FORBIDDEN}) and the client joins without resuming, telling
     * the application through {@link Listener#onReset} that it may have missed messages. Two tries at most.
     */
    private CompletableFuture<ServerFrame> enter(String id, String room, RoomSequencer sequencer, boolean internal) {
        if (!sequencer.knowsPosition()) {
            return request(new ClientFrame.Join(id, room), internal);
        }
        return request(new ClientFrame.Join(id, room, sequencer.position()), internal).handle((reply, error) -> {
            SwitchboardException refusal = refusal(error);
            if (refusal == null) {
                return CompletableFuture.completedFuture(reply);
            }
            if (refusal.code() != ErrorCode.FORBIDDEN || rooms.get(room) != sequencer) {
                return CompletableFuture.<ServerFrame>failedFuture(refusal);
            }
            return request(new ClientFrame.Join(nextId(), room), internal).thenApply(ack -> {
                if (ack instanceof ServerFrame.Ack joined && joined.seq() != null && rooms.get(room) == sequencer) {
                    skipUnreadable(room, sequencer, joined.seq(), "messages sent while this client was away");
                }
                return ack;
            });
        }).thenCompose(next -> next);
    }

    private CompletableFuture<ServerFrame> rejoin(String room, RoomSequencer sequencer) {
        return enter(nextId(), room, sequencer, true).whenComplete((reply, error) -> {
            SwitchboardException refusal = refusal(error);
            if (refusal != null && refusal.code() == ErrorCode.FORBIDDEN && rooms.get(room) == sequencer) {
                roomLost(room, refusal);
            }
        });
    }

    /** Asks for the messages of a room after its position; without the history right, skips what is missing. */
    private void resume(String room, RoomSequencer sequencer) {
        request(new ClientFrame.Resume(nextId(), room, sequencer.position()), true).whenComplete((reply, error) -> {
            SwitchboardException refusal = refusal(error);
            if (refusal != null && refusal.code() == ErrorCode.FORBIDDEN && rooms.get(room) == sequencer
                    && sequencer.hasGap()) {
                skipUnreadable(room, sequencer, sequencer.firstWaiting() - 1, "messages that did not arrive live");
            }
        });
    }

    /**
     * Continues a room after {@code seq} when the messages up to it cannot be read from history (the token does
     * not grant it), and tells the application as a reset.
     */
    private void skipUnreadable(String room, RoomSequencer sequencer, long seq, String what) {
        long position = sequencer.position();
        if (seq <= position) {
            return;
        }
        String range = seq > position + 1 ? (position + 1) + "-" + seq : Long.toString(seq);
        ServerFrame.Reset reset = new ServerFrame.Reset(null, room, seq, "messages " + range + " (" + what
                + ") may have been missed: this connection may not read the room's history");
        callbacks.execute(() -> listener.onReset(reset));
        deliver(sequencer.reset(seq));
        watchGap(room, sequencer);
    }

    private void roomLost(String room, SwitchboardException reason) {
        forget(room);
        callbacks.execute(() -> listener.onRoomLost(room, reason));
    }

    private void forget(String room) {
        rooms.remove(room);
        gapWaits.remove(room);
        ScheduledFuture<?> check = gapChecks.remove(room);
        if (check != null) {
            check.cancel(false);
        }
    }

    /** The SwitchboardException a request failed with (unwrapped), or null if it did not fail. */
    private static SwitchboardException refusal(Throwable error) {
        if (error == null) {
            return null;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof SwitchboardException e ? e
                : new SwitchboardException(ErrorCode.INTERNAL, describe(cause), true);
    }

    // ---- frames from the server ------------------------------------------------------------------------------

    private void received(String text) {
        ServerFrame frame;
        try {
            frame = FrameCodec.decodeServer(text).orElse(null);
        } catch (ProtocolException e) {
            return;
        }
        if (frame == null) {
            return;
        }
        switch (frame) {
            case ServerFrame.Message message -> {
                RoomSequencer sequencer = rooms.get(message.room());
                if (sequencer != null) {
                    deliver(sequencer.accept(message));
                    watchGap(message.room(), sequencer);
                }
            }
            case ServerFrame.Direct direct -> callbacks.execute(() -> listener.onDirect(direct));
            case ServerFrame.PresenceChange change -> callbacks.execute(() -> listener.onPresence(change));
            case ServerFrame.Error error -> errorReceived(error);
            case ServerFrame.Ack ack -> {
                if ("join".equals(ack.action()) && ack.seq() != null) {
                    RoomSequencer sequencer = rooms.get(roomOf(ack.id()));
                    if (sequencer != null) {
                        deliver(sequencer.start(ack.seq()));
                    }
                }
                settle(ack.id(), ack, null);
            }
            case ServerFrame.History history -> {
                historyReceived(history);
                settle(history.id(), history, null);
            }
            case ServerFrame.Reset reset -> {
                RoomSequencer sequencer = rooms.get(reset.room());
                if (sequencer != null) {
                    callbacks.execute(() -> listener.onReset(reset));
                    deliver(sequencer.reset(reset.seq()));
                    // What follows the skipped seqs may still be in history.
                    resume(reset.room(), sequencer);
                }
                settle(reset.id(), reset, null);
            }
            case ServerFrame.Pong pong -> settle(pong.id(), pong, null);
            case ServerFrame.Presence presence -> settle(presence.id(), presence, null);
            case ServerFrame.Reply reply -> settle(reply.id(), reply, null);
        }
    }

    private String roomOf(String requestId) {
        Pending request = requestId == null ? null : pending.get(requestId);
        return request != null && request.frame instanceof ClientFrame.Join join ? join.room() : "";
    }

    private void historyReceived(ServerFrame.History history) {
        RoomSequencer sequencer = rooms.get(history.room());
        if (sequencer == null) {
            return;
        }
        for (ServerFrame.Message message : history.messages()) {
            deliver(sequencer.accept(message));
        }
        if (!sequencer.knowsPosition()) {
            deliver(sequencer.start(history.messages().isEmpty() ? history.seq()
                    : history.messages().getFirst().seq() - 1));
        }
        if (history.more()) {
            resume(history.room(), sequencer);
        } else {
            watchGap(history.room(), sequencer);
        }
    }

    private void errorReceived(ServerFrame.Error error) {
        Pending request = error.id() == null ? null : pending.get(error.id());
        if (error.code() == ErrorCode.TOKEN_EXPIRED) {
            tokenExpired(error, request);
            return;
        }
        SwitchboardException failure = new SwitchboardException(error.code(), error.message(), error.temporary());
        if (request == null) {
            report(failure);
            return;
        }
        if (error.temporary() && request.attempts < maxSendAttempts
                && (request.frame instanceof ClientFrame.Send || refusedUndone(error.code()))) {
            long delay = backoff.delayAfter(error.retryAfterMs(), request.attempts, random).toMillis();
            request.timeout.cancel(false);
            loop.schedule(() -> {
                if (pending.containsKey(request.frame.id()) && state == State.OPEN) {
                    transmit(request);
                }
            }, delay, TimeUnit.MILLISECONDS);
            return;
        }
        settle(error.id(), null, failure);
    }

    /**
     * Whether the server refused the frame before doing any of it (over the connection's quota, or the stack past its
     * capacity): any request, a {@code leave}, {@code direct} or re-join included, is then safe to send again, and
     * giving up would leave the client believing in a room it is not in, or a message it did not send.
     */
    private static boolean refusedUndone(ErrorCode code) {
        return code == ErrorCode.RATE_LIMITED || code == ErrorCode.OVERLOADED;
    }

    /**
     * Messages waiting behind a gap that history does not fill soon are fetched with {@code resume}. While the same
     * gap stays open (its message still with a slow or failed sender), each further resume waits twice as long,
     * so a room of thousands does not ask every second for the 30 s the server may take to give up on it.
     */
    private void watchGap(String room, RoomSequencer sequencer) {
        if (!sequencer.hasGap()) {
            gapWaits.remove(room);
            return;
        }
        if (gapChecks.containsKey(room)) {
            return;
        }
        gapChecks.put(room, loop.schedule(() -> {
            gapChecks.remove(room);
            RoomSequencer current = rooms.get(room);
            if (current != null && current.hasGap() && state == State.OPEN) {
                gapWaits.put(room, new GapWait(current.position(), resumesAt(room, current.position()) + 1));
                resume(room, current);
            }
        }, gapDelay(gapTimeout, resumesAt(room, sequencer.position())).toMillis(), TimeUnit.MILLISECONDS));
    }

    /** How many resumes have asked about the room's gap at this position without filling it. */
    private int resumesAt(String room, long position) {
        GapWait wait = gapWaits.get(room);
        return wait != null && wait.position() == position ? wait.resumes() : 0;
    }

    /** How long to wait before the next resume for a gap that {@code resumes} resumes have not filled. */
    static Duration gapDelay(Duration gapTimeout, int resumes) {
        return gapTimeout.multipliedBy(1L << Math.min(resumes, MAX_GAP_DOUBLINGS));
    }

    /** A gap's position and how many resumes have not filled it. */
    private record GapWait(long position, int resumes) {
    }

    private void deliver(List<ServerFrame.Message> messages) {
        for (ServerFrame.Message message : messages) {
            callbacks.execute(() -> listener.onMessage(message));
        }
    }

    /** Checks data by the server's own rules, so a frame the server would refuse fails here, with its code. */
    private static String validJson(String json) {
        Objects.requireNonNull(json, "data");
        try {
            FrameCodec.decodeClient("{\"action\":\"send\",\"room\":\"r\",\"data\":" + json + "}");
        } catch (ProtocolException e) {
            throw new SwitchboardException(e.code(), e.getMessage(), false);
        }
        return json;
    }

    private static String jsonString(String text) {
        return FrameCodec.quote(text);
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
                post(() -> received(text));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            post(() -> closed(ws, statusCode));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            post(() -> closed(ws, 1006));
        }
    }

    /** Settings of a {@link SwitchboardClient}. */
    public static final class Builder {
        private final URI url;
        private TokenProvider tokens;
        private boolean tokenInHeader;
        private Listener listener = new Listener() {
        };
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration heartbeat = Duration.ofMinutes(5);
        private Duration gapTimeout = Duration.ofSeconds(1);
        private Duration backoffBase = Duration.ofMillis(250);
        private Duration backoffCap = Duration.ofSeconds(30);
        private int maxSendAttempts = 5;

        private Builder(URI url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /**
         * One JWT for every {@code $connect}, sent as the {@code token} query parameter (what browsers can do too).
         * It is never refreshed: for connections that outlive a token, use {@link #tokenProvider}.
         */
        public Builder token(String value) {
            this.tokens = TokenProvider.fixed(value);
            return this;
        }

        /**
         * Where fresh tokens come from: asked at every connect and reconnect, and ahead of each token's expiry to
         * refresh the connection (at 80 % of its remaining lifetime, and at least 5 seconds before it expires).
         */
        public Builder tokenProvider(TokenProvider value) {
            this.tokens = Objects.requireNonNull(value, "tokenProvider");
            return this;
        }

        /** Sends the token as {@code Authorization: Bearer} instead of in the query string. */
        public Builder tokenInHeader() {
            this.tokenInHeader = true;
            return this;
        }

        public Builder listener(Listener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        /** How often to ping; must stay below API Gateway's 10-minute idle timeout. */
        public Builder heartbeat(Duration value) {
            if (value.compareTo(Duration.ofMinutes(10)) >= 0) {
                throw new IllegalArgumentException("heartbeat must be under API Gateway's 10-minute idle timeout");
            }
            this.heartbeat = value;
            return this;
        }

        /** How long messages may wait behind a gap before the client asks for the missing ones. */
        public Builder gapTimeout(Duration value) {
            this.gapTimeout = value;
            return this;
        }

        /** Backoff of reconnects, and of retries of a failed token refresh. */
        public Builder reconnectBackoff(Duration base, Duration cap) {
            this.backoffBase = base;
            this.backoffCap = cap;
            return this;
        }

        public SwitchboardClient build() {
            new Backoff(backoffBase, backoffCap);
            return new SwitchboardClient(this);
        }
    }
}
