package dev.switchboard.functions.aws;

import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.RoomHistory;

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
}
