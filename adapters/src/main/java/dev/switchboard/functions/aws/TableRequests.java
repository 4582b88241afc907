package dev.switchboard.functions.aws;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The low-level requests on the table, made from items (mapped by their static schemas) and {@link Expression}s.
 * The stores use the low-level client where the enhanced one has no answer: a transaction across row kinds whose
 * items carry conditions, the old row returned when a condition fails, an update expression with counters, a batch
 * write. Their conditions and updates are still {@code Expression} objects, each with its own names and values,
 * joined here; a refused condition returns the row as it found it ({@code ALL_OLD}), from which the stores read why.
 *
 * <pre>{@code
 * TableRequests requests = new TableRequests("switchboard");
 * Expression absent = Expression.builder().expression("attribute_not_exists(#pk)")
 *         .expressionNames(Map.of("#pk", SwitchboardTable.PARTITION_KEY)).build();
 * dynamoDb.putItem(TableRequests.single(requests.put(item, absent)));
 * }</pre>
 */
final class TableRequests {

    private static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
    private static final String TRANSACTION_CONFLICT = "TransactionConflict";

    private final String table;

    TableRequests(String table) {
        this.table = Objects.requireNonNull(table, "table");
    }

    String table() {
        return table;
    }

    /** A put of the item, on the condition when one is given. */
    Put put(Map<String, AttributeValue> item, Expression condition) {
        Put.Builder put = Put.builder().tableName(table).item(item);
        if (condition != null) {
            put.conditionExpression(condition.expression())
                    .expressionAttributeNames(names(condition))
                    .expressionAttributeValues(values(condition))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        }
        return put.build();
    }

    /** An update of the row at {@code key}, on the condition when one is given. */
    Update update(Map<String, AttributeValue> key, Expression update, Expression condition) {
        Update.Builder built = Update.builder().tableName(table).key(key).updateExpression(update.expression());
        Expression both = update;
        if (condition != null) {
            built.conditionExpression(condition.expression())
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
            both = Expression.builder().expression(update.expression())
                    .expressionNames(Expression.joinNames(update.expressionNames(), condition.expressionNames()))
                    .expressionValues(Expression.joinValues(update.expressionValues(), condition.expressionValues()))
                    .build();
        }
        return built.expressionAttributeNames(names(both)).expressionAttributeValues(values(both)).build();
    }

    /** A delete of the row at {@code key}, on the condition. */
    Delete delete(Map<String, AttributeValue> key, Expression condition) {
        return Delete.builder().tableName(table).key(key)
                .conditionExpression(condition.expression())
                .expressionAttributeNames(names(condition))
                .expressionAttributeValues(values(condition))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /** A consistent Query of the rows the key condition selects. */
    QueryRequest.Builder query(Expression keyCondition) {
        return QueryRequest.builder().tableName(table)
                .keyConditionExpression(keyCondition.expression())
                .expressionAttributeNames(names(keyCondition))
                .expressionAttributeValues(values(keyCondition))
                .consistentRead(true);
    }

    /** The put as a call of its own. */
    static PutItemRequest.Builder single(Put put) {
        return PutItemRequest.builder().tableName(put.tableName()).item(put.item())
                .conditionExpression(put.conditionExpression())
                .expressionAttributeNames(put.hasExpressionAttributeNames() ? put.expressionAttributeNames() : null)
                .expressionAttributeValues(put.hasExpressionAttributeValues() ? put.expressionAttributeValues() : null)
                .returnValuesOnConditionCheckFailure(put.returnValuesOnConditionCheckFailure());
    }

    /** The update as a call of its own. */
    static UpdateItemRequest.Builder single(Update update) {
        return UpdateItemRequest.builder().tableName(update.tableName()).key(update.key())
                .updateExpression(update.updateExpression())
                .conditionExpression(update.conditionExpression())
                .expressionAttributeNames(update.hasExpressionAttributeNames() ? update.expressionAttributeNames()
                        : null)
                .expressionAttributeValues(update.hasExpressionAttributeValues() ? update.expressionAttributeValues()
                        : null)
                .returnValuesOnConditionCheckFailure(update.returnValuesOnConditionCheckFailure());
    }

    /** The delete as a call of its own. */
    static DeleteItemRequest.Builder single(Delete delete) {
        return DeleteItemRequest.builder().tableName(delete.tableName()).key(delete.key())
                .conditionExpression(delete.conditionExpression())
                .expressionAttributeNames(delete.hasExpressionAttributeNames() ? delete.expressionAttributeNames()
                        : null)
                .expressionAttributeValues(delete.hasExpressionAttributeValues() ? delete.expressionAttributeValues()
                        : null)
                .returnValuesOnConditionCheckFailure(delete.returnValuesOnConditionCheckFailure());
    }

    /**
     * Another transaction was changing one of the same rows at the moment (DynamoDB cancels rather than waits):
     * nothing was written, and the caller may read again and retry.
     */
    static boolean conflicted(TransactionCanceledException e) {
        return e.hasCancellationReasons()
                && e.cancellationReasons().stream().anyMatch(r -> TRANSACTION_CONFLICT.equals(r.code()));
    }

    /** Whether the transaction's item at {@code index} was refused by its condition. */
    static boolean failedCondition(List<CancellationReason> reasons, int index) {
        return reasons != null && reasons.size() > index
                && CONDITIONAL_CHECK_FAILED.equals(reasons.get(index).code());
    }

    /** The row as a refused transaction item found it, or null where the store did not return it. */
    static Map<String, AttributeValue> itemOf(CancellationReason reason) {
        return reason.hasItem() ? reason.item() : null;
    }

    static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static Map<String, String> names(Expression expression) {
        Map<String, String> names = expression.expressionNames();
        return names == null || names.isEmpty() ? null : new HashMap<>(names);
    }

    private static Map<String, AttributeValue> values(Expression expression) {
        Map<String, AttributeValue> values = expression.expressionValues();
        return values == null || values.isEmpty() ? null : new HashMap<>(values);
    }
}
