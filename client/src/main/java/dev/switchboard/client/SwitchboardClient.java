package dev.switchboard.client;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerFrame;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * A Switchboard client on the JDK's {@code java.net.http.WebSocket}: requests complete with the server's reply,
 * the socket is kept alive with {@code ping}, and a lost connection is re-opened with exponential backoff and full
 * jitter, re-joining every room and resuming from the last message seen, so the application gets every message
 * of a room exactly once and in order.
 *
 * <pre>{@code
 * SwitchboardClient client = SwitchboardClient.builder(URI.create("ws://localhost:3001/local"))
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

        /** Messages of a room were lost to retention while this client was away; it continues from {@code seq}. */
        default void onReset(ServerFrame.Reset reset) {
        }

        /** An error not tied to a request of this client (or a refused reconnect). */
        default void onError(SwitchboardException error) {
        }

        default void onStateChange(State state) {
        }
    }

    private final URI url;
    private final Map<String, String> headers;
    private final Listener listener;
    private final Duration requestTimeout;
    /** A gap that resumes do not fill is asked about at most every 2^4 = 16 gap timeouts. */
    private static final int MAX_GAP_DOUBLINGS = 4;

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

    /** A request awaiting its reply. */
    private static final class Pending {
        final ClientFrame frame;
        final CompletableFuture<ServerFrame> reply = new CompletableFuture<>();
        final boolean internal;
        ScheduledFuture<?> timeout;
        int attempts;

        Pending(ClientFrame frame, boolean internal) {
            this.frame = frame;
            this.internal = internal;
        }

        /** Requests that are safe to send again after a reconnect (send is idempotent by its id). */
        boolean resendable() {
            return !(frame instanceof ClientFrame.Leave) && !(frame instanceof ClientFrame.Direct);
        }
    }

    private SwitchboardClient(Builder builder) {
        String token = builder.token;
        boolean header = builder.tokenInHeader;
        this.url = token != null && !header ? withQuery(builder.url, "token", token) : builder.url;
        this.headers = token != null && header ? Map.of("Authorization", "Bearer " + token) : Map.of();
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
     * the client re-joins by itself and resumes from the last message it delivered.
     */
    public CompletableFuture<ServerFrame> join(String room) {
        ClientFrame.Join frame = new ClientFrame.Join(nextId(), room);
        return onLoop(() -> {
            RoomSequencer sequencer = rooms.computeIfAbsent(room, r -> new RoomSequencer(RoomSequencer.UNKNOWN));
            ClientFrame.Join join = sequencer.knowsPosition()
                    ? new ClientFrame.Join(frame.id(), room, sequencer.position()) : frame;
            return request(join, false);
        });
    }

    public CompletableFuture<ServerFrame.Ack> leave(String room) {
        return onLoop(() -> {
            rooms.remove(room);
            return request(new ClientFrame.Leave(nextId(), room), false);
        }).thenApply(ServerFrame.Ack.class::cast);
    }

    /** Sends JSON {@code data} to a room; retried with the same id (so at most once) if a reply goes missing. */
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

    public CompletableFuture<ServerFrame.Presence> presence(String room) {
        return onLoop(() -> request(new ClientFrame.Presence(nextId(), room), false))
                .thenApply(ServerFrame.Presence.class::cast);
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
                // abort() tells the listener nothing: report the loss as the socket would.
                socket.abort();
                closed(1006);
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
            failAll(new SwitchboardException(ErrorCode.INTERNAL, "client closed", false));
            if (socket != null) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").whenComplete((r, e) -> socket.abort());
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
        return "c" + ids.incrementAndGet();
    }

    private <T> CompletableFuture<T> onLoop(java.util.function.Supplier<CompletableFuture<T>> work) {
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
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new SwitchboardException(ErrorCode.INTERNAL, "client closed", false));
        }
        return result;
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
            request.reply.complete(reply);
        }
    }

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
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(requestTimeout);
        headers.forEach(builder::header);
        builder.buildAsync(url, new SocketListener()).whenComplete((ws, error) -> loop.execute(() -> {
            if (error != null) {
                handshakeFailed(error);
            } else if (closing) {
                ws.abort();
            } else {
                opened(ws);
            }
        }));
    }

    private void opened(WebSocket ws) {
        socket = ws;
        attempt = 0;
        sendChain = CompletableFuture.completedFuture(null);
        changeState(State.OPEN);
        for (Map.Entry<String, RoomSequencer> room : rooms.entrySet()) {
            RoomSequencer sequencer = room.getValue();
            request(new ClientFrame.Join(nextId(), room.getKey(),
                    sequencer.knowsPosition() ? sequencer.position() : null), true)
                    .whenComplete((reply, error) -> { });
        }
        for (Pending request : new ArrayList<>(pending.values())) {
            if (!(request.frame instanceof ClientFrame.Join && request.internal)
                    || request.attempts == 0) {
                transmit(request);
            }
        }
        firstOpen.complete(null);
    }

    private void handshakeFailed(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
        if (cause instanceof WebSocketHandshakeException refused) {
            int status = refused.getResponse().statusCode();
            if (status == 401 || status == 403) {
                stop(new SwitchboardException(ErrorCode.INTERNAL, "connection refused with " + status
                        + (status == 401 ? ": no token" : ": token rejected"), false));
                return;
            }
        }
        scheduleReconnect();
    }

    private void closed(int statusCode) {
        socket = null;
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

    private void scheduleReconnect() {
        if (closing) {
            return;
        }
        changeState(State.RECONNECTING);
        long delay = backoff.delay(attempt++, random).toMillis();
        loop.schedule(this::open, delay, TimeUnit.MILLISECONDS);
    }

    private void stop(SwitchboardException reason) {
        closing = true;
        failAll(reason);
        changeState(State.CLOSED);
        firstOpen.completeExceptionally(reason);
        callbacks.execute(() -> listener.onError(reason));
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
                    request(new ClientFrame.Resume(nextId(), reset.room(), sequencer.position()), true);
                }
                settle(reset.id(), reset, null);
            }
            case ServerFrame.Pong pong -> settle(pong.id(), pong, null);
            case ServerFrame.Presence presence -> settle(presence.id(), presence, null);
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
            request(new ClientFrame.Resume(nextId(), history.room(), sequencer.position()), true);
        } else {
            watchGap(history.room(), sequencer);
        }
    }

    private void errorReceived(ServerFrame.Error error) {
        SwitchboardException failure = new SwitchboardException(error.code(), error.message(), error.temporary());
        Pending request = error.id() == null ? null : pending.get(error.id());
        if (request == null) {
            callbacks.execute(() -> listener.onError(failure));
            return;
        }
        if (error.temporary() && request.frame instanceof ClientFrame.Send
                && request.attempts < maxSendAttempts) {
            long delay = backoff.delay(request.attempts, random).toMillis();
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
                request(new ClientFrame.Resume(nextId(), room, current.position()), true);
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
                loop.execute(() -> received(text));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            loop.execute(() -> closed(statusCode));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            loop.execute(() -> closed(1006));
        }
    }

    /** Settings of a {@link SwitchboardClient}. */
    public static final class Builder {
        private final URI url;
        private String token;
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

        /** A JWT for {@code $connect}, sent as the {@code token} query parameter (what browsers can do too). */
        public Builder token(String value) {
            this.token = value;
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
