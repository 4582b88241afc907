package dev.switchboard.client;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * The rooms the client is in, each with its position (the seq of the last message delivered): messages are
 * delivered once and in order, a gap that the live stream does not fill is asked about with {@code resume}, and
 * after a reconnect every room is re-joined from its position, so history fills what was missed. Touched on the
 * loop thread only.
 */
final class RoomTracker {

    /** A gap that resumes do not fill is asked about at most every 2^4 = 16 gap timeouts. */
    private static final int MAX_GAP_DOUBLINGS = 4;

    /** A gap's position and how many resumes have not filled it. */
    private record GapWait(long position, int resumes) {
    }

    private final Map<String, RoomSequencer> rooms = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> gapChecks = new HashMap<>();
    private final Map<String, GapWait> gapWaits = new HashMap<>();
    private final PendingRequests requests;
    private final Connection connection;
    private final ClientIds ids;
    private final ClientLoop loop;
    private final Duration gapTimeout;

    RoomTracker(SwitchboardClientOptions options, PendingRequests requests, Connection connection, ClientIds ids,
                ClientLoop loop) {
        this.requests = requests;
        this.connection = connection;
        this.ids = ids;
        this.loop = loop;
        this.gapTimeout = options.gapTimeout();
    }

    /** The seq of the last message delivered in a room, or {@link RoomSequencer#UNKNOWN}. */
    long position(String room) {
        RoomSequencer sequencer = rooms.get(room);
        return sequencer == null ? RoomSequencer.UNKNOWN : sequencer.position();
    }

    /**
     * The application joins a room (or joins it again). A refusal that will not change by itself makes the client
     * forget the room, unless it was already in it and the refusal is not {@link ErrorCode#FORBIDDEN}.
     */
    CompletableFuture<ServerFrame> join(String id, String room) {
        RoomSequencer sequencer = rooms.computeIfAbsent(room, r -> new RoomSequencer(RoomSequencer.UNKNOWN));
        boolean confirmed = sequencer.knowsPosition();
        return enter(id, room, sequencer, false).whenComplete((reply, error) -> {
            SwitchboardException refusal = error == null ? null : ClientSideException.unwrap(error);
            if (refusal != null && !refusal.temporary() && rooms.get(room) == sequencer
                    && (!confirmed || refusal.code() == ErrorCode.FORBIDDEN)) {
                forget(room);
            }
        });
    }

    /** Re-joins every room on a new connection, each resuming from its position. */
    List<CompletableFuture<ServerFrame>> rejoinAll() {
        List<CompletableFuture<ServerFrame>> rejoins = new ArrayList<>();
        for (Map.Entry<String, RoomSequencer> room : new ArrayList<>(rooms.entrySet())) {
            rejoins.add(rejoin(room.getKey(), room.getValue()));
        }
        return rejoins;
    }

    /**
     * Joins a room, resuming after the last delivered seq when there is one. Resuming needs the history right:
     * without it the server refuses ({@link ErrorCode#FORBIDDEN}) and the client joins without resuming, telling
     * the application through {@link SwitchboardClient.Listener#onReset} that it may have missed messages. Two tries
     * at most.
     */
    private CompletableFuture<ServerFrame> enter(String id, String room, RoomSequencer sequencer, boolean internal) {
        if (!sequencer.knowsPosition()) {
            return requests.request(new ClientFrame.Join(id, room), internal);
        }
        return requests.request(new ClientFrame.Join(id, room, sequencer.position()), internal)
                .handle((reply, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(reply);
                    }
                    SwitchboardException refusal = ClientSideException.unwrap(error);
                    if (refusal.code() != ErrorCode.FORBIDDEN || rooms.get(room) != sequencer) {
                        return CompletableFuture.<ServerFrame>failedFuture(refusal);
                    }
                    return requests.request(new ClientFrame.Join(ids.next(), room), internal).thenApply(ack -> {
                        if (ack instanceof ServerFrame.Ack joined && joined.seq() != null
                                && rooms.get(room) == sequencer) {
                            skipUnreadable(room, sequencer, joined.seq(), "messages sent while this client was away");
                        }
                        return ack;
                    });
                }).thenCompose(next -> next);
    }

    private CompletableFuture<ServerFrame> rejoin(String room, RoomSequencer sequencer) {
        return enter(ids.next(), room, sequencer, true).whenComplete((reply, error) -> {
            SwitchboardException refusal = error == null ? null : ClientSideException.unwrap(error);
            if (refusal != null && refusal.code() == ErrorCode.FORBIDDEN && rooms.get(room) == sequencer) {
                lost(room, refusal);
            }
        });
    }

    /** Asks for the messages of a room after its position; without the history right, skips what is missing. */
    private void resume(String room, RoomSequencer sequencer) {
        requests.request(new ClientFrame.Resume(ids.next(), room, sequencer.position()), true)
                .whenComplete((reply, error) -> {
                    SwitchboardException refusal = error == null ? null : ClientSideException.unwrap(error);
                    if (refusal != null && refusal.code() == ErrorCode.FORBIDDEN && rooms.get(room) == sequencer
                            && sequencer.hasGap()) {
                        skipUnreadable(room, sequencer, sequencer.firstWaiting() - 1,
                                "messages that did not arrive live");
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
        loop.tell(listener -> listener.onReset(reset));
        deliver(sequencer.reset(seq));
        watchGap(room, sequencer);
    }

    /** A refreshed token no longer grants a room: the server has left it. */
    void revoked(String room, SwitchboardException reason) {
        if (rooms.containsKey(room)) {
            lost(room, reason);
        }
    }

    private void lost(String room, SwitchboardException reason) {
        forget(room);
        loop.tell(listener -> listener.onRoomLost(room, reason));
    }

    void forget(String room) {
        rooms.remove(room);
        gapWaits.remove(room);
        ScheduledFuture<?> check = gapChecks.remove(room);
        if (check != null) {
            check.cancel(false);
        }
    }

    // ---- what the server sends about rooms -----------------------------------------------------------------------

    /** A live message. */
    void message(ServerFrame.Message message) {
        RoomSequencer sequencer = rooms.get(message.room());
        if (sequencer != null) {
            deliver(sequencer.accept(message));
            watchGap(message.room(), sequencer);
        }
    }

    /** A join was acknowledged with the room's latest seq: where a room joined without a position starts. */
    void joined(String room, long seq) {
        RoomSequencer sequencer = rooms.get(room);
        if (sequencer != null) {
            deliver(sequencer.start(seq));
        }
    }

    /** A page of history, answering a join with a position or a resume; asks for the next page while there is one. */
    void history(ServerFrame.History history) {
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

    /** Messages up to the reset's seq are gone for good: tell the application, and fetch what follows from history. */
    void reset(ServerFrame.Reset reset) {
        RoomSequencer sequencer = rooms.get(reset.room());
        if (sequencer != null) {
            loop.tell(listener -> listener.onReset(reset));
            deliver(sequencer.reset(reset.seq()));
            resume(reset.room(), sequencer);
        }
    }

    private void deliver(List<ServerFrame.Message> messages) {
        for (ServerFrame.Message message : messages) {
            loop.tell(listener -> listener.onMessage(message));
        }
    }

    // ---- gaps ------------------------------------------------------------------------------------------------------

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
            if (current != null && current.hasGap() && connection.isOpen()) {
                gapWaits.put(room, new GapWait(current.position(), resumesAt(room, current.position()) + 1));
                resume(room, current);
            }
        }, gapDelay(gapTimeout, resumesAt(room, sequencer.position()))));
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
}
