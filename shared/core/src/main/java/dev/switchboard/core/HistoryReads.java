package dev.switchboard.core;

import static dev.switchboard.core.Arguments.requireRoom;
import static dev.switchboard.core.Wiring.SENDER_DEADLINE;

import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading a room's history: a member's {@code resume} (and a {@code join} with {@code after}) and the server side's
 * pages, with the reset that tells a client which messages are gone for good. Part of {@link Switchboard}.
 */
final class HistoryReads {

    private final RoomHistory history;
    private final Clock clock;
    private final FrameAdmission admission;

    HistoryReads(Wiring wiring, FrameAdmission admission) {
        this.history = wiring.history();
        this.clock = wiring.clock();
        this.admission = admission;
    }

    /** As {@link Switchboard#resume}. */
    ServerFrame resume(String connectionId, ClientFrame.Resume resume) {
        FrameAdmission.Checked checked = admission.checkIn(connectionId, resume, resume.room(), RoomAction.HISTORY);
        if (checked.refusal() != null) {
            return checked.refusal();
        }
        return historyPage(resume.id(), resume.room(), resume.after(), history.counter(resume.room()));
    }

    /** The history after a position, given the room's counter as read after the connection became a member. */
    ServerFrame historyPage(String id, String room, long after, RoomHistory.Counter counter) {
        Instant now = clock.instant();
        long latest = counter.latest();
        if (after >= latest) {
            return new ServerFrame.History(id, room, List.of(), false, latest);
        }
        List<ServerFrame.Message> found = history.after(room, after, Limits.HISTORY_PAGE_SIZE, now);
        if (found.isEmpty() || found.getFirst().seq() > after + 1) {
            return missingNext(id, room, after, counter, found.isEmpty() ? null : found.getFirst(), now);
        }
        List<ServerFrame.Message> page = new ArrayList<>();
        int bytes = 0;
        for (ServerFrame.Message message : found) {
            bytes += FrameCodec.utf8Length(message.data()) + 256;
            if (!page.isEmpty() && bytes > Limits.HISTORY_PAGE_BYTES) {
                break;
            }
            page.add(message);
        }
        boolean more = page.getLast().seq() < latest;
        return new ServerFrame.History(id, room, page, more, latest);
    }

    /**
     * The message right after the client's position is not stored: its sender still has it in hand, or failed
     * between numbering and storing it, or it expired. Every missing seq was allocated before the next stored
     * message was stamped (with none stored, no later than the counter's latest allocation). While that bound is
     * younger than the sender deadline, a missing message may still come, and it reaches this connection live (the
     * connection is a member before this read, and a sender reads the members after storing): the answer is an
     * empty page, and the client asks again if it still sees a gap. Past the deadline nothing missing can come any
     * more: a reset to the last missing seq, so the client skips exactly what is gone.
     */
    ServerFrame missingNext(String id, String room, long after, RoomHistory.Counter counter,
                                    ServerFrame.Message next, Instant now) {
        Instant allocatedBefore = next == null ? counter.allocatedAt() : Instant.ofEpochMilli(next.ts());
        if (allocatedBefore.isAfter(now.minus(SENDER_DEADLINE))) {
            return new ServerFrame.History(id, room, List.of(), false, counter.latest());
        }
        long skipTo = next == null ? counter.latest() : next.seq() - 1;
        String missing = skipTo > after + 1 ? (after + 1) + "-" + skipTo : Long.toString(skipTo);
        return new ServerFrame.Reset(id, room, skipTo, "messages " + missing
                + " are gone: older than the retained history, or their sender failed before storing them");
    }

    /** As {@link Switchboard#roomHistory}. */
    ServerFrame.History roomHistory(String room, long after, int limit) {
        requireRoom(room);
        if (after < 0) {
            throw new IllegalArgumentException("after must be 0 or more, was " + after);
        }
        if (limit < 1 || limit > Limits.HISTORY_PAGE_SIZE) {
            throw new IllegalArgumentException("limit must be between 1 and " + Limits.HISTORY_PAGE_SIZE + ", was "
                    + limit);
        }
        long latest = history.latestSeq(room);
        List<ServerFrame.Message> page = after >= latest ? List.of()
                : history.after(room, after, limit, clock.instant());
        boolean more = !page.isEmpty() && page.getLast().seq() < latest;
        return new ServerFrame.History(null, room, page, more, latest);
    }
}
