package dev.switchboard.functions.aws;

import dev.switchboard.core.IdempotencyStore;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * {@link IdempotencyStore} in the single table: one row per key ({@link SendItem}, keyed as
 * {@link SwitchboardTable#sendKey} encodes the core's typed key), claimed with a conditional put, completed with the
 * message id and seq, expiring by TTL. The claim and the completion are also written inside the connection store's and the
 * history's transactions ({@link #claimPut}, {@link #completion}), so a send's id costs no call of its own.
 *
 * <pre>{@code
 * IdempotencyStore idempotency = new DynamoDbIdempotencyStore(dynamoDb, "switchboard");
 * }</pre>
 */
public final class DynamoDbIdempotencyStore implements IdempotencyStore {

    private final DynamoDbClient dynamoDb;
    private final TableRequests requests;

    public DynamoDbIdempotencyStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.requests = new TableRequests(table);
    }

    /** Whether this store keeps its rows in {@code other}, so writes of both can share a transaction. */
    boolean sharesTable(String other) {
        return requests.table().equals(other);
    }

    @Override
    public Claim claim(Key key, Instant now, Instant expiresAt, Instant staleBefore) {
        try {
            dynamoDb.putItem(TableRequests.single(claimPut(requests, new Claiming(key, now, expiresAt, staleBefore)))
                    .build());
            return new Claim.Claimed();
        } catch (ConditionalCheckFailedException e) {
            // The row as the refused put found it (a condition can only fail on a row that is there).
            return outcomeOfTaken(e.hasItem() ? e.item() : null);
        }
    }

    @Override
    public void complete(Key key, String messageId, long seq) {
        dynamoDb.updateItem(TableRequests.single(completion(requests, key, messageId, seq)).build());
    }

    /**
     * The conditional put that claims a send's id: it succeeds when the id is free, expired (TTL not yet run) or
     * abandoned by a claimant that never completed it.
     */
    static Put claimPut(TableRequests requests, Claiming claiming) {
        SendItem claim = new SendItem(SwitchboardTable.sendKey(claiming.key()), SwitchboardTable.SEND_SORT,
                claiming.now().toEpochMilli(), null, null, claiming.expiresAt().getEpochSecond());
        Expression claimable = Expression.builder()
                .expression("attribute_not_exists(#pk) OR #expiresAt <= :now"
                        + " OR (attribute_not_exists(#messageId) AND #claimedAt < :stale)")
                .expressionNames(Map.of("#pk", SwitchboardTable.PARTITION_KEY,
                        "#expiresAt", SwitchboardTable.TTL_ATTRIBUTE, "#messageId", SendItem.MESSAGE_ID,
                        "#claimedAt", SendItem.CLAIMED_AT))
                .expressionValues(Map.of(
                        ":now", TableRequests.number(claiming.now().getEpochSecond()),
                        ":stale", TableRequests.number(claiming.staleBefore().toEpochMilli())))
                .build();
        return requests.put(SendItem.SCHEMA.itemToMap(claim, true), claimable);
    }

    /**
     * What a claim found when its put was refused: the row as it was. Without it, the claim is treated as pending,
     * which asks the sender to retry rather than guessing.
     */
    static Claim outcomeOfTaken(Map<String, AttributeValue> row) {
        SendItem taken = row == null || row.isEmpty() ? null : SendItem.SCHEMA.mapToItem(row);
        if (taken != null && taken.messageId() != null) {
            return new Claim.Completed(taken.messageId(), taken.seq());
        }
        return new Claim.Pending();
    }

    /** The update that completes a claimed id with what it created. */
    static Update completion(TableRequests requests, Key key, String messageId, long seq) {
        Expression completed = Expression.builder()
                .expression("SET #messageId = :id, #seq = :seq")
                .expressionNames(Map.of("#messageId", SendItem.MESSAGE_ID, "#seq", SendItem.SEQ))
                .expressionValues(Map.of(":id", AttributeValue.fromS(messageId), ":seq", TableRequests.number(seq)))
                .build();
        return requests.update(SwitchboardTable.key(SwitchboardTable.sendKey(key), SwitchboardTable.SEND_SORT),
                completed, null);
    }
}
