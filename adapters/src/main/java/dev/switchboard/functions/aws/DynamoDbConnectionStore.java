package dev.switchboard.functions.aws;

import static dev.switchboard.functions.aws.SwitchboardTable.CONNECTION;
import static dev.switchboard.functions.aws.SwitchboardTable.META;
import static dev.switchboard.functions.aws.SwitchboardTable.connectionIdOf;
import static dev.switchboard.functions.aws.SwitchboardTable.connectionKey;
import static dev.switchboard.functions.aws.SwitchboardTable.key;
import static dev.switchboard.functions.aws.SwitchboardTable.roomKey;
import static dev.switchboard.functions.aws.SwitchboardTable.userKey;

import dev.switchboard.core.Capabilities;
import dev.switchboard.core.Connection;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.Admission;
import dev.switchboard.core.Grant;
import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.JoinResult;
import dev.switchboard.core.Quotas;
import dev.switchboard.core.Rights;
import dev.switchboard.core.RoomAction;
import dev.switchboard.core.RoomHistory;
import dev.switchboard.core.RoomMember;
import dev.switchboard.core.RoomView;
import dev.switchboard.core.SendAdmission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link ConnectionStore} on one DynamoDB table (layout in {@link SwitchboardTable}). The connection's row holds its
 * grant and its rooms, so routes decide from one consistent read; a join or refresh then writes conditionally on the
 * revision it read, and the room limit is a condition of the join's own transaction. Members are listed with Query
 * on the room's partition; nothing ever Scans. Rows are immutable items on static schemas; the writes that change
 * part of a row are update expressions.
 *
 * <pre>{@code
 * ConnectionStore store = DynamoDbConnectionStore.create(DynamoDbClient.create(), "switchboard");
 * }</pre>
 */
public final class DynamoDbConnectionStore implements ConnectionStore {

