package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Rights;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.RoomHistory;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The store contract against DynamoDB Local with each room's membership spread over four partitions. */
class ShardedDynamoDbConnectionStoreTest extends ConnectionStoreContract {

    private static final int SHARDS = 4;

    private String table;

    @Override
    IdempotencyStore idempotency() {
        return new DynamoDbIdempotencyStore(LocalDynamoDb.client(), table);
    }

    @Override
    RoomHistory history() {
        return new DynamoDbRoomHistory(LocalDynamoDb.client(), table);
    }

    @Override
    ConnectionStore newStore() {
        table = LocalDynamoDb.newTable();
        return DynamoDbConnectionStore.create(LocalDynamoDb.client(), table, SHARDS);
    }

    @Test
    void aMemberRowLivesInThePartitionOfItsShard() {
        String id = "abc=";
        int shard = ConnectionStore.shardOf(id, SHARDS);
        store.register(connection(id, "alice"));
        store.join(id, "lobby", Rights.ALL, 10);

        String partition = shard == 0 ? "ROOM#lobby" : "ROOM#lobby#" + shard;
        Map<String, AttributeValue> row = LocalDynamoDb.client().getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(partition), "sk", AttributeValue.fromS("CONN#" + id)))).item();
        assertThat(row).isNotEmpty();
        assertThat(store.members("lobby", shard)).containsExactly(id);
    }
}
