package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Rights;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.RoomHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The store contract against DynamoDB Local, plus what only the DynamoDB layout shows. */
class DynamoDbConnectionStoreTest extends ConnectionStoreContract {

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
        return DynamoDbConnectionStore.create(LocalDynamoDb.client(), table, 1);
    }

    private Map<String, AttributeValue> rawItem(String pk, String sk) {
        return LocalDynamoDb.client().getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))).item();
    }

    @Test
    void rowsCarryTheTtlAttributeInEpochSeconds() {
        store.register(connection("c1", "alice"));
        store.join("c1", "lobby", Rights.ALL, 10);
        long expected = NOW.plus(Duration.ofHours(3)).getEpochSecond();

        for (Map<String, AttributeValue> item : new Map[] {
                rawItem("CONN#c1", "META"), rawItem("USER#alice", "CONN#c1"), rawItem("ROOM#lobby", "CONN#c1")}) {
            assertThat(item).isNotEmpty();
            assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(expected));
        }
    }

    @Test
    void removeLeavesNoRowBehind() {
        store.register(connection("c1", "alice"));
        store.join("c1", "lobby", Rights.ALL, 10);

        store.remove("c1");

        long rows = LocalDynamoDb.client().scanPaginator(r -> r.tableName(table)).items().stream().count();
        assertThat(rows).isZero();
    }

    @Test
    void aRoomsSequenceCounterSharesItsPartitionButIsNoMember() {
        store.register(connection("c1", "alice"));
        store.join("c1", "lobby", Rights.ALL, 10);
        new DynamoDbRoomHistory(LocalDynamoDb.client(), table).nextSeq("lobby", Instant.now());

        assertThat(store.members("lobby")).containsExactly("c1");
        assertThat(store.memberUsers("lobby")).containsExactly(Map.entry("c1", "alice"));
    }

    @AfterAll
    static void nothingEverScansExceptThisTestsOwnCheck() {
        // The only Scan allowed is the one removeLeavesNoRowBehind issues to inspect the table.
        assertThat(LocalDynamoDb.operations().stream().filter("Scan"::equals).count()).isLessThanOrEqualTo(1);
        assertThat(LocalDynamoDb.operations()).contains("Query", "TransactWriteItems", "BatchWriteItem");
    }

    @Test
    void rowsWrittenBeforeConnectionsKeptTheirRoomsAreNeitherConnectionsNorMembers() {
        long expires = NOW.plus(Duration.ofHours(1)).getEpochSecond();
        // As an earlier layout left them: a connection row without rooms, a membership without rights, and the
        // connection's reverse entry for the room.
        for (Map<String, AttributeValue> legacy : List.of(
                Map.of("pk", AttributeValue.fromS("CONN#old"), "sk", AttributeValue.fromS("META"),
                        "userId", AttributeValue.fromS("oldie"), "expiresAt", AttributeValue.fromN(Long.toString(expires))),
                Map.of("pk", AttributeValue.fromS("ROOM#lobby"), "sk", AttributeValue.fromS("CONN#old"),
                        "userId", AttributeValue.fromS("oldie"), "expiresAt", AttributeValue.fromN(Long.toString(expires))),
                Map.of("pk", AttributeValue.fromS("CONN#old"), "sk", AttributeValue.fromS("ROOM#lobby"),
                        "userId", AttributeValue.fromS("oldie"), "expiresAt", AttributeValue.fromN(Long.toString(expires))))) {
            LocalDynamoDb.client().putItem(r -> r.tableName(table).item(legacy));
        }
        store.register(connection("new", "alice"));
        store.join("new", "lobby", Rights.ALL, 10);

        assertThat(store.find("old")).isEmpty();
        assertThat(store.members("lobby")).containsExactly("new");
        assertThat(store.roomMembers("lobby", 10)).extracting(m -> m.connectionId()).containsExactly("new");
    }
}
