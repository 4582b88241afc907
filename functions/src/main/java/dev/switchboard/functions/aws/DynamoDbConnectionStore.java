package dev.switchboard.functions.aws;

import static dev.switchboard.functions.aws.SwitchboardTable.META;
import static dev.switchboard.functions.aws.SwitchboardTable.ROOM;
import static dev.switchboard.functions.aws.SwitchboardTable.connectionKey;
import static dev.switchboard.functions.aws.SwitchboardTable.roomKey;
import static dev.switchboard.functions.aws.SwitchboardTable.userKey;

import dev.switchboard.core.Connection;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.JoinResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.model.BatchWriteItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.BatchWriteResult;
import software.amazon.awssdk.enhanced.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactDeleteItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.WriteBatch;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * {@link ConnectionStore} on one DynamoDB table (layout in {@link SwitchboardTable}), through the Enhanced
 * Client with a static schema. Members are listed with Query on the room's partition; nothing ever Scans.
 *
 * <pre>{@code
 * ConnectionStore store = DynamoDbConnectionStore.create(DynamoDbClient.create(), "switchboard");
 * }</pre>
 */
public final class DynamoDbConnectionStore implements ConnectionStore {

    private static final Expression EXISTS = Expression.builder().expression("attribute_exists(pk)").build();
    private static final Expression NOT_EXISTS = Expression.builder().expression("attribute_not_exists(pk)").build();
    private static final int BATCH_LIMIT = 25;
    private static final int MAX_BATCH_ROUNDS = 8;
    private static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";

    private final DynamoDbEnhancedClient enhanced;
    private final DynamoDbTable<StoreItem> table;
    private final int shards;

