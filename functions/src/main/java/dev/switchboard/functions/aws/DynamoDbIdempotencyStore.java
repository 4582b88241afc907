package dev.switchboard.functions.aws;

import dev.switchboard.core.IdempotencyStore;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link IdempotencyStore} in the single table: one row per key ({@code MSGID#<room>#<user>#<id> / MSGID}, each
 * part encoded by {@link SwitchboardTable#part}),
 * claimed with a conditional put, completed with the message id and seq, expiring by TTL.
 *
 * <pre>{@code
 * IdempotencyStore idempotency = new DynamoDbIdempotencyStore(dynamoDb, "switchboard");
 * }</pre>
 */
public final class DynamoDbIdempotencyStore implements IdempotencyStore {

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbIdempotencyStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
    }

    @Override
    public Claim claim(SendKey key, Instant now, Instant expiresAt, Instant staleBefore) {
        try {
            dynamoDb.putItem(r -> r.tableName(table)
                    .item(Map.of(
                            SwitchboardTable.PARTITION_KEY, AttributeValue.fromS(SwitchboardTable.sendKey(key)),
                            SwitchboardTable.SORT_KEY, AttributeValue.fromS(SwitchboardTable.SEND_SORT),
                            "claimedAt", number(now.toEpochMilli()),
                            SwitchboardTable.TTL_ATTRIBUTE, number(expiresAt.getEpochSecond())))
                    // Free, expired (TTL not yet run), or abandoned by a claimant that never completed.
                    .conditionExpression("attribute_not_exists(pk) OR expiresAt <= :now"
                            + " OR (attribute_not_exists(messageId) AND claimedAt < :stale)")
                    .expressionAttributeValues(Map.of(
                            ":now", number(now.getEpochSecond()),
                            ":stale", number(staleBefore.toEpochMilli()))));
            return new Claim.Claimed();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table).key(key(key))
                    .consistentRead(true)).item();
            if (item != null && item.containsKey("messageId")) {
                return new Claim.Completed(item.get("messageId").s(), Long.parseLong(item.get("seq").n()));
            }
            return new Claim.Pending();
        }
    }

    @Override
    public void complete(SendKey key, String messageId, long seq) {
        dynamoDb.updateItem(r -> r.tableName(table).key(key(key))
                .updateExpression("SET messageId = :id, seq = :seq")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(messageId), ":seq", number(seq))));
    }

    private static Map<String, AttributeValue> key(SendKey key) {
        return SwitchboardTable.key(SwitchboardTable.sendKey(key), SwitchboardTable.SEND_SORT);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
