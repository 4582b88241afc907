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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * {@link RoomHistory} in the single table: the counter is {@code ROOM#<room> / SEQ} (UpdateItem ADD, atomic, with
 * the time of the allocation and a token of the allocating call in the same write), each message is {@code HIST#<room> / <seq, zero-padded>} with
 * {@code expiresAt} = retention, written in one transaction with its send's idempotency completion. Reads are
 * consistent, so a message written before a read is always seen.
 *
 * <pre>{@code
 * RoomHistory history = new DynamoDbRoomHistory(dynamoDb, "switchboard");
 * }</pre>
 */
public final class DynamoDbRoomHistory implements RoomHistory {

    private static final String SEQ_FORMAT = "%020d";
    /** The counter row's attributes: the latest allocated seq, and when it was allocated (epoch millis). */
    static final String SEQ = "seq";
    static final String ALLOCATED_AT = "allocatedAt";
    /** A message row's attributes besides its key ({@code HIST#<room> / <seq>}) and {@code expiresAt}. */
    static final String MESSAGE_ID = "messageId";
    static final String FROM = "from";
    static final String DATA = "data";
    static final String TS = "ts";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbRoomHistory(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
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
        AttributeValue millis = AttributeValue.fromN(Long.toString(now.toEpochMilli()));
        AttributeValue token = AttributeValue.fromS(UUID.randomUUID().toString());
        try {
            Map<String, AttributeValue> updated = dynamoDb.updateItem(r -> r.tableName(table)
                    .key(counterKey(room))
                    .updateExpression("ADD #seq :one SET #allocatedAt = :now, #allocatedBy = :token")
                    .conditionExpression("attribute_not_exists(#allocatedBy) OR #allocatedBy <> :token")
                    .expressionAttributeNames(Map.of("#seq", SEQ, "#allocatedAt", ALLOCATED_AT,
                            "#allocatedBy", "allocatedBy"))
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":now", millis,
                            ":token", token))
                    .returnValues(ReturnValue.UPDATED_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
            return Long.parseLong(updated.get(SEQ).n());
        } catch (ConditionalCheckFailedException e) {
            // Only this call's own retry carries its token: the row holds the seq the lost answer had.
            if (!e.hasItem() || !e.item().containsKey(SEQ)) {
                throw e;
            }
            return Long.parseLong(e.item().get(SEQ).n());
        }
    }

    @Override
    public Counter counter(String room) {
        return counterOf(dynamoDb.getItem(r -> r.tableName(table).key(counterKey(room)).consistentRead(true))
                .item());
    }

    /** The counter a room's {@code SEQ} row holds, also where another read of the table found it. */
    static Counter counterOf(Map<String, AttributeValue> item) {
        if (item == null || !item.containsKey(SEQ)) {
            return Counter.EMPTY;
        }
        // A counter written before allocation times were recorded reads as allocated long ago.
        AttributeValue allocatedAt = item.get(ALLOCATED_AT);
        return new Counter(Long.parseLong(item.get(SEQ).n()),
                allocatedAt == null ? Instant.EPOCH : Instant.ofEpochMilli(Long.parseLong(allocatedAt.n())));
    }

    /** Whether this history keeps its counters in that table, so a read of a room's partition there finds them. */
    boolean sharesTable(String tableName) {
        return table.equals(tableName);
    }

    @Override
    public void append(ServerFrame.Message message, Instant expiresAt) {
        dynamoDb.putItem(r -> r.tableName(table).item(item(message, expiresAt)));
    }

    /** One transaction where the claim lives in this table: the message and its send's completion together. */
    @Override
    public void append(ServerFrame.Message message, Instant expiresAt, IdempotencyStore idempotency,
                       IdempotencyStore.SendKey completing) {
        if (!(idempotency instanceof DynamoDbIdempotencyStore sameTable && sameTable.sharesTable(table))) {
            RoomHistory.super.append(message, expiresAt, idempotency, completing);
            return;
        }
        dynamoDb.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().put(p -> p.tableName(table).item(item(message, expiresAt))).build(),
                TransactWriteItem.builder().update(DynamoDbIdempotencyStore.completion(table, completing,
                        message.id(), message.seq())).build()));
    }

    private static Map<String, AttributeValue> item(ServerFrame.Message message, Instant expiresAt) {
        return Map.of(
                SwitchboardTable.PARTITION_KEY, AttributeValue.fromS(SwitchboardTable.historyKey(message.room())),
                SwitchboardTable.SORT_KEY, AttributeValue.fromS(SEQ_FORMAT.formatted(message.seq())),
                MESSAGE_ID, AttributeValue.fromS(message.id()),
                FROM, AttributeValue.fromS(message.from()),
                DATA, AttributeValue.fromS(message.data()),
                TS, AttributeValue.fromN(Long.toString(message.ts())),
                SwitchboardTable.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())));
    }

    @Override
    public List<ServerFrame.Message> after(String room, long after, int limit, Instant now) {
        List<ServerFrame.Message> page = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse response = dynamoDb.query(r -> r.tableName(table)
                    .keyConditionExpression("pk = :pk AND sk > :after")
                    .expressionAttributeValues(Map.of(
                            ":pk", AttributeValue.fromS(SwitchboardTable.historyKey(room)),
                            ":after", AttributeValue.fromS(SEQ_FORMAT.formatted(after))))
                    .consistentRead(true)
                    .limit(limit)
                    .exclusiveStartKey(exclusiveStart));
            for (Map<String, AttributeValue> item : response.items()) {
                // TTL deletes expired rows some time after expiry: skip those still present.
                if (Long.parseLong(item.get(SwitchboardTable.TTL_ATTRIBUTE).n()) > now.getEpochSecond()
                        && page.size() < limit) {
                    page.add(toMessage(room, item));
                }
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null && page.size() < limit);
        return page;
    }

    private static ServerFrame.Message toMessage(String room, Map<String, AttributeValue> item) {
        return new ServerFrame.Message(item.get(MESSAGE_ID).s(), room, item.get(FROM).s(), item.get(DATA).s(),
                Long.parseLong(item.get(TS).n()), Long.parseLong(item.get(SwitchboardTable.SORT_KEY).s()));
    }

    private static Map<String, AttributeValue> counterKey(String room) {
        return SwitchboardTable.key(SwitchboardTable.roomKey(room), SwitchboardTable.COUNTER);
    }
}
