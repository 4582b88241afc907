package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.RoomHistory;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The history and idempotency contract against DynamoDB Local. */
class DynamoDbHistoryTest extends HistoryContract {

    private String table;

    private String table() {
        if (table == null) {
            table = LocalDynamoDb.newTable();
        }
        return table;
    }

    @Override
    RoomHistory newHistory() {
        table = null;
        return new DynamoDbRoomHistory(LocalDynamoDb.client(), table());
    }

    @Override
    IdempotencyStore newIdempotency() {
        return new DynamoDbIdempotencyStore(LocalDynamoDb.client(), table());
    }

    @Test
    void aSeqWhoseAnswerWasLostAndRetriedIsAllocatedOnce() {
        RoomHistory lossy = new DynamoDbRoomHistory(LostResponses.dynamoDb(), LocalDynamoDb.newTable());
        Instant now = Instant.now();

        // Each counter update is executed, its answer lost, and the SDK sends it again. A seq allocated twice leaves
        // a hole no sender fills: every member holds the messages after it until the hole may be skipped, 30 s on.
        List<Long> seqs = Stream.generate(() -> lossy.nextSeq("lobby", now)).limit(3).toList();

        assertThat(seqs).containsExactly(1L, 2L, 3L);
        assertThat(lossy.counter("lobby").latest()).isEqualTo(3);
    }
}
