package dev.switchboard.functions.aws;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The conditional update that counts one frame of a connection in its quota window, on the connection's row, for
 * one guess of where the stored count stands: already in this window (add one, while under the burst), or in an
 * older one (start this window at one). An update expression cannot choose between the two, so the store guesses
 * from what it saw last and, when the condition says it guessed wrong, tries the other ({@link #otherBranch()}); a
 * condition that fails with the count already at the burst is the refusal.
 *
 * @param window     the window the frame counts in
 * @param burst      frames allowed per window
 * @param sameWindow the guess: the row already counts frames of {@code window}
 */
record FrameCount(long window, int burst, boolean sameWindow) {

    /** Expression names used by {@link #updateExpression()} and {@link #condition()}. */
    static final Map<String, String> NAMES = Map.of("#rooms", ConnectionItem.ROOMS,
            "#fw", ConnectionItem.FRAME_WINDOW, "#fc", ConnectionItem.FRAME_COUNT);

    String updateExpression() {
        return sameWindow ? "SET #fc = #fc + :one" : "SET #fw = :window, #fc = :one";
    }

    /** The connection exists in this layout, and the guess holds (with room under the burst). */
    String condition() {
        return "attribute_exists(#rooms) AND "
                + (sameWindow ? "#fw = :window AND #fc < :burst" : "(attribute_not_exists(#fw) OR #fw <> :window)");
    }

    Map<String, AttributeValue> values() {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":window", AttributeValue.fromN(Long.toString(window)));
        values.put(":one", AttributeValue.fromN("1"));
        if (sameWindow) {
            values.put(":burst", AttributeValue.fromN(Integer.toString(burst)));
        }
        return values;
    }

    /** Whether the row, as the refused update found it, had spent this window's burst. */
    boolean spentIn(ConnectionItem row) {
        return row.frameWindow() != null && row.frameWindow() == window && row.frameCount() != null
                && row.frameCount() >= burst;
    }

    FrameCount otherBranch() {
        return new FrameCount(window, burst, !sameWindow);
    }
}
