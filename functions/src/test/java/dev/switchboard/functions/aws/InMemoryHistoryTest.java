package dev.switchboard.functions.aws;

import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.InMemoryIdempotencyStore;
import dev.switchboard.core.InMemoryRoomHistory;
import dev.switchboard.core.RoomHistory;

/** The in-memory history and idempotency stores honour the same contract as DynamoDB's. */
class InMemoryHistoryTest extends HistoryContract {
    @Override
    RoomHistory newHistory() {
        return new InMemoryRoomHistory();
    }

    @Override
    IdempotencyStore newIdempotency() {
        return new InMemoryIdempotencyStore();
    }
}