    private static final int BATCH_LIMIT = 25;
    private static final String MEMBER_PROJECTION = String.join(", ", SwitchboardTable.SORT_KEY,
            ConnectionItem.USER_ID, MemberItem.RIGHTS, ConnectionItem.TOKEN_EXP);
    private static final int MAX_BATCH_ROUNDS = 8;
    private static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
    private static final String TRANSACTION_CONFLICT = "TransactionConflict";
    /** Tries of a write that only conflicted with a concurrent transaction and decides nothing itself. */
    private static final int MAX_CONFLICT_ATTEMPTS = 5;
    private static final AttributeValue ONE = AttributeValue.fromN("1");
    private static final Map<String, String> ROOM_READ_NAMES = Map.of("#pk", SwitchboardTable.PARTITION_KEY,
            "#sk", SwitchboardTable.SORT_KEY, "#user", ConnectionItem.USER_ID, "#rights", MemberItem.RIGHTS,
            "#tokenExp", ConnectionItem.TOKEN_EXP, "#seq", DynamoDbRoomHistory.SEQ,
            "#allocatedAt", DynamoDbRoomHistory.ALLOCATED_AT, "#over", RoomHead.OVER,
            "#checkedAt", RoomHead.CHECKED_AT);
    private static final String ROOM_READ_PROJECTION =
            "#sk, #user, #rights, #tokenExp, #seq, #allocatedAt, #over, #checkedAt";
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbConnectionStore.class);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final int shards;
    /** Which frame window this process last counted each connection in: its guess for the next count. */
    private final FrameWindows windows = new FrameWindows();
    private final BigRooms bigRooms = new BigRooms();

    /**
     * @param shards partitions each room's membership is spread over; every function on one table must use the
     *               same value
     */
    public DynamoDbConnectionStore(DynamoDbClient dynamoDb, String table, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1");
        }
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.shards = shards;
    }

    /** A store whose rooms are one partition each. */
    public static DynamoDbConnectionStore create(DynamoDbClient dynamoDb, String table) {
        return create(dynamoDb, table, 1);
    }

    public static DynamoDbConnectionStore create(DynamoDbClient dynamoDb, String table, int shards) {
        return new DynamoDbConnectionStore(dynamoDb, table, shards);
    }

    /** The partition holding the connection's membership row of a room. */
    private String memberPartition(String room, String connectionId) {
        return roomKey(room, ConnectionStore.shardOf(connectionId, shards));
    }

    @Override
    public void register(Connection connection) {
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
                TransactWriteItem.builder().put(p -> p.tableName(table)
                        .item(ConnectionItem.SCHEMA.itemToMap(meta, true))).build(),
                TransactWriteItem.builder().put(p -> p.tableName(table)
                        .item(MemberItem.SCHEMA.itemToMap(byUser, true))).build()));
    }

    @Override
    public Optional<Connection> find(String connectionId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table)
                .key(key(connectionKey(connectionId), META)).consistentRead(true)).item();
        return read(item).map(meta -> toConnection(connectionId, meta));
    }

    /** The row as an item; empty when absent or written before a connection's rooms lived on it (reconnect). */
    private static Optional<ConnectionItem> read(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        ConnectionItem meta = ConnectionItem.SCHEMA.mapToItem(item);
        return meta.rooms() == null || meta.revision() == null ? Optional.empty() : Optional.of(meta);
    }

    @Override
    public Admission admit(String connectionId, Instant now, Quotas quotas) {
        long window = quotas.frameWindowOf(now);
        FrameCount count = new FrameCount(window, quotas.frameBurst(), windows.countedIn(connectionId, window));
        for (int attempt = 1; ; attempt++) {
            Update update = frameUpdate(connectionId, count, "", Map.of(), Map.of());
            try {
                Map<String, AttributeValue> updated = dynamoDb.updateItem(r -> r.tableName(table).key(update.key())
                        .updateExpression(update.updateExpression()).conditionExpression(update.conditionExpression())
                        .expressionAttributeNames(update.expressionAttributeNames())
                        .expressionAttributeValues(update.expressionAttributeValues())
                        .returnValues(ReturnValue.ALL_NEW)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
                        .attributes();
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

    /**
     * Admits a send in one write where the send's id lives in this table: the frame's count, its connection's
     * membership, send right and token expiry as conditions of one update, and, with an id, the id's claim beside
     * it in the same transaction. Why a refused write was refused is read from the row as the write found it.
     */
    @Override
    public SendAdmission admitSend(String connectionId, String room, Instant now, Quotas quotas,
                                   IdempotencyStore idempotency, IdempotencyStore.Claiming claiming) {
        boolean oneTransaction = claiming == null
                || idempotency instanceof DynamoDbIdempotencyStore sameTable && sameTable.sharesTable(table);
        if (!oneTransaction) {
            return ConnectionStore.super.admitSend(connectionId, room, now, quotas, idempotency, claiming);
        }
        long window = quotas.frameWindowOf(now);
        FrameCount count = new FrameCount(window, quotas.frameBurst(), windows.countedIn(connectionId, window));
        for (int attempt = 1; ; attempt++) {
            Update update = frameUpdate(connectionId, count,
                    " AND contains(#rooms.#room, :send) AND (attribute_not_exists(#tokenExp) OR #tokenExp > :now)",
                    Map.of("#room", room, "#tokenExp", ConnectionItem.TOKEN_EXP),
                    Map.of(":send", AttributeValue.fromS(Rights.of(RoomAction.SEND).code()),
                            ":now", number(now.getEpochSecond())));
            Map<String, AttributeValue> refusedRow;
            try {
                if (claiming == null) {
                    dynamoDb.updateItem(r -> r.tableName(table).key(update.key())
                            .updateExpression(update.updateExpression())
                            .conditionExpression(update.conditionExpression())
                            .expressionAttributeNames(update.expressionAttributeNames())
                            .expressionAttributeValues(update.expressionAttributeValues())
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                } else {
                    dynamoDb.transactWriteItems(r -> r.transactItems(
                            TransactWriteItem.builder().update(update).build(),
                            TransactWriteItem.builder().put(DynamoDbIdempotencyStore.claimPut(table, claiming))
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

    /** The frame-counting update of a connection's row, with more conditions (joined by AND) where a route has them. */
    private Update frameUpdate(String connectionId, FrameCount count, String moreConditions,
                               Map<String, String> moreNames, Map<String, AttributeValue> moreValues) {
        Map<String, String> names = new HashMap<>(FrameCount.NAMES);
        names.putAll(moreNames);
        Map<String, AttributeValue> values = new HashMap<>(count.values());
        values.putAll(moreValues);
        return Update.builder().tableName(table).key(key(connectionKey(connectionId), META))
                .updateExpression(count.updateExpression())
                .conditionExpression(count.condition() + moreConditions)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /**
     * Reads the connection's row, deletes its listings (its memberships and its user's entry), then deletes the row,
     * on the condition that no join or leave changed it meanwhile (else it reads again). The row goes last so that
     * every step may be repeated: a removal cut short leaves the row for the next one (the next 410, the next
     * {@code $disconnect}) to finish from, and a delete that the SDK sends again after its answer was lost finds the
     * row gone and changes nothing. Deleting the row first with its old image returned would leave the listings behind
     * whenever that answer is lost: the retry returns no image.
     */
    @Override
    public Set<String> remove(String connectionId) {
        ConnectionItem meta = delete(connectionId);
        return meta == null || meta.rooms() == null ? Set.of() : new LinkedHashSet<>(meta.rooms().keySet());
    }

    /** As {@link #remove}, in the same calls: the deleted row is the connection as it was. */
    @Override
    public Optional<Connection> forget(String connectionId) {
        ConnectionItem meta = delete(connectionId);
        return meta == null || meta.rooms() == null || meta.revision() == null ? Optional.empty()
                : Optional.of(toConnection(connectionId, meta));
    }

    /** The removal {@link #remove} describes; returns the row as it was read, or null when there was none. */
    private ConnectionItem delete(String connectionId) {
        String connectionKey = connectionKey(connectionId);
        Map<String, AttributeValue> metaKey = key(connectionKey, META);
        ConnectionItem read = null;
        for (int attempt = 1; ; attempt++) {
            Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table).key(metaKey)
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
                meta.rooms().keySet().forEach(room -> listings.add(key(memberPartition(room, connectionId),
                        connectionKey)));
            }
            deleteAll(listings);
            // A row from before revisions were kept has none: unchanged means it still has none.
            Long revision = meta.revision();
            Map<String, String> names = new HashMap<>(Map.of("#revision", ConnectionItem.REVISION));
            String unchanged = "#revision = :seen";
            if (revision == null) {
                names.put("#pk", SwitchboardTable.PARTITION_KEY);
                unchanged = "attribute_exists(#pk) AND attribute_not_exists(#revision)";
            }
            String condition = unchanged;
            try {
                dynamoDb.deleteItem(r -> r.tableName(table).key(metaKey).conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(revision == null ? null : Map.of(":seen", number(revision))));
                windows.forget(connectionId);
                return meta;
            } catch (ConditionalCheckFailedException e) {
                if (attempt == MAX_CONFLICT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    @Override
    public JoinResult join(Connection seen, String room, Rights rights, int maxRooms) {
        String connectionKey = connectionKey(seen.connectionId());
        Expression update = Expression.builder()
                .expression("SET #rooms.#room = :rights ADD #revision :one")
                .expressionNames(Map.of("#rooms", ConnectionItem.ROOMS, "#room", room,
                        "#revision", ConnectionItem.REVISION))
                .expressionValues(Map.of(":rights", AttributeValue.fromS(rights.code()), ":one", ONE))
                .build();
        // Exists, not changed since read, not in the room, under the limit: all in the write itself, so racing
        // joins of one connection cannot pass the limit together.
        Expression condition = Expression.builder()
                .expression("#revision = :seen AND size(#rooms) < :max AND attribute_not_exists(#rooms.#room)")
                .expressionNames(Map.of("#rooms", ConnectionItem.ROOMS, "#room", room,
                        "#revision", ConnectionItem.REVISION))
                .expressionValues(Map.of(":seen", number(seen.revision()), ":max", number(maxRooms)))
                .build();
        MemberItem member = new MemberItem(memberPartition(room, seen.connectionId()), connectionKey, seen.userId(),
                rights.code(), seen.expiresAt().getEpochSecond(), epochSeconds(seen.grant().expiresAt()));
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().update(update(key(connectionKey, META), update, condition)).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(table)
                            .item(MemberItem.SCHEMA.itemToMap(member, true))).build()));
            return JoinResult.JOINED;
        } catch (TransactionCanceledException e) {
            if (conflicted(e)) {
                return JoinResult.CHANGED;
            }
            if (!failedCondition(e.cancellationReasons(), 0)) {
                throw e;
            }
            // Why the condition failed, from the row as the transaction found it (or, where the store does not
            // return it, as it is now).
            Map<String, AttributeValue> old = itemOf(e.cancellationReasons().getFirst());
            Optional<Connection> current = old != null
                    ? read(old).map(meta -> toConnection(seen.connectionId(), meta)) : find(seen.connectionId());
            if (current.isEmpty()) {
                return JoinResult.UNKNOWN_CONNECTION;
            }
            if (current.get().isIn(room)) {
                return JoinResult.ALREADY_MEMBER;
            }
            if (current.get().revision() != seen.revision()) {
                return JoinResult.CHANGED;
            }
            return current.get().rooms().size() >= maxRooms ? JoinResult.TOO_MANY_ROOMS : JoinResult.CHANGED;
        }
    }

    @Override
    public boolean leave(String connectionId, String room) {
        for (int attempt = 1; ; attempt++) {
            try {
                return leaveOnce(connectionId, room);
            } catch (TransactionCanceledException e) {
                if (!conflicted(e) || attempt == MAX_CONFLICT_ATTEMPTS) {
                    throw e;
                }
                sleep(Duration.ofMillis(5L * attempt));
            }
        }
    }

    private boolean leaveOnce(String connectionId, String room) {
        String connectionKey = connectionKey(connectionId);
        Expression update = Expression.builder()
                .expression("REMOVE #rooms.#room ADD #revision :one")
                .expressionNames(Map.of("#rooms", ConnectionItem.ROOMS, "#room", room,
                        "#revision", ConnectionItem.REVISION))
                .expressionValues(Map.of(":one", ONE))
                .build();
        Expression condition = Expression.builder()
                .expression("attribute_exists(#rooms.#room)")
                .expressionNames(Map.of("#rooms", ConnectionItem.ROOMS, "#room", room))
                .build();
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().update(update(key(connectionKey, META), update, condition)).build(),
                    TransactWriteItem.builder().delete(d -> d.tableName(table)
                            .key(key(memberPartition(room, connectionId), connectionKey))).build()));
            return true;
        } catch (TransactionCanceledException e) {
            if (!conflicted(e) && failedCondition(e.cancellationReasons(), 0)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public JoinResult regrant(Connection seen, Grant grant, Map<String, Rights> rooms) {
        String connectionKey = connectionKey(seen.connectionId());
        Map<String, AttributeValue> roomCodes = new HashMap<>();
        rooms.forEach((room, rights) -> {
            if (seen.isIn(room)) {
                roomCodes.put(room, AttributeValue.fromS(rights.code()));
            }
        });
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":capabilities", AttributeValue.fromS(grant.capabilities().compact()),
                ":rooms", AttributeValue.fromM(roomCodes),
                ":one", ONE, ":seen", number(seen.revision())));
        String expiry;
        if (grant.expiresAt() == null) {
            expiry = " REMOVE #tokenExp";
        } else {
            // Continues the SET clause.
            expiry = ", #tokenExp = :tokenExp";
            values.put(":tokenExp", number(grant.expiresAt().getEpochSecond()));
        }
        Map<String, String> names = Map.of("#capabilities", ConnectionItem.CAPABILITIES,
                "#tokenExp", ConnectionItem.TOKEN_EXP, "#rooms", ConnectionItem.ROOMS,
                "#revision", ConnectionItem.REVISION);
        Update meta = Update.builder().tableName(table).key(key(connectionKey, META))
                .updateExpression("SET #capabilities = :capabilities, #rooms = :rooms" + expiry
                        + " ADD #revision :one")
                .conditionExpression("#revision = :seen")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().update(meta).build());
        seen.rooms().forEach((room, old) -> {
            Map<String, AttributeValue> member = key(memberPartition(room, seen.connectionId()), connectionKey);
            Rights now = rooms.get(room);
            if (now == null) {
                writes.add(TransactWriteItem.builder().delete(d -> d.tableName(table).key(member)).build());
            } else {
                writes.add(TransactWriteItem.builder().update(regranted(member, now, grant)).build());
            }
        });
        writes.add(TransactWriteItem.builder().update(regranted(key(userKey(seen.userId()), connectionKey), null,
                grant)).build());
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(writes));
            return JoinResult.JOINED;
        } catch (TransactionCanceledException e) {
            if (conflicted(e)) {
                return JoinResult.CHANGED;
            }
            if (!failedCondition(e.cancellationReasons(), 0)) {
                throw e;
            }
            return find(seen.connectionId()).isEmpty() ? JoinResult.UNKNOWN_CONNECTION : JoinResult.CHANGED;
        }
    }

    /**
     * The update of one of the connection's listings (a membership, or its user's entry when {@code rights} is null)
     * for a new grant, on the condition that the row is still there: a row the connection's removal deleted meanwhile
     * must not come back half written, so the refresh's transaction fails and it reads again.
     */
    private Update regranted(Map<String, AttributeValue> listing, Rights rights, Grant grant) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", SwitchboardTable.PARTITION_KEY,
                "#tokenExp", ConnectionItem.TOKEN_EXP));
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = new ArrayList<>();
        if (rights != null) {
            names.put("#rights", MemberItem.RIGHTS);
            values.put(":rights", AttributeValue.fromS(rights.code()));
            set.add("#rights = :rights");
        }
        if (grant.expiresAt() != null) {
            values.put(":tokenExp", number(grant.expiresAt().getEpochSecond()));
            set.add("#tokenExp = :tokenExp");
        }
        String expression = (set.isEmpty() ? "" : "SET " + String.join(", ", set))
                + (grant.expiresAt() == null ? " REMOVE #tokenExp" : "");
        return Update.builder().tableName(table).key(listing)
                .updateExpression(expression.trim())
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values.isEmpty() ? null : values)
                .build();
    }

    @Override
    public int shards() {
        return shards;
    }

    @Override
    public List<RoomMember> shardMembers(String room, int shard) {
        List<RoomMember> members = new ArrayList<>();
        queryConnections(roomKey(room, shard), Integer.MAX_VALUE, MEMBER_PROJECTION, item -> member(item, true)
                .ifPresent(members::add));
        return members;
    }

    /**
     * A Query of the shard's partition starting after the member's key ({@code ExclusiveStartKey}) with a
     * {@code Limit} of what is still wanted: a page reads about its own size, whatever the room's. Read consistently,
     * like every member listing here, so a member sees itself right after its join.
     */
    @Override
    public List<RoomMember> membersAfter(String room, int shard, String after, int limit) {
        if (shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("shard " + shard + " of " + shards);
        }
        String partition = roomKey(room, shard);
        Map<String, AttributeValue> start = after == null ? null : key(partition, connectionKey(after));
        List<RoomMember> members = new ArrayList<>();
        while (members.size() < limit) {
            QueryResponse response = dynamoDb.query(QueryRequest.builder().tableName(table)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :conn)")
                    .expressionAttributeNames(Map.of("#pk", SwitchboardTable.PARTITION_KEY,
                            "#sk", SwitchboardTable.SORT_KEY))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition),
                            ":conn", AttributeValue.fromS(CONNECTION)))
                    .projectionExpression(MEMBER_PROJECTION)
                    .consistentRead(true)
                    .exclusiveStartKey(start)
                    .limit(limit - members.size())
                    .build());
            // A row that is no member (see member()) takes no place on the page: the next Query goes on after it.
            response.items().forEach(item -> member(item, true).ifPresent(members::add));
            if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
                break;
            }
            start = response.lastEvaluatedKey();
        }
        return members;
    }

    @Override
    public List<RoomMember> roomMembers(String room, int limit) {
        List<RoomMember> members = new ArrayList<>();
        for (int shard = 0; shard < shards && members.size() < limit; shard++) {
            queryConnections(roomKey(room, shard), limit - members.size(), MEMBER_PROJECTION,
                    item -> member(item, true).ifPresent(members::add));
        }
        return members;
    }

    /**
     * One descending Query of the room's partition reads, in this order, when the room was last found big
     * ({@code SIZE}), its counter ({@code SEQ}) and, unless this process last saw the room big, as many members as
     * could matter. A room found big recently enough is answered from that; otherwise its members are read on (and
     * from the other shards), at most one more than asked for, as before, and a room found big is recorded so.
     * So a join is one read whatever the room's size, and a big room's members are read about once a minute.
     */
    @Override
    public RoomView view(String room, int listUpTo, RoomHistory history, Instant now) {
        boolean counterHere = history instanceof DynamoDbRoomHistory sameTable && sameTable.sharesTable(table);
        if (listUpTo < 0 || history != null && !counterHere) {
            RoomView members = listUpTo < 0 ? new RoomView(null, null) : view(room, listUpTo, null, now);
            return new RoomView(members.members(), history == null ? null : history.counter(room));
        }
        // One member more than asked for tells a room is bigger (saturating: a limit of "everyone" stays one).
        int wanted = listUpTo == Integer.MAX_VALUE ? listUpTo : listUpTo + 1;
        RoomHead head = new RoomHead();
        List<RoomMember> members = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        int limit = bigRooms.contains(room) ? RoomHead.ROWS : (int) Math.min(Integer.MAX_VALUE,
                (long) RoomHead.ROWS + wanted);
        boolean firstPage = true;
        do {
            QueryResponse page = dynamoDb.query(roomRead(roomKey(room), limit, start));
            for (Map<String, AttributeValue> item : page.items()) {
                String sort = item.get(SwitchboardTable.SORT_KEY).s();
                if (sort.startsWith(CONNECTION)) {
                    member(item, true).ifPresent(members::add);
                } else {
                    head.read(sort, item);
                }
            }
            if (firstPage && head.foundBigger(listUpTo, now)) {
                bigRooms.add(room);
                return new RoomView(null, counterHere ? head.counter : null);
            }
            firstPage = false;
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            limit = Math.max(1, wanted - members.size());
        } while (start != null && members.size() < wanted);
        for (int shard = 1; shard < shards && members.size() < wanted; shard++) {
            queryConnections(roomKey(room, shard), wanted - members.size(), MEMBER_PROJECTION,
                    item -> member(item, true).ifPresent(members::add));
        }
        if (members.size() > listUpTo) {
            bigRooms.add(room);
            recordBig(room, listUpTo, now);
            return new RoomView(null, counterHere ? head.counter : null);
        }
        bigRooms.remove(room);
        return new RoomView(members, counterHere ? head.counter : null);
    }

    /** The descending read of a room's partition: its own rows first, then its members. */
    private QueryRequest roomRead(String partition, int limit, Map<String, AttributeValue> start) {
        return QueryRequest.builder().tableName(table)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(ROOM_READ_NAMES)
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition)))
                .projectionExpression(ROOM_READ_PROJECTION)
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit)
                .exclusiveStartKey(start)
                .build();
    }

    /**
     * Records that the room has more than {@code over} members as of {@code now}. A batch put, because every function
     * that reads a room's size may already batch-write the table (it deletes a connection's listings) and needs no
     * other permission for it. Should it fail, the next reader checks the room again.
     */
    private void recordBig(String room, int over, Instant now) {
        Map<String, AttributeValue> item = Map.of(
                SwitchboardTable.PARTITION_KEY, AttributeValue.fromS(roomKey(room)),
                SwitchboardTable.SORT_KEY, AttributeValue.fromS(SwitchboardTable.SIZE),
                RoomHead.OVER, number(over),
                RoomHead.CHECKED_AT, number(now.toEpochMilli()),
                SwitchboardTable.TTL_ATTRIBUTE,
                number(now.plus(ConnectionStore.ROOM_SIZE_CHECK_MAX_AGE).getEpochSecond() + 1));
        try {
            dynamoDb.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(WriteRequest.builder()
                    .putRequest(put -> put.item(item)).build()))));
        } catch (SdkException e) {
            LOG.warn("could not record room {} as bigger than {} members; it will be checked again: {}", room, over,
                    e.toString());
        }
    }

    /** What a read of a room's partition found besides its members: its counter and its last size check. */
    private static final class RoomHead {
        /** The room's own rows, which sort after all its members: {@code SIZE}, then {@code SEQ}. */
        static final int ROWS = 2;
        static final String OVER = "over";
        static final String CHECKED_AT = "checkedAt";

        RoomHistory.Counter counter = RoomHistory.Counter.EMPTY;
        private Long over;
        private Long checkedAt;

        void read(String sort, Map<String, AttributeValue> item) {
            if (sort.equals(SwitchboardTable.COUNTER)) {
                counter = DynamoDbRoomHistory.counterOf(item);
            } else if (sort.equals(SwitchboardTable.SIZE) && item.containsKey(OVER) && item.containsKey(CHECKED_AT)) {
                over = Long.parseLong(item.get(OVER).n());
                checkedAt = Long.parseLong(item.get(CHECKED_AT).n());
            }
        }

        /** Whether a check recent enough found more members than {@code listUpTo}. */
        boolean foundBigger(int listUpTo, Instant now) {
            return over != null && over >= listUpTo
                    && now.toEpochMilli() - checkedAt < ConnectionStore.ROOM_SIZE_CHECK_MAX_AGE.toMillis();
        }
    }

    /**
     * The rooms this process last found too big to list: their first read asks for the room's own rows only. A hint
     * for the size of a read, never for an answer; bounded, the least recently used forgotten first.
     */
    private static final class BigRooms {
        private static final int CAPACITY = 1024;
        private final Map<String, Boolean> rooms = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > CAPACITY;
            }
        };

        synchronized boolean contains(String room) {
            return rooms.containsKey(room);
        }

        synchronized void add(String room) {
            rooms.put(room, Boolean.TRUE);
        }

        synchronized void remove(String room) {
            rooms.remove(room);
        }
    }

    @Override
    public List<RoomMember> userConnections(String userId) {
        List<RoomMember> connections = new ArrayList<>();
        queryConnections(userKey(userId), Integer.MAX_VALUE, MEMBER_PROJECTION, item -> member(item, false)
                .ifPresent(connections::add));
        return connections;
    }

    /**
     * A listing row as a member. A room's row without rights (or without a user) was written before rows carried
     * them, by a connection whose own row now reads as unknown: it is not a member any more.
     */
    private static Optional<RoomMember> member(Map<String, AttributeValue> item, boolean inRoom) {
        MemberItem row = MemberItem.SCHEMA.mapToItem(item);
        if (row.userId() == null || inRoom && row.rights() == null) {
            return Optional.empty();
        }
        return Optional.of(new RoomMember(connectionIdOf(row.sk()), row.userId(),
                row.rights() == null ? Rights.NONE : Rights.fromCode(row.rights()),
                row.tokenExp() == null ? null : Instant.ofEpochSecond(row.tokenExp())));
    }

    /**
     * The {@code CONN#<id>} rows of a ROOM# or USER# partition (a room's partition also holds its sequence counter),
     * at most {@code limit}. Read consistently: a sender must see a member whose join finished before its read, or a
     * resuming member could miss a message both live and in its history page.
     */
    private void queryConnections(String partitionKey, int limit, String projection,
                                  Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        int seen = 0;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :conn)")
                    .expressionAttributeNames(Map.of("#pk", SwitchboardTable.PARTITION_KEY,
                            "#sk", SwitchboardTable.SORT_KEY))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partitionKey),
                            ":conn", AttributeValue.fromS(CONNECTION)))
                    .projectionExpression(projection)
                    .consistentRead(true)
                    .exclusiveStartKey(start);
            if (limit < Integer.MAX_VALUE) {
                // Pages no bigger than needed: asking whether a room has more than N members reads N + 1 rows.
                query.limit(Math.max(1, limit - seen));
            }
            QueryResponse response = dynamoDb.query(query.build());
            for (Map<String, AttributeValue> item : response.items()) {
                if (seen == limit) {
                    return;
                }
                each.accept(item);
                seen++;
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null && seen < limit);
    }

    /** Deletes keys in batches of 25, re-sending what DynamoDB leaves unprocessed (with a short backoff). */
    private void deleteAll(List<Map<String, AttributeValue>> keys) {
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

    private Update update(Map<String, AttributeValue> key, Expression update, Expression condition) {
        Map<String, String> names = new HashMap<>(update.expressionNames());
        names.putAll(condition.expressionNames());
        Map<String, AttributeValue> values = new HashMap<>();
        if (update.expressionValues() != null) {
            values.putAll(update.expressionValues());
        }
        if (condition.expressionValues() != null) {
            values.putAll(condition.expressionValues());
        }
        return Update.builder().tableName(table).key(key)
                .updateExpression(update.expression())
                .conditionExpression(condition.expression())
                .expressionAttributeNames(names)
                .expressionAttributeValues(values.isEmpty() ? null : values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /**
     * Another transaction was changing one of the same rows at the moment (DynamoDB cancels rather than waits):
     * nothing was written, and the caller may read again and retry.
     */
    private static boolean conflicted(TransactionCanceledException e) {
        return e.hasCancellationReasons()
                && e.cancellationReasons().stream().anyMatch(r -> TRANSACTION_CONFLICT.equals(r.code()));
    }

    private static Map<String, AttributeValue> itemOf(CancellationReason reason) {
        return reason.hasItem() ? reason.item() : null;
    }

    private static boolean failedCondition(List<CancellationReason> reasons, int index) {
        return reasons != null && reasons.size() > index
                && CONDITIONAL_CHECK_FAILED.equals(reasons.get(index).code());
    }

    private static Connection toConnection(String connectionId, ConnectionItem meta) {
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

    private static Long epochSeconds(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a write", e);
        }
    }
}
