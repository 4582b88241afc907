package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Rights;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.RoomHistory;
import dev.switchboard.core.RoomMember;
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
    void aRemovalWhoseAnswersAreLostAndRetriedStillRemovesEveryRow() {
        store.register(connection("c1", "alice"));
        store.join("c1", "lobby", Rights.ALL, 10);
        store.join("c1", "news", Rights.ALL, 10);
        ConnectionStore lossy = DynamoDbConnectionStore.create(LostResponses.dynamoDb(), table, 1);

        // Every write is executed, its answer lost, and the SDK sends it again: the retried delete of the
        // connection's row finds nothing, yet its memberships and its user's entry must not be left behind.
        assertThat(lossy.remove("c1")).containsExactlyInAnyOrder("lobby", "news");

        assertThat(store.find("c1")).isEmpty();
        assertThat(store.members("lobby")).isEmpty();
        assertThat(store.members("news")).isEmpty();
        assertThat(store.connectionsOf("alice")).isEmpty();
    }

    @Test
    void aRoomsSequenceCounterSharesItsPartitionButIsNoMember() {
        store.register(connection("c1", "alice"));
        store.join("c1", "lobby", Rights.ALL, 10);
        new DynamoDbRoomHistory(LocalDynamoDb.client(), table).nextSeq("lobby", Instant.now());

        assertThat(store.members("lobby")).containsExactly("c1");
        assertThat(store.memberUsers("lobby")).containsExactly(Map.entry("c1", "alice"));
    }

    @Test
    void rowsThatAreNoMembersTakeNoPlaceOnAPageAndDoNotEndItEarly() {
        long expires = NOW.plus(Duration.ofHours(1)).getEpochSecond();
        for (int i = 0; i < 6; i++) {
            store.register(connection("m" + i, "u" + i));
            store.join("m" + i, "lobby", Rights.ALL, 10);
            // A membership as an earlier layout left it, without rights, sorted between the real ones.
            String legacy = "m" + i + "-old";
            LocalDynamoDb.client().putItem(r -> r.tableName(table).item(Map.of(
                    "pk", AttributeValue.fromS("ROOM#lobby"), "sk", AttributeValue.fromS("CONN#" + legacy),
                    "userId", AttributeValue.fromS("oldie"), "expiresAt", AttributeValue.fromN(Long.toString(expires)))));
        }

        List<RoomMember> first = store.membersAfter("lobby", 0, null, 4);
        List<RoomMember> second = store.membersAfter("lobby", 0, first.getLast().connectionId(), 4);

        assertThat(first).extracting(RoomMember::connectionId).containsExactly("m0", "m1", "m2", "m3");
        assertThat(second).extracting(RoomMember::connectionId).containsExactly("m4", "m5");
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
