package dev.switchboard.server;

import dev.switchboard.protocol.ServerFrame;
import java.util.List;

/**
 * One page of a room's stored messages, ascending by seq.
 *
 * @param messages  the messages after the position asked for; a seq missing between two of them is a message that
 *                  expired, or whose sender failed before storing it
 * @param more      whether messages up to {@code latestSeq} remain after this page: ask again after the last one
 * @param latestSeq the room's latest sequence number (0 for a room that never had a message)
 */
public record HistoryPage(List<ServerFrame.Message> messages, boolean more, long latestSeq) {
    public HistoryPage {
        messages = List.copyOf(messages);
    }
}
