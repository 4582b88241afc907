package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.IdempotencyStore.Claim;
import dev.switchboard.core.RoomHistory;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RoomHistory} and {@link IdempotencyStore} must do; run against each implementation. */
abstract class HistoryContract {

    /** Near the real time: DynamoDB Local deletes rows whose TTL attribute is in the past, as DynamoDB does. */
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    RoomHistory history;
    IdempotencyStore idempotency;

    abstract RoomHistory newHistory();

    abstract IdempotencyStore newIdempotency();

    @BeforeEach
    void setUp() {
        history = newHistory();
        idempotency = newIdempotency();
    }

    private ServerFrame.Message message(String room, long seq, String data) {
        return new ServerFrame.Message("m" + seq, room, "alice", data, NOW.toEpochMilli() + seq, seq);
    }

    @Test
    void sequenceNumbersAreConsecutivePerRoomEvenUnderConcurrency() {
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 200; i++) {
                pool.execute(() -> seen.add(history.nextSeq("busy", NOW)));
            }
        }
        assertThat(seen).hasSize(200).contains(1L, 200L).allMatch(seq -> seq >= 1 && seq <= 200);
        assertThat(history.latestSeq("busy")).isEqualTo(200);
        assertThat(history.latestSeq("quiet")).isZero();
        assertThat(history.nextSeq("quiet", NOW)).isEqualTo(1);
    }

    @Test
    void theCounterRecordsWhenItsLatestSeqWasAllocated() {
        assertThat(history.counter("new")).isEqualTo(RoomHistory.Counter.EMPTY);
        history.nextSeq("new", NOW);
        history.nextSeq("new", NOW.plusSeconds(5));
        history.nextSeq("new", NOW.plusSeconds(9));

        assertThat(history.counter("new")).isEqualTo(new RoomHistory.Counter(3, NOW.plusSeconds(9)));
    }

    @Test
    void messagesAfterAPositionComeBackInOrderAndExpire() {
        for (long seq = 1; seq <= 5; seq++) {
            history.append(message("r", seq, "{\"n\":" + seq + "}"), NOW.plus(Duration.ofMinutes(seq * 10)));
        }

        assertThat(history.after("r", 2, 10, NOW)).extracting(ServerFrame.Message::seq).containsExactly(3L, 4L, 5L);
        assertThat(history.after("r", 0, 2, NOW)).extracting(ServerFrame.Message::seq).containsExactly(1L, 2L);
        assertThat(history.after("r", 0, 10, NOW).getFirst()).isEqualTo(message("r", 1, "{\"n\":1}"));
        assertThat(history.after("r", 0, 10, NOW.plus(Duration.ofMinutes(25))))
                .as("rows past their expiry are not returned even before TTL deletes them")
                .extracting(ServerFrame.Message::seq).containsExactly(3L, 4L, 5L);
        assertThat(history.after("other", 0, 10, NOW)).isEmpty();
    }

    private static IdempotencyStore.SendKey key(String clientId) {
        return new IdempotencyStore.SendKey("room", "alice", clientId);
    }

    @Test
    void aClaimedIdIsCompletedOnceAndReportedToRepeats() {
        Instant expires = NOW.plus(Duration.ofHours(1));
        Instant stale = NOW.minusSeconds(30);

        assertThat(idempotency.claim(key("k"), NOW, expires, stale)).isInstanceOf(Claim.Claimed.class);
        assertThat(idempotency.claim(key("k"), NOW, expires, stale)).isInstanceOf(Claim.Pending.class);
        idempotency.complete(key("k"), "m-9", 9);
        assertThat(idempotency.claim(key("k"), NOW.plusSeconds(5), expires, stale)).isEqualTo(new Claim.Completed("m-9", 9));
        assertThat(idempotency.claim(key("other"), NOW, expires, stale)).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    void aDirectMessageAndARoomSendWithTheSameNamesAreDifferentKeys() {
        Instant expires = NOW.plus(Duration.ofHours(1));
        Instant stale = NOW.minusSeconds(30);
        IdempotencyStore.DirectKey toBob = new IdempotencyStore.DirectKey("bob", "alice", "c-1");
        IdempotencyStore.SendKey inRoomAtBob = new IdempotencyStore.SendKey("@bob", "alice", "c-1");
        IdempotencyStore.SendKey inRoomBob = new IdempotencyStore.SendKey("bob", "alice", "c-1");

        assertThat(idempotency.claim(toBob, NOW, expires, stale)).isInstanceOf(Claim.Claimed.class);
        idempotency.complete(toBob, "d-1", 0);

        assertThat(idempotency.claim(inRoomAtBob, NOW, expires, stale)).isInstanceOf(Claim.Claimed.class);
        assertThat(idempotency.claim(inRoomBob, NOW, expires, stale)).isInstanceOf(Claim.Claimed.class);
        assertThat(idempotency.claim(toBob, NOW, expires, stale)).isEqualTo(new Claim.Completed("d-1", 0));
    }

    @Test
    void expiredAndAbandonedClaimsCanBeTakenAgain() {
        idempotency.claim(key("done"), NOW, NOW.plus(Duration.ofMinutes(1)), NOW.minusSeconds(30));
        idempotency.complete(key("done"), "m-1", 1);
        Instant later = NOW.plus(Duration.ofMinutes(2));
        assertThat(idempotency.claim(key("done"), later, later.plus(Duration.ofHours(1)), later.minusSeconds(30)))
                .isInstanceOf(Claim.Claimed.class);

        idempotency.claim(key("crashed"), NOW, NOW.plus(Duration.ofHours(1)), NOW.minusSeconds(30));
        Instant minuteLater = NOW.plusSeconds(60);
        assertThat(idempotency.claim(key("crashed"), minuteLater, minuteLater.plus(Duration.ofHours(1)),
                minuteLater.minusSeconds(30))).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    void concurrentClaimsHaveOneWinner() {
        List<Claim> claims = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 20; i++) {
                pool.execute(() -> claims.add(idempotency.claim(key("race"), NOW, NOW.plusSeconds(3600),
                        NOW.minusSeconds(30))));
            }
        }
        assertThat(claims).filteredOn(Claim.Claimed.class::isInstance).hasSize(1);
    }
}
