package dev.switchboard.functions.aws;

import static dev.switchboard.functions.aws.SwitchboardTable.META;
import static dev.switchboard.functions.aws.SwitchboardTable.connectionKey;
import static dev.switchboard.functions.aws.SwitchboardTable.key;
import static dev.switchboard.functions.aws.SwitchboardTable.memberPartition;
import static dev.switchboard.functions.aws.SwitchboardTable.userKey;
import static dev.switchboard.functions.aws.TableRequests.conflicted;
import static dev.switchboard.functions.aws.TableRequests.failedCondition;
import static dev.switchboard.functions.aws.TableRequests.itemOf;
import static dev.switchboard.functions.aws.TableRequests.number;

import dev.switchboard.core.Admission;
import dev.switchboard.core.Capabilities;
import dev.switchboard.core.Connection;
import dev.switchboard.core.Grant;
import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.Quotas;
import dev.switchboard.core.Rights;
import dev.switchboard.core.RoomAction;
import dev.switchboard.core.SendAdmission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The connection's own row ({@code CONN#<id> / META}, a {@link ConnectionItem}) and its user's listing: registering
 * it, the one read every route makes (counting the frame in the same write), and removing it with its listings.
 * Part of {@link DynamoDbConnectionStore}.
 */
final class ConnectionRows {

    /** Tries of a write that only conflicted with a concurrent transaction and decides nothing itself. */
    static final int MAX_CONFLICT_ATTEMPTS = 5;
    private static final int BATCH_LIMIT = 25;
    private static final int MAX_BATCH_ROUNDS = 8;

    private final DynamoDbClient dynamoDb;
    private final TableRequests requests;
    private final int shards;
    /** Which frame window this process last counted each connection in: its guess for the next count. */
    private final FrameWindows windows = new FrameWindows();

    ConnectionRows(DynamoDbClient dynamoDb, TableRequests requests, int shards) {
        this.dynamoDb = dynamoDb;
        this.requests = requests;
        this.shards = shards;
    }

