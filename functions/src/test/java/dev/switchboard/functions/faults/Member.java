package dev.switchboard.functions.faults;

import dev.switchboard.protocol.ServerFrame;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One member of the room as its application sees it: a user with one connection at a time, who reconnects when the
 * connection drops, and whose client turns what arrives (live, from the fan-out worker, from history, twice, out of
 * order) into each message once, in {@code seq} order, holding messages behind a gap until history fills it.
 */
final class Member {

    /** Where a connection stands in its life. */
    enum State { DROPPED, CONNECTED, JOINED }

    /** How a message first reached this member. */
    enum Arrival { LIVE, DEFERRED, RESUME }

    /** A send the member's application asked for: its id stays the same over every try. */
    static final class Send {
        final int number;
        final String id;
        int tries;
        /** When the client may try it again (it backs off after a failed try). */
        Instant notBefore = Instant.EPOCH;

        Send(int number) {
            this.number = number;
            this.id = "s-" + number;
        }

        /** The data the message carries: the send's id, so a stored or delivered message names its send. */
        String data() {
            return "\"" + id + "\"";
        }
    }

    final int index;
    final String userId;
    final List<String> connections = new ArrayList<>();
    final Deque<Send> sends = new ArrayDeque<>();
    State state = State.DROPPED;
    int reconnectAt;
    private int generation;
    /** Invocations this member's client has made: a retry is a new call, so it draws its faults anew. */
    private int invocations;

    private long position = -1;
    private final TreeMap<Long, ServerFrame.Message> waiting = new TreeMap<>();
    private final List<ServerFrame.Message> view = new ArrayList<>();
    private final Map<Long, Integer> receipts = new HashMap<>();
    private final Map<Long, Arrival> arrivals = new HashMap<>();
    private int resets;

    Member(int index) {
        this.index = index;
        this.userId = "user-" + index;
    }

    /** The connection the member holds now (or held last, when dropped). */
    String connectionId() {
        return connections.isEmpty() ? null : connections.getLast();
    }

    /** A new connection id, as API Gateway gives each new socket its own. */
    String newConnection() {
        generation++;
        String id = "M" + index + "-g" + generation + "=";
        connections.add(id);
        return id;
    }

    int nextInvocation() {
        return ++invocations;
    }

    boolean knowsPosition() {
        return position >= 0;
    }

    /** The seq of the last message handed to the application: where a resume continues. */
    long position() {
        return position;
    }

    boolean hasGap() {
        return !waiting.isEmpty();
    }

    /** The join's ack: where this member starts (the room's latest seq then). */
    void start(long seq) {
        if (position < 0) {
            position = seq;
            waiting.headMap(position, true).clear();
            drain();
        }
    }

    void accept(ServerFrame.Message message, Arrival via) {
        receipts.merge(message.seq(), 1, Integer::sum);
        arrivals.putIfAbsent(message.seq(), via);
        if (position >= 0 && message.seq() <= position) {
            return;
        }
        waiting.putIfAbsent(message.seq(), message);
        if (position >= 0) {
            drain();
        }
    }

    /** Messages up to {@code seq} are gone for good (their sender failed before storing them): continue after. */
    void reset(long seq) {
        resets++;
        position = Math.max(position, seq);
        waiting.headMap(position, true).clear();
        drain();
    }

    private void drain() {
        while (!waiting.isEmpty() && waiting.firstKey() == position + 1) {
            ServerFrame.Message next = waiting.pollFirstEntry().getValue();
            view.add(next);
            position = next.seq();
        }
    }

    /** What the application was handed, in order. */
    List<ServerFrame.Message> view() {
        return List.copyOf(view);
    }

    /** Frames carrying a message this member had received before, by any way. */
    int duplicateReceipts() {
        return receipts.values().stream().mapToInt(n -> n - 1).sum();
    }

    Map<Long, Arrival> arrivals() {
        return Map.copyOf(arrivals);
    }

    int resets() {
        return resets;
    }
}
