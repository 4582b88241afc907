package dev.switchboard.functions.aws;

import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.InMemoryIdempotencyStore;
import dev.switchboard.core.InMemoryConnectionStore;

/** The in-memory store (used by unit tests) honours the same contract as the DynamoDB store. */
class InMemoryConnectionStoreTest extends ConnectionStoreContract {
    private final IdempotencyStore idempotency = new InMemoryIdempotencyStore();

    @Override
    ConnectionStore newStore() {
        return new InMemoryConnectionStore();
    }

    @Override
    IdempotencyStore idempotency() {
        return idempotency;
    }
}
