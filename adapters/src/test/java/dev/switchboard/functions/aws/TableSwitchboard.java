package dev.switchboard.functions.aws;

import dev.switchboard.core.testkit.TestSwitchboard;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The test kit's {@link TestSwitchboard} over one Switchboard table, as a deployed function keeps everything: the
 * connections, the room history and the idempotency records on the same table, through the given client (DynamoDB
 * Local, moto, or one with the test's own interceptor). The rest is the kit's defaults, which a test changes on the
 * builder, a sharded or wrapped store included.
 *
 * <pre>{@code
 * Switchboard switchboard = TableSwitchboard.over(LocalDynamoDb.client(), LocalDynamoDb.newTable())
 *         .clock(Clock.systemUTC()).build().switchboard();
 * }</pre>
 */
public final class TableSwitchboard {

    private TableSwitchboard() {
    }

    /** A builder whose store, history and idempotency store are the table's; a one-shard connection store. */
    public static TestSwitchboard.Builder over(DynamoDbClient dynamoDb, String table) {
        return TestSwitchboard.builder()
                .store(DynamoDbConnectionStore.create(dynamoDb, table))
                .history(new DynamoDbRoomHistory(dynamoDb, table))
                .idempotency(new DynamoDbIdempotencyStore(dynamoDb, table));
    }
}
