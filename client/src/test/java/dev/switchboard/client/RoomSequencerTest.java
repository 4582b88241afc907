package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RoomSequencerTest {

    private static ServerFrame.Message m(long seq) {
        return new ServerFrame.Message("m" + seq, "r", "u", Long.toString(seq), seq, seq);
    }

    private static List<Long> seqs(List<ServerFrame.Message> messages) {
        return messages.stream().map(ServerFrame.Message::seq).toList();
    }

    @Test
    void deliversInOrderOnceAndHoldsMessagesBehindAGap() {
        RoomSequencer sequencer = new RoomSequencer(0);
        assertThat(seqs(sequencer.accept(m(1)))).containsExactly(1L);
        assertThat(seqs(sequencer.accept(m(3)))).isEmpty();
        assertThat(sequencer.hasGap()).isTrue();
        assertThat(seqs(sequencer.accept(m(1)))).as("duplicate").isEmpty();
        assertThat(seqs(sequencer.accept(m(2)))).containsExactly(2L, 3L);
        assertThat(sequencer.hasGap()).isFalse();
        assertThat(sequencer.position()).isEqualTo(3);
    }

    @Test
    void withoutAPositionMessagesWaitForTheJoinAck() {
        RoomSequencer sequencer = new RoomSequencer(RoomSequencer.UNKNOWN);
        assertThat(sequencer.accept(m(7))).isEmpty();
        assertThat(sequencer.accept(m(6))).isEmpty();
        assertThat(seqs(sequencer.start(6))).as("6 predates the join").containsExactly(7L);
    }

    @Test
    void startDeliversWhatFollowsThePosition() {
        RoomSequencer sequencer = new RoomSequencer(RoomSequencer.UNKNOWN);
        sequencer.accept(m(6));
        sequencer.accept(m(7));
        assertThat(seqs(sequencer.start(5))).containsExactly(6L, 7L);
    }

    @Test
    void resetSkipsTheLostRangeAndDeliversWhatWaits() {
        RoomSequencer sequencer = new RoomSequencer(3);
        sequencer.accept(m(40));
        sequencer.accept(m(41));
        assertThat(seqs(sequencer.reset(39))).containsExactly(40L, 41L);
        assertThat(sequencer.position()).isEqualTo(41);
        assertThat(sequencer.accept(m(40))).isEmpty();
    }

    @Test
    void resetSkipsOnlyUpToItsSeqSoALaterGapIsStillFilled() {
        RoomSequencer sequencer = new RoomSequencer(3);
        sequencer.accept(m(40));
        sequencer.accept(m(42));
        assertThat(seqs(sequencer.reset(39))).containsExactly(40L);
        assertThat(sequencer.hasGap()).as("41 is still awaited").isTrue();
        assertThat(seqs(sequencer.accept(m(41)))).containsExactly(41L, 42L);
    }

    @Test
    void anyInterleavingOfLiveAndReplayedMessagesYieldsEachOnceInOrder() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<Long> arrivals = new ArrayList<>(LongStream.rangeClosed(1, 50).boxed().toList());
            arrivals.addAll(LongStream.rangeClosed(1, 50).filter(s -> random.nextInt(3) == 0).boxed().toList());
            Collections.shuffle(arrivals, random);
            RoomSequencer sequencer = new RoomSequencer(0);
            List<Long> delivered = new ArrayList<>();
            for (long seq : arrivals) {
                delivered.addAll(seqs(sequencer.accept(m(seq))));
            }
            assertThat(delivered).containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
        }
    }
}
