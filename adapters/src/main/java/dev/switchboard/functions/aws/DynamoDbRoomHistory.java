package dev.switchboard.functions.aws;

import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.RoomHistory;
import dev.switchboard.protocol.ServerFrame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * {@link RoomHistory} in the single table: the counter is {@code ROOM#<room> / SEQ} ({@link CounterItem}; UpdateItem
 * ADD, atomic, with the time of the allocation and a token of the allocating call in the same write), each message
 * is {@code HIST#<room> / <seq, zero-padded>} ({@link MessageItem}) with {@code expiresAt} = retention, written in
 * one transaction with its send's idempotency completion. Reads are consistent, so a message written before a read
 * is always seen.
 *
 * <pre>{@code
 * RoomHistory history = new DynamoDbRoomHistory(dynamoDb, "switchboard");
 * }</pre>
 */
public final class DynamoDbRoomHistory implements RoomHistory {

    private final DynamoDbClient dynamoDb;
    private final TableRequests requests;

    public DynamoDbRoomHistory(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.requests = new TableRequests(table);
    }

    /**
     * Adds one to the counter and marks the row with a token of this call, on the condition that the row does not
     * carry that token already: when the SDK sends the update again because its answer was lost, the retry finds
     * its own mark, changes nothing, and reads its seq from the row. Without that the retry would allocate a second
     * seq that no message ever fills, and every member would hold the room's later messages until the hole may be
     * skipped. (Should another sender allocate between the lost answer and the retry, the retry allocates anew and
     * the first seq stays a hole, as when a sender fails.)
     */
    @Override
    public long nextSeq(String room, Instant now) {
        Map<String, String> names = Map.of("#seq", CounterItem.SEQ, "#allocatedAt", CounterItem.ALLOCATED_AT,
                "#allocatedBy", CounterItem.ALLOCATED_BY);
        AttributeValue token = AttributeValue.fromS(UUID.randomUUID().toString());
        Expression allocate = Expression.builder()
                .expression("ADD #seq :one SET #allocatedAt = :now, #allocatedBy = :token")
                .expressionNames(names)
                .expressionValues(Map.of(":one", TableRequests.number(1),
                        ":now", TableRequests.number(now.toEpochMilli()), ":token", token))
                .build();
        Expression notOwnRetry = Expression.builder()
                .expression("attribute_not_exists(#allocatedBy) OR #allocatedBy <> :token")
                .expressionNames(Map.of("#allocatedBy", CounterItem.ALLOCATED_BY))
                .expressionValues(Map.of(":token", token))
                .build();
        Update update = requests.update(counterKey(room), allocate, notOwnRetry);
        try {
            Map<String, AttributeValue> updated = dynamoDb.updateItem(TableRequests.single(update)
                    .returnValues(ReturnValue.UPDATED_NEW).build()).attributes();
            return CounterItem.SCHEMA.mapToItem(updated).seq();
        } catch (ConditionalCheckFailedException e) {
            // Only this call's own retry carries its token: the row holds the seq the lost answer had.
            if (!e.hasItem() || !e.item().containsKey(CounterItem.SEQ)) {
                throw e;
            }
            return CounterItem.SCHEMA.mapToItem(e.item()).seq();
        }
    }

    @Override
    public Counter counter(String room) {
        return counterOf(dynamoDb.getItem(r -> r.tableName(requests.table()).key(counterKey(room))
                .consistentRead(true)).item());
    }

    /** The counter a room's {@code SEQ} row holds, also where another read of the table found it. */
    static Counter counterOf(Map<String, AttributeValue> item) {
        CounterItem row = item == null || item.isEmpty() ? null : CounterItem.SCHEMA.mapToItem(item);
        if (row == null || row.seq() == null) {
            return Counter.EMPTY;
        }
        // A counter written before allocation times were recorded reads as allocated long ago.
        return new Counter(row.seq(), row.allocatedAt() == null ? Instant.EPOCH
                : Instant.ofEpochMilli(row.allocatedAt()));
    }

    /** Whether this history keeps its counters in that table, so a read of a room's partition there finds them. */
    boolean sharesTable(String tableName) {
        return requests.table().equals(tableName);
    }

    @Override
    public void append(ServerFrame.Message message, Instant expiresAt) {
        dynamoDb.putItem(r -> r.tableName(requests.table()).item(item(message, expiresAt)));
    }

    /** One transaction where the claim lives in this table: the message and its send's completion together. */
    @Override
    public void append(ServerFrame.Message message, Instant expiresAt, IdempotencyStore idempotency,
                       IdempotencyStore.SendKey completing) {
        if (!(idempotency instanceof DynamoDbIdempotencyStore sameTable && sameTable.sharesTable(requests.table()))) {
            RoomHistory.super.append(message, expiresAt, idempotency, completing);
            return;
        }
        dynamoDb.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().put(requests.put(item(message, expiresAt), null)).build(),
                TransactWriteItem.builder().update(DynamoDbIdempotencyStore.completion(requests, completing,
                        message.id(), message.seq())).build()));
    }

    private static Map<String, AttributeValue> item(ServerFrame.Message message, Instant expiresAt) {
        return MessageItem.SCHEMA.itemToMap(new MessageItem(SwitchboardTable.historyKey(message.room()),
                SwitchboardTable.historySortKey(message.seq()), message.id(), message.from(), message.data(),
                message.ts(), expiresAt.getEpochSecond()), true);
    }

    @Override
    public List<ServerFrame.Message> after(String room, long after, int limit, Instant now) {
        Expression laterInRoom = Expression.builder()
                .expression("#pk = :pk AND #sk > :after")
                .expressionNames(Map.of("#pk", SwitchboardTable.PARTITION_KEY, "#sk", SwitchboardTable.SORT_KEY))
                .expressionValues(Map.of(
                        ":pk", AttributeValue.fromS(SwitchboardTable.historyKey(room)),
                        ":after", AttributeValue.fromS(SwitchboardTable.historySortKey(after))))
                .build();
        List<ServerFrame.Message> page = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse response = dynamoDb.query(requests.query(laterInRoom).limit(limit)
                    .exclusiveStartKey(start).build());
            for (Map<String, AttributeValue> item : response.items()) {
                MessageItem row = MessageItem.SCHEMA.mapToItem(item);
                // TTL deletes expired rows some time after expiry: skip those still present.
                if (row.expiresAt() > now.getEpochSecond() && page.size() < limit) {
                    page.add(new ServerFrame.Message(row.messageId(), room, row.from(), row.data(), row.ts(),
                            Long.parseLong(row.sk())));
                }
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null && page.size() < limit);
        return page;
    }

    private static Map<String, AttributeValue> counterKey(String room) {
        return SwitchboardTable.key(SwitchboardTable.roomKey(room), SwitchboardTable.COUNTER);
    }
}
