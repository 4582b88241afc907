package dev.switchboard.functions.aws;

import dev.switchboard.core.IdempotencyStore;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * {@link IdempotencyStore} in the single table: one row per key ({@code MSGID#<room>#<user>#<id> / MSGID}, each
 * part encoded by {@link SwitchboardTable#part}), claimed with a conditional put, completed with the message id and
 * seq, expiring by TTL. The claim and the completion are also written inside the connection store's and the
 * history's transactions ({@link #claimPut}, {@link #completion}), so a send's id costs no call of its own.
 *
 * <pre>{@code
 * IdempotencyStore idempotency = new DynamoDbIdempotencyStore(dynamoDb, "switchboard");
 * }</pre>
 */
public final class DynamoDbIdempotencyStore implements IdempotencyStore {

    private static final String CLAIMED_AT = "claimedAt";
    private static final String MESSAGE_ID = "messageId";
    private static final String SEQ = "seq";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbIdempotencyStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** Whether this store keeps its rows in {@code other}, so writes of both can share a transaction. */
    boolean sharesTable(String other) {
        return table.equals(other);
    }

    @Override
    public Claim claim(Key key, Instant now, Instant expiresAt, Instant staleBefore) {
        Claiming claiming = new Claiming(key, now, expiresAt, staleBefore);
        Put put = claimPut(table, claiming);
        try {
            dynamoDb.putItem(r -> r.tableName(table).item(put.item()).conditionExpression(put.conditionExpression())
                    .expressionAttributeValues(put.expressionAttributeValues())
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Claim.Claimed();
        } catch (ConditionalCheckFailedException e) {
            // The row as the refused put found it (a condition can only fail on a row that is there).
            return outcomeOfTaken(e.hasItem() ? e.item() : null);
        }
    }

    @Override
    public void complete(Key key, String messageId, long seq) {
        Update update = completion(table, key, messageId, seq);
        dynamoDb.updateItem(r -> r.tableName(table).key(update.key()).updateExpression(update.updateExpression())
                .expressionAttributeValues(update.expressionAttributeValues()));
    }

    /**
     * The conditional put that claims a send's id: it succeeds when the id is free, expired (TTL not yet run) or
     * abandoned by a claimant that never completed it.
     */
    static Put claimPut(String table, Claiming claiming) {
        return Put.builder().tableName(table)
                .item(Map.of(
                        SwitchboardTable.PARTITION_KEY, AttributeValue.fromS(SwitchboardTable.sendKey(claiming.key())),
                        SwitchboardTable.SORT_KEY, AttributeValue.fromS(SwitchboardTable.SEND_SORT),
                        CLAIMED_AT, number(claiming.now().toEpochMilli()),
                        SwitchboardTable.TTL_ATTRIBUTE, number(claiming.expiresAt().getEpochSecond())))
                .conditionExpression("attribute_not_exists(pk) OR expiresAt <= :now"
                        + " OR (attribute_not_exists(messageId) AND claimedAt < :stale)")
                .expressionAttributeValues(Map.of(
                        ":now", number(claiming.now().getEpochSecond()),
                        ":stale", number(claiming.staleBefore().toEpochMilli())))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /**
     * What a claim found when its put was refused: the row as it was. Without it, the claim is treated as pending,
     * which asks the sender to retry rather than guessing.
     */
    static Claim outcomeOfTaken(Map<String, AttributeValue> row) {
        if (row != null && row.containsKey(MESSAGE_ID)) {
            return new Claim.Completed(row.get(MESSAGE_ID).s(), Long.parseLong(row.get(SEQ).n()));
        }
        return new Claim.Pending();
    }

    /** The update that completes a claimed id with what it created. */
    static Update completion(String table, Key key, String messageId, long seq) {
        return Update.builder().tableName(table).key(key(key))
                .updateExpression("SET messageId = :id, seq = :seq")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(messageId), ":seq", number(seq)))
                .build();
    }

    private static Map<String, AttributeValue> key(Key key) {
        return SwitchboardTable.key(SwitchboardTable.sendKey(key), SwitchboardTable.SEND_SORT);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
