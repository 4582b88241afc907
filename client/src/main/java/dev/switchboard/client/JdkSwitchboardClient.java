package dev.switchboard.client;

import dev.switchboard.protocol.ApplicationFrame;
import dev.switchboard.protocol.ApplicationRoutes;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.Route;
import dev.switchboard.protocol.ServerFrame;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * {@link SwitchboardClient} on the JDK's {@code java.net.http.WebSocket}, assembled from its parts: the
 * {@link Connection} (socket, state, reconnects), the {@link PendingRequests} (replies, timeouts, retries), the
 * {@link RoomTracker} (order, gaps, resume), the {@link TokenRefresher} and the {@link Heartbeat}. This class turns
 * the application's calls into requests and hands each frame from the server to the part it concerns; every part's
 * state lives on the {@link ClientLoop}'s thread.
 */
final class JdkSwitchboardClient implements SwitchboardClient, Connection.Events {

    private static final System.Logger LOG = System.getLogger(SwitchboardClient.class.getName());
    /** How long {@link #close()} waits for the loop to close the connection. */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final ClientIds ids = new ClientIds();
    private final ClientLoop loop;
    private final Connection connection;
    private final PendingRequests requests;
    private final RoomTracker rooms;
    private final TokenRefresher refresher;

    JdkSwitchboardClient(SwitchboardClientOptions options, Listener listener) {
        Objects.requireNonNull(options, "options");
        this.loop = new ClientLoop(Objects.requireNonNull(listener, "listener"));
        RandomGenerator random = RandomGenerator.getDefault();
        Backoff backoff = new Backoff(options.reconnectBackoffBase(), options.reconnectBackoffCap());
        TokenSource tokens = new TokenSource(options.tokenProvider().orElse(null), options.requestTimeout());
        this.connection = new Connection(options, ids.instance(), tokens, backoff, random, loop, this);
        this.requests = new PendingRequests(options, connection, loop, backoff, random);
        this.rooms = new RoomTracker(options, requests, connection, ids, loop);
        this.refresher = new TokenRefresher(tokens, connection, requests, rooms, ids, loop, backoff, random);
        Heartbeat.start(options.heartbeat(), loop, connection, requests, ids);
    }

