package dev.switchboard.functions.aws;

import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.InMemoryIdempotencyStore;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.InMemoryRoomHistory;
import dev.switchboard.core.RoomHistory;

/** The in-memory store (used by unit tests) honours the same contract as the DynamoDB store. */
class InMemoryConnectionStoreTest extends ConnectionStoreContract {
    private final IdempotencyStore idempotency = new InMemoryIdempotencyStore();
    private final RoomHistory history = new InMemoryRoomHistory();

    @Override
    ConnectionStore newStore() {
        return new InMemoryConnectionStore();
    }

    @Override
    IdempotencyStore idempotency() {
        return idempotency;
    }

    @Override
    RoomHistory history() {
        return history;
    }
}