    void register(Connection connection) {
        long expiresAt = connection.expiresAt().getEpochSecond();
        Grant grant = connection.grant();
        ConnectionItem meta = new ConnectionItem(connectionKey(connection.connectionId()), META, connection.userId(),
                connection.connectedAt().toEpochMilli(),
                connection.sourceIp().isEmpty() ? null : connection.sourceIp(), expiresAt,
                grant.capabilities().compact(), epochSeconds(grant.expiresAt()), Map.of(), 0L, null, null,
                connection.attributes());
        MemberItem byUser = new MemberItem(userKey(connection.userId()), connectionKey(connection.connectionId()),
                connection.userId(), null, expiresAt, epochSeconds(grant.expiresAt()));
        dynamoDb.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().put(requests.put(ConnectionItem.SCHEMA.itemToMap(meta, true), null))
                        .build(),
                TransactWriteItem.builder().put(requests.put(MemberItem.SCHEMA.itemToMap(byUser, true), null))
                        .build()));
    }

    Optional<Connection> find(String connectionId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(requests.table())
                .key(key(connectionKey(connectionId), META)).consistentRead(true)).item();
        return read(item).map(meta -> toConnection(connectionId, meta));
    }

    /** The row as an item; empty when absent or written before a connection's rooms lived on it (reconnect). */
    static Optional<ConnectionItem> read(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        ConnectionItem meta = ConnectionItem.SCHEMA.mapToItem(item);
        return meta.rooms() == null || meta.revision() == null ? Optional.empty() : Optional.of(meta);
    }

    Admission admit(String connectionId, Instant now, Quotas quotas) {
        long window = quotas.frameWindowOf(now);
        FrameCount count = new FrameCount(window, quotas.frameBurst(), windows.countedIn(connectionId, window));
        for (int attempt = 1; ; attempt++) {
            Update update = requests.update(metaKey(connectionId), count.update(), count.condition());
            try {
                Map<String, AttributeValue> updated = dynamoDb.updateItem(TableRequests.single(update)
                        .returnValues(ReturnValue.ALL_NEW).build()).attributes();
                windows.counted(connectionId, window);
                return read(updated).<Admission>map(meta -> new Admission.Admitted(toConnection(connectionId, meta)))
                        .orElseGet(Admission.Unknown::new);
            } catch (ConditionalCheckFailedException e) {
                Optional<ConnectionItem> old = e.hasItem() ? read(e.item()) : Optional.empty();
                if (old.isEmpty()) {
                    return new Admission.Unknown();
                }
                if (count.spentIn(old.get()) || attempt == MAX_CONFLICT_ATTEMPTS) {
                    // Spent; or other frames of this connection kept moving the count under this one: over too.
                    windows.counted(connectionId, window);
                    return new Admission.Limited(quotas.untilNextWindow(now));
                }
                count = count.otherBranch();
            }
        }
    }

    /** As {@link DynamoDbConnectionStore#admitSend}, where the send's id lives in this table (or it has none). */
    SendAdmission admitSend(String connectionId, String room, Instant now, Quotas quotas,
                            IdempotencyStore.Claiming claiming) {
        long window = quotas.frameWindowOf(now);
        FrameCount count = new FrameCount(window, quotas.frameBurst(), windows.countedIn(connectionId, window));
        Expression maySend = Expression.builder()
                .expression("contains(#rooms.#room, :send) AND (attribute_not_exists(#tokenExp) OR #tokenExp > :now)")
                .expressionNames(Map.of("#rooms", ConnectionItem.ROOMS, "#room", room,
                        "#tokenExp", ConnectionItem.TOKEN_EXP))
                .expressionValues(Map.of(":send", AttributeValue.fromS(Rights.of(RoomAction.SEND).code()),
                        ":now", number(now.getEpochSecond())))
                .build();
        for (int attempt = 1; ; attempt++) {
            Update update = requests.update(metaKey(connectionId), count.update(),
                    Expression.and(List.of(count.condition(), maySend)));
            Map<String, AttributeValue> refusedRow;
            try {
                if (claiming == null) {
                    dynamoDb.updateItem(TableRequests.single(update).build());
                } else {
                    dynamoDb.transactWriteItems(r -> r.transactItems(
                            TransactWriteItem.builder().update(update).build(),
                            TransactWriteItem.builder().put(DynamoDbIdempotencyStore.claimPut(requests, claiming))
                                    .build()));
                }
                windows.counted(connectionId, window);
                return new SendAdmission.Admitted(new IdempotencyStore.Claim.Claimed());
            } catch (ConditionalCheckFailedException e) {
                refusedRow = e.hasItem() ? e.item() : Map.of();
            } catch (TransactionCanceledException e) {
                if (conflicted(e)) {
                    if (attempt == MAX_CONFLICT_ATTEMPTS) {
                        throw e;
                    }
                    continue;
                }
                if (!failedCondition(e.cancellationReasons(), 0)) {
                    if (!failedCondition(e.cancellationReasons(), 1)) {
                        throw e;
                    }
                    // The connection passed; the id was taken: its claim's outcome is the answer.
                    windows.counted(connectionId, window);
                    return new SendAdmission.Admitted(
                            DynamoDbIdempotencyStore.outcomeOfTaken(itemOf(e.cancellationReasons().get(1))));
                }
                Map<String, AttributeValue> row = itemOf(e.cancellationReasons().getFirst());
                refusedRow = row == null ? Map.of() : row;
            }
            Optional<ConnectionItem> old = read(refusedRow);
            if (old.isEmpty()) {
                return SendAdmission.Refused.because(SendAdmission.Refusal.UNKNOWN_CONNECTION);
            }
            if (count.spentIn(old.get())) {
                windows.counted(connectionId, window);
                return new SendAdmission.Refused(SendAdmission.Refusal.RATE_LIMITED, null,
                        quotas.untilNextWindow(now));
            }
            Connection connection = toConnection(connectionId, old.get());
            if (connection.grant().expiredAt(now)) {
                return new SendAdmission.Refused(SendAdmission.Refusal.TOKEN_EXPIRED, connection.grant().expiresAt(),
                        null);
            }
            if (!connection.isIn(room)) {
                return SendAdmission.Refused.because(SendAdmission.Refusal.NOT_IN_ROOM);
            }
            if (!connection.rightsIn(room).allows(RoomAction.SEND)) {
                return SendAdmission.Refused.because(SendAdmission.Refusal.FORBIDDEN);
            }
            if (attempt == MAX_CONFLICT_ATTEMPTS) {
                return new SendAdmission.Refused(SendAdmission.Refusal.RATE_LIMITED, null,
                        quotas.untilNextWindow(now));
            }
            // Only the guess about the window was wrong.
            count = count.otherBranch();
        }
    }

    /** The removal {@link DynamoDbConnectionStore#remove} describes; the row as it was read, or null when none. */
    ConnectionItem delete(String connectionId) {
        String connectionKey = connectionKey(connectionId);
        Map<String, AttributeValue> metaKey = key(connectionKey, META);
        ConnectionItem read = null;
        for (int attempt = 1; ; attempt++) {
            Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(requests.table()).key(metaKey)
                    .consistentRead(true)).item();
            if (item == null || item.isEmpty()) {
                // Never there, removed by another, or removed by this call's own delete whose answer was lost (then
                // the row as this call last read it is the one it removed).
                windows.forget(connectionId);
                return read;
            }
            ConnectionItem meta = ConnectionItem.SCHEMA.mapToItem(item);
            read = meta;
            List<Map<String, AttributeValue>> listings = new ArrayList<>();
            if (meta.userId() != null) {
                listings.add(key(userKey(meta.userId()), connectionKey));
            }
            if (meta.rooms() != null) {
                meta.rooms().keySet().forEach(room -> listings.add(key(memberPartition(room, connectionId, shards),
                        connectionKey)));
            }
            deleteAll(listings);
            try {
                dynamoDb.deleteItem(TableRequests.single(requests.delete(metaKey, unchanged(meta.revision()))).build());
                windows.forget(connectionId);
                return meta;
            } catch (ConditionalCheckFailedException e) {
                if (attempt == MAX_CONFLICT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** The row's revision is still the one read; a row from before revisions were kept has none, and still none. */
    private static Expression unchanged(Long revision) {
        if (revision == null) {
            return Expression.builder().expression("attribute_exists(#pk) AND attribute_not_exists(#revision)")
                    .expressionNames(Map.of("#pk", SwitchboardTable.PARTITION_KEY,
                            "#revision", ConnectionItem.REVISION))
                    .build();
        }
        return Expression.builder().expression("#revision = :seen")
                .expressionNames(Map.of("#revision", ConnectionItem.REVISION))
                .expressionValues(Map.of(":seen", number(revision)))
                .build();
    }

    /** Deletes keys in batches of 25, re-sending what DynamoDB leaves unprocessed (with a short backoff). */
    private void deleteAll(List<Map<String, AttributeValue>> keys) {
        String table = requests.table();
        for (int start = 0; start < keys.size(); start += BATCH_LIMIT) {
            List<WriteRequest> pending = keys.subList(start, Math.min(keys.size(), start + BATCH_LIMIT)).stream()
                    .map(k -> WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(k).build()).build())
                    .toList();
            for (int round = 0; !pending.isEmpty(); round++) {
                if (round == MAX_BATCH_ROUNDS) {
                    throw new IllegalStateException(pending.size() + " deletes still unprocessed after "
                            + MAX_BATCH_ROUNDS + " rounds");
                }
                if (round > 0) {
                    sleep(Duration.ofMillis(25L << round));
                }
                List<WriteRequest> batch = pending;
                BatchWriteItemResponse response = dynamoDb.batchWriteItem(r -> r.requestItems(Map.of(table, batch)));
                pending = response.unprocessedItems().getOrDefault(table, List.of());
            }
        }
    }

    static Map<String, AttributeValue> metaKey(String connectionId) {
        return key(connectionKey(connectionId), META);
    }

    static Connection toConnection(String connectionId, ConnectionItem meta) {
        Instant connectedAt = Instant.ofEpochMilli(meta.connectedAt() == null ? 0 : meta.connectedAt());
        Instant expiresAt = Instant.ofEpochSecond(meta.expiresAt() == null ? 0 : meta.expiresAt());
        Capabilities capabilities = meta.capabilities() == null ? Capabilities.NONE
                : Capabilities.fromCompact(meta.capabilities());
        Instant tokenExp = meta.tokenExp() == null ? null : Instant.ofEpochSecond(meta.tokenExp());
        Map<String, Rights> rooms = new HashMap<>();
        meta.rooms().forEach((room, code) -> rooms.put(room, Rights.fromCode(code)));
        return new Connection(connectionId, meta.userId(), connectedAt, meta.sourceIp(), expiresAt,
                new Grant(capabilities, tokenExp), rooms, meta.revision(), meta.attributes());
    }

    static Long epochSeconds(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }

    static void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a write", e);
        }
    }
}