    /**
     * @param shards partitions each room's membership is spread over; every function on one table must use the
     *               same value
     */
    public DynamoDbConnectionStore(DynamoDbEnhancedClient enhanced, String tableName, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1");
        }
        this.enhanced = Objects.requireNonNull(enhanced, "enhanced");
        this.table = enhanced.table(Objects.requireNonNull(tableName, "tableName"), StoreItem.SCHEMA);
        this.shards = shards;
    }

    public static DynamoDbConnectionStore create(DynamoDbClient dynamoDb, String tableName) {
        return create(dynamoDb, tableName, 1);
    }

    public static DynamoDbConnectionStore create(DynamoDbClient dynamoDb, String tableName, int shards) {
        return new DynamoDbConnectionStore(DynamoDbEnhancedClient.builder().dynamoDbClient(dynamoDb).build(),
                tableName, shards);
    }

    /** The partition holding the connection's membership row of a room. */
    private String memberPartition(String room, String connectionId) {
        return roomKey(room, ConnectionStore.shardOf(connectionId, shards));
    }

    @Override
    public void register(Connection connection) {
        long expiresAt = connection.expiresAt().getEpochSecond();
        StoreItem meta = StoreItem.of(connectionKey(connection.connectionId()), META, connection.userId(), expiresAt);
        meta.connectedAt(connection.connectedAt().toEpochMilli());
        meta.sourceIp(connection.sourceIp().isEmpty() ? null : connection.sourceIp());
        StoreItem byUser = StoreItem.of(userKey(connection.userId()), connectionKey(connection.connectionId()),
                connection.userId(), expiresAt);
        enhanced.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                .addPutItem(table, meta)
                .addPutItem(table, byUser)
                .build());
    }

    @Override
    public Optional<Connection> find(String connectionId) {
        StoreItem meta = table.getItem(r -> r.key(key(connectionKey(connectionId), META)).consistentRead(true));
        return Optional.ofNullable(meta).map(m -> toConnection(connectionId, m));
    }

    @Override
    public Set<String> remove(String connectionId) {
        String connectionKey = connectionKey(connectionId);
        List<Key> deletes = new ArrayList<>();
        Set<String> rooms = new LinkedHashSet<>();
        for (StoreItem item : partition(connectionKey)) {
            deletes.add(key(connectionKey, item.sk()));
            if (META.equals(item.sk()) && item.userId() != null) {
                deletes.add(key(userKey(item.userId()), connectionKey));
            } else if (item.sk().startsWith(ROOM)) {
                String room = item.sk().substring(ROOM.length());
                rooms.add(room);
                deletes.add(key(memberPartition(room, connectionId), connectionKey));
            }
        }
        deleteAll(deletes);
        return rooms;
    }

    @Override
    public JoinResult join(String connectionId, String room, int maxRooms) {
        String connectionKey = connectionKey(connectionId);
        StoreItem meta = null;
        int roomCount = 0;
        for (StoreItem item : partition(connectionKey)) {
            if (META.equals(item.sk())) {
                meta = item;
            } else if (item.sk().equals(ROOM + room)) {
                return JoinResult.ALREADY_MEMBER;
            } else if (item.sk().startsWith(ROOM)) {
                roomCount++;
            }
        }
        if (meta == null) {
            return JoinResult.UNKNOWN_CONNECTION;
        }
        if (roomCount >= maxRooms) {
            // Checked before writing: two joins racing at the cap can both pass, so the cap may be exceeded by
            // the number of concurrent joins of one connection (a client sends its frames one after another).
            return JoinResult.TOO_MANY_ROOMS;
        }
        StoreItem reverse = StoreItem.of(connectionKey, ROOM + room, meta.userId(), meta.expiresAt());
        StoreItem member = StoreItem.of(memberPartition(room, connectionId), connectionKey, meta.userId(),
                meta.expiresAt());
        try {
            enhanced.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                    .addConditionCheck(table, ConditionCheck.builder().key(key(connectionKey, META))
                            .conditionExpression(EXISTS).build())
                    .addPutItem(table, TransactPutItemEnhancedRequest.builder(StoreItem.class).item(reverse)
                            .conditionExpression(NOT_EXISTS).build())
                    .addPutItem(table, member)
                    .build());
            return JoinResult.JOINED;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (failedCondition(reasons, 0)) {
                return JoinResult.UNKNOWN_CONNECTION;
            }
            if (failedCondition(reasons, 1)) {
                return JoinResult.ALREADY_MEMBER;
            }
            throw e;
        }
    }

    @Override
    public boolean leave(String connectionId, String room) {
        String connectionKey = connectionKey(connectionId);
        try {
            enhanced.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                    .addDeleteItem(table, TransactDeleteItemEnhancedRequest.builder()
                            .key(key(connectionKey, ROOM + room)).conditionExpression(EXISTS).build())
                    .addDeleteItem(table, key(memberPartition(room, connectionId), connectionKey))
                    .build());
            return true;
        } catch (TransactionCanceledException e) {
            if (failedCondition(e.cancellationReasons(), 0)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public boolean isMember(String connectionId, String room) {
        return table.getItem(r -> r.key(key(connectionKey(connectionId), ROOM + room)).consistentRead(true)) != null;
    }

    @Override
    public Set<String> roomsOf(String connectionId) {
        Set<String> rooms = new LinkedHashSet<>();
        table.query(QueryEnhancedRequest.builder()
                        .queryConditional(QueryConditional.sortBeginsWith(key(connectionKey(connectionId), ROOM)))
                        .consistentRead(true)
                        .build())
                .items()
                .forEach(item -> rooms.add(item.sk().substring(ROOM.length())));
        return rooms;
    }

    @Override
    public int shards() {
        return shards;
    }

    @Override
    public List<String> members(String room, int shard) {
        return idsInPartition(roomKey(room, shard));
    }

    @Override
    public Map<String, String> memberUsers(String room, int limit) {
        Map<String, String> users = new HashMap<>();
        for (int shard = 0; shard < shards && users.size() < limit; shard++) {
            QueryEnhancedRequest.Builder query = QueryEnhancedRequest.builder()
                    .queryConditional(QueryConditional.sortBeginsWith(
                            key(roomKey(room, shard), SwitchboardTable.CONNECTION)))
                    .attributesToProject(SwitchboardTable.SORT_KEY, "userId")
                    .consistentRead(true);
            if (limit < Integer.MAX_VALUE) {
                // Pages no bigger than needed: asking whether a room has more than N members reads N + 1 rows.
                query.limit(Math.max(1, limit - users.size()));
            }
            for (StoreItem item : table.query(query.build()).items()) {
                if (users.size() == limit) {
                    break;
                }
                users.put(item.sk().substring(SwitchboardTable.CONNECTION.length()), item.userId());
            }
        }
        return users;
    }

    @Override
    public List<String> connectionsOf(String userId) {
        return idsInPartition(userKey(userId));
    }

    /**
     * Connection ids of a ROOM# or USER# partition: the rows whose sort key is {@code CONN#<id>} (a room's
     * partition also holds its sequence counter). Read consistently: a sender must see a member whose join
     * finished before its read, or a resuming member could miss a message both live and in its history page.
     */
    private List<String> idsInPartition(String partitionKey) {
        List<String> ids = new ArrayList<>();
        table.query(QueryEnhancedRequest.builder()
                        .queryConditional(QueryConditional.sortBeginsWith(
                                key(partitionKey, SwitchboardTable.CONNECTION)))
                        .attributesToProject(SwitchboardTable.SORT_KEY)
                        .consistentRead(true)
                        .build())
                .items()
                .forEach(item -> ids.add(item.sk().substring(SwitchboardTable.CONNECTION.length())));
        return ids;
    }

    private Iterable<StoreItem> partition(String partitionKey) {
        return table.query(QueryEnhancedRequest.builder()
                .queryConditional(QueryConditional.keyEqualTo(Key.builder().partitionValue(partitionKey).build()))
                .consistentRead(true)
                .build()).items();
    }

    /** Deletes keys in batches of 25, re-sending what DynamoDB leaves unprocessed (with a short backoff). */
    private void deleteAll(List<Key> keys) {
        for (int start = 0; start < keys.size(); start += BATCH_LIMIT) {
            List<Key> pending = keys.subList(start, Math.min(keys.size(), start + BATCH_LIMIT));
            for (int round = 0; !pending.isEmpty(); round++) {
                if (round == MAX_BATCH_ROUNDS) {
                    throw new IllegalStateException(pending.size() + " deletes still unprocessed after "
                            + MAX_BATCH_ROUNDS + " rounds");
                }
                if (round > 0) {
                    sleep(Duration.ofMillis(25L << round));
                }
                WriteBatch.Builder<StoreItem> batch = WriteBatch.builder(StoreItem.class).mappedTableResource(table);
                pending.forEach(batch::addDeleteItem);
                BatchWriteResult result = enhanced.batchWriteItem(BatchWriteItemEnhancedRequest.builder()
                        .addWriteBatch(batch.build()).build());
                pending = result.unprocessedDeleteItemsForTable(table);
            }
        }
    }

    private static boolean failedCondition(List<CancellationReason> reasons, int index) {
        return reasons != null && reasons.size() > index
                && CONDITIONAL_CHECK_FAILED.equals(reasons.get(index).code());
    }

    private static Connection toConnection(String connectionId, StoreItem meta) {
        Instant connectedAt = Instant.ofEpochMilli(meta.connectedAt() == null ? 0 : meta.connectedAt());
        Instant expiresAt = Instant.ofEpochSecond(meta.expiresAt() == null ? 0 : meta.expiresAt());
        return new Connection(connectionId, meta.userId(), connectedAt, meta.sourceIp(), expiresAt);
    }

    private static Key key(String partition, String sort) {
        return Key.builder().partitionValue(partition).sortValue(sort).build();
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying unprocessed deletes", e);
        }
    }
}