    // ---- the application's calls ---------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Void> connect() {
        return connection.connect();
    }

    @Override
    public CompletableFuture<ServerFrame> join(String room) {
        // Made here so that a room name the server would refuse throws on the caller's thread.
        String id = new ClientFrame.Join(ids.next(), room).id();
        return loop.call(() -> rooms.join(id, room));
    }

    @Override
    public CompletableFuture<ServerFrame.Ack> leave(String room) {
        return loop.call(() -> {
            rooms.forget(room);
            return requests.request(new ClientFrame.Leave(ids.next(), room), false);
        }).thenApply(ServerFrame.Ack.class::cast);
    }

    @Override
    public CompletableFuture<ServerFrame.Ack> send(String room, String jsonData) {
        return loop.call(() -> requests.request(new ClientFrame.Send(ids.next(), room, checkedData(jsonData)), false))
                .thenApply(ServerFrame.Ack.class::cast);
    }

    @Override
    public CompletableFuture<ServerFrame.Ack> sendText(String room, String text) {
        return send(room, FrameCodec.quote(text));
    }

    @Override
    public CompletableFuture<ServerFrame.Ack> direct(String user, String jsonData) {
        return loop.call(() -> requests.request(new ClientFrame.Direct(ids.next(), user, checkedData(jsonData)), false))
                .thenApply(ServerFrame.Ack.class::cast);
    }

    @Override
    public CompletableFuture<ServerFrame.Reply> call(String action, String jsonData) {
        return loop.call(() -> requests.call(new ApplicationFrame(ids.next(), checkedAction(action),
                checkedData(jsonData)))).thenApply(ServerFrame.Reply.class::cast);
    }

    /**
     * A name that can be an application route's. Any other would reach one of Switchboard's routes (or none), so it
     * fails here, with the code the server gives an action no route serves.
     */
    private static String checkedAction(String action) {
        ApplicationRoutes.problem(action).ifPresent(problem -> {
            throw new ClientSideException(ErrorCode.UNKNOWN_ACTION, problem, false);
        });
        return action;
    }

    /**
     * Data as the server will accept it: one JSON value (written compactly) within the protocol's limits. What the
     * server would refuse fails here, with the code it would have answered.
     */
    private static String checkedData(String json) {
        String data;
        try {
            data = FrameCodec.requireJsonValue(json);
        } catch (ProtocolException e) {
            throw new ClientSideException(e.code(), e.getMessage(), false);
        }
        if (FrameCodec.utf8Length(data) > Limits.MAX_DATA_BYTES) {
            throw new ClientSideException(ErrorCode.PAYLOAD_TOO_LARGE, "data exceeds " + Limits.MAX_DATA_BYTES
                    + " bytes", false);
        }
        return data;
    }

    @Override
    public CompletableFuture<ServerFrame.Presence> presence(String room, String cursor) {
        return loop.call(() -> requests.request(new ClientFrame.Presence(ids.next(), room, cursor), false))
                .thenApply(ServerFrame.Presence.class::cast);
    }

    @Override
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
                return CompletableFuture.failedFuture(ClientSideException.internal(
                        "the server answered a presence page with the same cursor", false));
            }
            return collectPresence(room, page.cursor(), byUser);
        });
    }

    @Override
    public CompletableFuture<ServerFrame.Pong> ping() {
        return loop.call(() -> requests.request(new ClientFrame.Ping(ids.next()), false))
                .thenApply(ServerFrame.Pong.class::cast);
    }

    @Override
    public void dropConnection(CompletionStage<?> networkBack) {
        connection.dropConnection(networkBack);
    }

    @Override
    public long position(String room) {
        return loop.call(() -> CompletableFuture.completedFuture(rooms.position(room))).join();
    }

    @Override
    public State state() {
        return loop.call(() -> CompletableFuture.completedFuture(connection.state())).join();
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                connection.close();
                done.complete(null);
            });
        } catch (RejectedExecutionException alreadyClosed) {
            return;
        }
        done.orTimeout(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS).exceptionally(e -> null).join();
        loop.shutdown();
        connection.shutdown();
    }

    // ---- what the connection reports, on the loop thread -----------------------------------------------------

    @Override
    public void opened(String token) {
        refresher.start(token);
        requests.resendAfter(rooms::rejoinAll);
    }

    @Override
    public void closed() {
        refresher.cancel();
    }

    @Override
    public void lost() {
        requests.connectionLost();
    }

    @Override
    public void stopped(SwitchboardException reason) {
        refresher.cancel();
        requests.failAll(reason);
    }

    /** A frame from the server, handed to the part it concerns. A malformed one is logged and dropped. */
    @Override
    public void received(String text) {
        Optional<ServerFrame> decoded;
        try {
            decoded = FrameCodec.decodeServer(text);
        } catch (ProtocolException e) {
            LOG.log(System.Logger.Level.WARNING, "dropped a malformed frame from the server ({0} characters): {1}",
                    text.length(), e.getMessage());
            return;
        }
        if (decoded.isEmpty()) {
            // A newer server's frame type: this client has nothing to do with it.
            LOG.log(System.Logger.Level.DEBUG, "ignored a frame of a type this client does not know");
            return;
        }
        switch (decoded.get()) {
            case ServerFrame.Message message -> rooms.message(message);
            case ServerFrame.Direct direct -> loop.tell(listener -> listener.onDirect(direct));
            case ServerFrame.PresenceChange change -> loop.tell(listener -> listener.onPresence(change));
            case ServerFrame.Error error -> refused(error);
            case ServerFrame.Ack ack -> {
                if (Route.JOIN.key().equals(ack.action()) && ack.seq() != null
                        && requests.frame(ack.id()).orElse(null) instanceof ClientFrame.Join join) {
                    rooms.joined(join.room(), ack.seq());
                }
                requests.complete(ack.id(), ack);
            }
            case ServerFrame.History history -> {
                rooms.history(history);
                requests.complete(history.id(), history);
            }
            case ServerFrame.Reset reset -> {
                rooms.reset(reset);
                requests.complete(reset.id(), reset);
            }
            case ServerFrame.Pong pong -> requests.complete(pong.id(), pong);
            case ServerFrame.Presence presence -> requests.complete(presence.id(), presence);
            case ServerFrame.Reply reply -> requests.complete(reply.id(), reply);
        }
    }

    private void refused(ServerFrame.Error error) {
        if (error.code() == ErrorCode.TOKEN_EXPIRED) {
            // The server did nothing with the frame and closes the connection: reconnect now, with a fresh token.
            refresher.expired(error);
            requests.refusedUnseen(error.id());
            connection.expired();
            return;
        }
        if (!requests.refused(error)) {
            SwitchboardException failure = ServerErrorException.of(error);
            loop.tell(listener -> listener.onError(failure));
        }
    }
}
