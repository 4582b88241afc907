package dev.switchboard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryRoomHistoryTest {

    private static final Instant T = Instant.parse("2026-11-29T10:00:00Z");

    private static ServerFrame.Message at(Instant stamp, long seq) {
        return new ServerFrame.Message("m" + seq, "r", "u", "\"x\"", stamp.toEpochMilli(), seq);
    }

    @Test
    void expiredMessagesAreDroppedAsNewOnesArriveSoALongRunDoesNotGrowWithoutBound() {
        InMemoryRoomHistory history = new InMemoryRoomHistory();
        Duration retention = Duration.ofMinutes(1);
        for (int seq = 1; seq <= 600; seq++) {
            Instant stamp = T.plusSeconds(seq);
            history.append(at(stamp, seq), stamp.plus(retention));
        }

        assertThat(history.stored("r")).as("about a minute of messages, not all 600").isBetween(60, 61);
        assertThat(history.after("r", 0, 1, T.plusSeconds(600)).getFirst().seq()).isEqualTo(541);
    }
}
