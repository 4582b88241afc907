package dev.switchboard.loadtest;

import java.net.http.WebSocket;
import java.util.BitSet;
import java.util.concurrent.CompletionStage;

/**
 * One connection of a load run: the room it is in, which of the room's measured messages it has seen (and how
 * many twice or out of order), and its socket. Whole text frames go to the run's {@link LoadRun#received}.
 */
final class LoadPeer implements WebSocket.Listener {

    /** The id every peer's join carries: its answer is told apart from the sends' by it. */
    static final String JOIN_ID = "join";

    /** The room's index among the run's rooms. */
    final int room;
    /** The room's name, unique to the run. */
    final String roomName;
    volatile boolean joined;
    final BitSet seen = new BitSet();
    long lastSeq;
    int duplicates;
    int outOfOrder;
    WebSocket socket;
    private final StringBuilder partial = new StringBuilder();
    private final LoadRun run;

    LoadPeer(int room, String runId, LoadRun run) {
        this.room = room;
        this.roomName = "load-" + runId + "-" + room;
        this.run = run;
    }

    /** The frame that joins the peer to its room (sent again when the stack refused it for now). */
    String joinFrame() {
        return "{\"action\":\"join\",\"room\":\"" + roomName + "\",\"id\":\"" + JOIN_ID + "\"}";
    }

    /** Sends one frame; the JDK's WebSocket takes one send at a time, and several threads send through a peer. */
    void send(String frame) {
        synchronized (this) {
            socket.sendText(frame, true).join();
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            run.received(this, text);
        }
        webSocket.request(1);
        return null;
    }
}
