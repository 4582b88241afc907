package dev.switchboard.client;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Switchboard client: requests complete with the server's reply, the socket is kept alive with {@code ping}, and a
 * lost connection is re-opened with exponential backoff and full jitter, re-joining every room and resuming from
 * the last message seen, so the application gets every message of a room exactly once and in order. Tokens come
 * from a {@link TokenProvider}, asked at every (re)connect; the connection is refreshed with a fresh token ahead
 * of the current one's expiry. Settings are a {@link SwitchboardClientOptions}.
 *
 * <pre>{@code
 * SwitchboardClientOptions options = SwitchboardClientOptions.builder(URI.create("ws://localhost:3001/local"))
 *         .tokenProvider(tokens)                       // asked at every (re)connect; or .token(jwt)
 *         .build();
 * try (SwitchboardClient client = SwitchboardClient.create(options, new SwitchboardClient.Listener() {
 *     public void onMessage(ServerFrame.Message m) {
 *         System.out.println(m.room() + " #" + m.seq() + " " + m.from() + ": " + m.data());
 *     }
 * })) {
 *     client.connect().join();
 *     client.join("lobby").join();
 *     ServerFrame.Ack ack = client.sendText("lobby", "hello").join();   // the message's id and seq
 * }
 * }</pre>
 *
 * <p>All methods may be called from any thread. Listener methods run on one dedicated thread, in order. A request
 * fails with a {@link ServerErrorException} when the server refused it and a {@link ClientSideException} when it
 * could not complete (no reply in time, connection lost, client closed, data refused before sending).
 */
public interface SwitchboardClient extends AutoCloseable {

    /** A client with these options, telling {@code listener} what the server pushes; not connected yet. */
    static SwitchboardClient create(SwitchboardClientOptions options, Listener listener) {
        return new JdkSwitchboardClient(options, listener);
    }

    /** A client that only makes requests: nothing is told of what the server pushes. */
    static SwitchboardClient create(SwitchboardClientOptions options) {
        return create(options, new Listener() {
        });
    }

    /** Connection state, as reported to {@link Listener#onStateChange}. */
    enum State { CONNECTING, OPEN, RECONNECTING, CLOSED }

    /** Callbacks for what the server pushes; every method has an empty default. */
    interface Listener {
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

    /** Opens the connection; completes when it is open (reconnects after that are automatic). */
    CompletableFuture<Void> connect();

    /**
     * Joins a room. Completes with the {@code ack} (or a {@code history} page when resuming). After a reconnect
     * the client re-joins by itself and resumes from the last message it delivered. A refusal (for instance
     * {@link ErrorCode#FORBIDDEN} when the token does not grant the room) fails the future and the client forgets
     * the room.
     */
    CompletableFuture<ServerFrame> join(String room);

    CompletableFuture<ServerFrame.Ack> leave(String room);

    /**
     * Sends JSON {@code data} to a room; retried with the same id (so at most once) if a reply goes missing or the
     * server answers with a temporary error (after the {@code retryAfterMs} it names, if it names one). Data the
     * server would refuse (not one JSON value, over {@link Limits#MAX_DATA_BYTES}) fails here, before sending.
     */
    CompletableFuture<ServerFrame.Ack> send(String room, String jsonData);

    /** Sends a text as a JSON string. */
    CompletableFuture<ServerFrame.Ack> sendText(String room, String text);

    /** Sends JSON {@code data} to every connection of a user. */
    CompletableFuture<ServerFrame.Ack> direct(String user, String jsonData);

    /**
     * Calls an application route: an action the deployment adds beside Switchboard's own (such as {@code typing}),
     * answered by the application's function. Completes with the {@code reply}, whose {@link ServerFrame.Reply#data()}
     * is the JSON text the function answered.
     *
     * <pre>{@code
     * ServerFrame.Reply reply = client.call("typing", "{\"room\":\"lobby\"}").join();
     * reply.data();   // {"ok":true}, as the application answered
     * }</pre>
     *
     * <p>Fails with a {@link ServerErrorException}: {@link ErrorCode#APPLICATION_ERROR} when the function refused
     * (its message is the function's {@code CODE: message}) or failed, {@link ErrorCode#APPLICATION_TIMEOUT}
     * (temporary) when it did not answer in time or could not be reached, {@link ErrorCode#UNKNOWN_ACTION} when no
     * route has that name, and the errors of every frame ({@code RATE_LIMITED}, {@code HOOK_FAILED}, ...). Refused
     * before sending, with a {@link ClientSideException}: a name that cannot be an application route's
     * ({@link ErrorCode#UNKNOWN_ACTION}: one of Switchboard's routes, a {@code $} name, or not a letter and then up
     * to 63 letters, digits, {@code _} or {@code -}) and data the server would refuse (as for {@link #send}).
     *
     * <p>A call is not idempotent: the client never sends one twice. A call refused before the server did any of it
     * ({@code RATE_LIMITED}, {@code OVERLOADED}, an expired token) goes out again; one already sent when the
     * connection is lost fails with a temporary {@link ClientSideException}, as does one without a reply within the
     * request timeout (keep that above the route's timeout, 10 s by default, to see the server's
     * {@code APPLICATION_TIMEOUT} instead). Whether to call again is the application's to decide.
     */
    CompletableFuture<ServerFrame.Reply> call(String action, String jsonData);

    /** Calls an application route without data (the function receives {@code null}). */
    default CompletableFuture<ServerFrame.Reply> call(String action) {
        return call(action, "null");
    }

    /**
     * The first page of a joined room's presence: at most {@link Limits#PRESENCE_PAGE_SIZE} connections, by user.
     * When {@link ServerFrame.Presence#more()} is true, {@link #presence(String, String)} with its cursor gets the
     * next page; {@link #presenceAll} gets them all.
     */
    default CompletableFuture<ServerFrame.Presence> presence(String room) {
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
    CompletableFuture<ServerFrame.Presence> presence(String room, String cursor);

    /**
     * Everyone in a joined room: every page of its presence, one request after the other, with the connections of a
     * user listed on several pages added up; sorted by user. Fails as soon as a page fails.
     */
    CompletableFuture<List<ServerFrame.Member>> presenceAll(String room);

    CompletableFuture<ServerFrame.Pong> ping();

    /**
     * Cuts the connection as a network failure would (no close handshake), so applications and demos can see
     * reconnect and resume at work. The client reconnects by itself.
     */
    default void dropConnection() {
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
    void dropConnection(CompletionStage<?> networkBack);

    /** The seq of the last message delivered for a room, or -1 when none yet. */
    long position(String room);

    State state();

    /** Closes the connection for good; pending requests fail. */
    @Override
    void close();
}
