package dev.switchboard.functions.aws;

import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.RoomHistory;

/** The history and idempotency contract against moto's DynamoDB, both in one table as deployed. */
@MotoServer.RequiresMoto
class MotoHistoryTest extends HistoryContract {

    private String table;

    @Override
    RoomHistory newHistory() {
        table = MotoServer.shared().newTable();
        return new DynamoDbRoomHistory(MotoServer.shared().dynamoDb(), table);
    }

    @Override
    IdempotencyStore newIdempotency() {
        return new DynamoDbIdempotencyStore(MotoServer.shared().dynamoDb(), table);
    }
}
