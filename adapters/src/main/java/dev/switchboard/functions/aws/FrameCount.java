package dev.switchboard.functions.aws;

import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
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

    private static final AttributeValue ONE = TableRequests.number(1);

    Expression update() {
        if (sameWindow) {
            return Expression.builder().expression("SET #fc = #fc + :one")
                    .expressionNames(Map.of("#fc", ConnectionItem.FRAME_COUNT))
                    .expressionValues(Map.of(":one", ONE))
                    .build();
        }
        return Expression.builder().expression("SET #fw = :window, #fc = :one")
                .expressionNames(Map.of("#fw", ConnectionItem.FRAME_WINDOW, "#fc", ConnectionItem.FRAME_COUNT))
                .expressionValues(Map.of(":window", TableRequests.number(window), ":one", ONE))
                .build();
    }

    /** The connection exists in this layout, and the guess holds (with room under the burst). */
    Expression condition() {
        if (sameWindow) {
            return Expression.builder().expression("attribute_exists(#rooms) AND #fw = :window AND #fc < :burst")
                    .expressionNames(Map.of("#rooms", ConnectionItem.ROOMS, "#fw", ConnectionItem.FRAME_WINDOW,
                            "#fc", ConnectionItem.FRAME_COUNT))
                    .expressionValues(Map.of(":window", TableRequests.number(window),
                            ":burst", TableRequests.number(burst)))
                    .build();
        }
        return Expression.builder()
                .expression("attribute_exists(#rooms) AND (attribute_not_exists(#fw) OR #fw <> :window)")
                .expressionNames(Map.of("#rooms", ConnectionItem.ROOMS, "#fw", ConnectionItem.FRAME_WINDOW))
                .expressionValues(Map.of(":window", TableRequests.number(window)))
                .build();
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
