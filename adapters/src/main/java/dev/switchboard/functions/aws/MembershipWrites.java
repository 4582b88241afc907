package dev.switchboard.functions.aws;

import static dev.switchboard.functions.aws.ConnectionRows.MAX_CONFLICT_ATTEMPTS;
import static dev.switchboard.functions.aws.ConnectionRows.epochSeconds;
import static dev.switchboard.functions.aws.ConnectionRows.metaKey;
import static dev.switchboard.functions.aws.SwitchboardTable.connectionKey;
import static dev.switchboard.functions.aws.SwitchboardTable.key;
import static dev.switchboard.functions.aws.SwitchboardTable.memberPartition;
import static dev.switchboard.functions.aws.SwitchboardTable.userKey;
import static dev.switchboard.functions.aws.TableRequests.conflicted;
import static dev.switchboard.functions.aws.TableRequests.failedCondition;
import static dev.switchboard.functions.aws.TableRequests.itemOf;
import static dev.switchboard.functions.aws.TableRequests.number;

import dev.switchboard.core.Connection;
import dev.switchboard.core.Grant;
import dev.switchboard.core.JoinResult;
import dev.switchboard.core.Rights;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * A connection's memberships: the room on its row and its {@code ROOM#<room>[#<shard>] / CONN#<id>} listing
 * ({@link MemberItem}) change together, in one transaction conditional on the row as the caller read it. Part of
 * {@link DynamoDbConnectionStore}.
 */
final class MembershipWrites {

    private static final AttributeValue ONE = number(1);

    private final DynamoDbClient dynamoDb;
    private final TableRequests requests;
    private final int shards;
    private final ConnectionRows connections;

    MembershipWrites(DynamoDbClient dynamoDb, TableRequests requests, int shards, ConnectionRows connections) {
        this.dynamoDb = dynamoDb;
        this.requests = requests;
        this.shards = shards;
        this.connections = connections;
    }

    JoinResult join(Connection seen, String room, Rights rights, int maxRooms) {
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
        MemberItem member = new MemberItem(memberPartition(room, seen.connectionId(), shards), connectionKey,
                seen.userId(), rights.code(), seen.expiresAt().getEpochSecond(),
                epochSeconds(seen.grant().expiresAt()));
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().update(requests.update(metaKey(seen.connectionId()), update,
                            condition)).build(),
                    TransactWriteItem.builder().put(requests.put(MemberItem.SCHEMA.itemToMap(member, true), null))
                            .build()));
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
            Optional<Connection> current = old != null ? ConnectionRows.read(old)
                    .map(meta -> ConnectionRows.toConnection(seen.connectionId(), meta))
                    : connections.find(seen.connectionId());
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

    boolean leave(String connectionId, String room) {
        for (int attempt = 1; ; attempt++) {
            try {
                return leaveOnce(connectionId, room);
            } catch (TransactionCanceledException e) {
                if (!conflicted(e) || attempt == MAX_CONFLICT_ATTEMPTS) {
                    throw e;
                }
                ConnectionRows.sleep(Duration.ofMillis(5L * attempt));
            }
        }
    }

    private boolean leaveOnce(String connectionId, String room) {
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
                    TransactWriteItem.builder().update(requests.update(metaKey(connectionId), update, condition))
                            .build(),
                    TransactWriteItem.builder().delete(d -> d.tableName(requests.table())
                            .key(key(memberPartition(room, connectionId, shards), connectionKey(connectionId))))
                            .build()));
            return true;
        } catch (TransactionCanceledException e) {
            if (!conflicted(e) && failedCondition(e.cancellationReasons(), 0)) {
                return false;
            }
            throw e;
        }
    }

    JoinResult regrant(Connection seen, Grant grant, Map<String, Rights> rooms) {
        String connectionKey = connectionKey(seen.connectionId());
        Map<String, AttributeValue> roomCodes = new HashMap<>();
        rooms.forEach((room, rights) -> {
            if (seen.isIn(room)) {
                roomCodes.put(room, AttributeValue.fromS(rights.code()));
            }
        });
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":capabilities", AttributeValue.fromS(grant.capabilities().compact()),
                ":rooms", AttributeValue.fromM(roomCodes), ":one", ONE));
        String expiry;
        if (grant.expiresAt() == null) {
            expiry = " REMOVE #tokenExp";
        } else {
            // Continues the SET clause.
            expiry = ", #tokenExp = :tokenExp";
            values.put(":tokenExp", number(grant.expiresAt().getEpochSecond()));
        }
        Expression regranted = Expression.builder()
                .expression("SET #capabilities = :capabilities, #rooms = :rooms" + expiry + " ADD #revision :one")
                .expressionNames(Map.of("#capabilities", ConnectionItem.CAPABILITIES,
                        "#tokenExp", ConnectionItem.TOKEN_EXP, "#rooms", ConnectionItem.ROOMS,
                        "#revision", ConnectionItem.REVISION))
                .expressionValues(values)
                .build();
        Expression unchanged = Expression.builder().expression("#revision = :seen")
                .expressionNames(Map.of("#revision", ConnectionItem.REVISION))
                .expressionValues(Map.of(":seen", number(seen.revision())))
                .build();
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().update(requests.update(metaKey(seen.connectionId()), regranted,
                unchanged)).build());
        seen.rooms().forEach((room, old) -> {
            Map<String, AttributeValue> member = key(memberPartition(room, seen.connectionId(), shards),
                    connectionKey);
            Rights now = rooms.get(room);
            if (now == null) {
                writes.add(TransactWriteItem.builder().delete(d -> d.tableName(requests.table()).key(member))
                        .build());
            } else {
                writes.add(TransactWriteItem.builder().update(listingUpdate(member, now, grant)).build());
            }
        });
        writes.add(TransactWriteItem.builder().update(listingUpdate(key(userKey(seen.userId()), connectionKey), null,
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
            return connections.find(seen.connectionId()).isEmpty() ? JoinResult.UNKNOWN_CONNECTION
                    : JoinResult.CHANGED;
        }
    }

    /**
     * The update of one of the connection's listings (a membership, or its user's entry when {@code rights} is null)
     * for a new grant, on the condition that the row is still there: a row the connection's removal deleted meanwhile
     * must not come back half written, so the refresh's transaction fails and it reads again.
     */
    private Update listingUpdate(Map<String, AttributeValue> listing, Rights rights, Grant grant) {
        Map<String, String> names = new HashMap<>(Map.of("#tokenExp", ConnectionItem.TOKEN_EXP));
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
        Expression update = Expression.builder().expression(expression.trim())
                .expressionNames(names).expressionValues(values).build();
        Expression stillThere = Expression.builder().expression("attribute_exists(#pk)")
                .expressionNames(Map.of("#pk", SwitchboardTable.PARTITION_KEY)).build();
        return requests.update(listing, update, stillThere);
    }
}
