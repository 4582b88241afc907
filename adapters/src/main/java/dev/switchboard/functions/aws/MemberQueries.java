package dev.switchboard.functions.aws;

import static dev.switchboard.functions.aws.SwitchboardTable.CONNECTION;
import static dev.switchboard.functions.aws.SwitchboardTable.connectionIdOf;
import static dev.switchboard.functions.aws.SwitchboardTable.connectionKey;
import static dev.switchboard.functions.aws.SwitchboardTable.key;
import static dev.switchboard.functions.aws.SwitchboardTable.roomKey;
import static dev.switchboard.functions.aws.SwitchboardTable.userKey;

import dev.switchboard.core.Rights;
import dev.switchboard.core.RoomMember;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The listings: a room's members ({@code ROOM#<room>[#<shard>] / CONN#<id>}) and a user's connections
 * ({@code USER#<user> / CONN#<id>}), each a {@link MemberItem}, read by Query on their partition, never Scan. Part
 * of {@link DynamoDbConnectionStore}.
 */
final class MemberQueries {

    static final String MEMBER_PROJECTION = String.join(", ", SwitchboardTable.SORT_KEY,
            ConnectionItem.USER_ID, MemberItem.RIGHTS, ConnectionItem.TOKEN_EXP);

    private final DynamoDbClient dynamoDb;
    private final TableRequests requests;
    private final int shards;

    MemberQueries(DynamoDbClient dynamoDb, TableRequests requests, int shards) {
        this.dynamoDb = dynamoDb;
        this.requests = requests;
        this.shards = shards;
    }

    List<RoomMember> shardMembers(String room, int shard) {
        List<RoomMember> members = new ArrayList<>();
        queryConnections(roomKey(room, shard), Integer.MAX_VALUE, item -> member(item, true)
                .ifPresent(members::add));
        return members;
    }

    /** As {@link DynamoDbConnectionStore#membersAfter}. */
    List<RoomMember> membersAfter(String room, int shard, String after, int limit) {
        if (shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("shard " + shard + " of " + shards);
        }
        String partition = roomKey(room, shard);
        Map<String, AttributeValue> start = after == null ? null : key(partition, connectionKey(after));
        List<RoomMember> members = new ArrayList<>();
        while (members.size() < limit) {
            QueryResponse response = dynamoDb.query(connectionsOf(partition)
                    .projectionExpression(MEMBER_PROJECTION)
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

    List<RoomMember> roomMembers(String room, int limit) {
        List<RoomMember> members = new ArrayList<>();
        for (int shard = 0; shard < shards && members.size() < limit; shard++) {
            queryConnections(roomKey(room, shard), limit - members.size(),
                    item -> member(item, true).ifPresent(members::add));
        }
        return members;
    }

    List<RoomMember> userConnections(String userId) {
        List<RoomMember> connections = new ArrayList<>();
        queryConnections(userKey(userId), Integer.MAX_VALUE, item -> member(item, false)
                .ifPresent(connections::add));
        return connections;
    }

    /**
     * A listing row as a member. A room's row without rights (or without a user) was written before rows carried
     * them, by a connection whose own row now reads as unknown: it is not a member any more.
     */
    static Optional<RoomMember> member(Map<String, AttributeValue> item, boolean inRoom) {
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
    void queryConnections(String partitionKey, int limit, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        int seen = 0;
        do {
            QueryRequest.Builder query = connectionsOf(partitionKey)
                    .projectionExpression(MEMBER_PROJECTION)
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

    /** The consistent Query of a partition's {@code CONN#} rows. */
    private QueryRequest.Builder connectionsOf(String partition) {
        return requests.query(Expression.builder()
                .expression("#pk = :pk AND begins_with(#sk, :conn)")
                .expressionNames(Map.of("#pk", SwitchboardTable.PARTITION_KEY, "#sk", SwitchboardTable.SORT_KEY))
                .expressionValues(Map.of(":pk", AttributeValue.fromS(partition),
                        ":conn", AttributeValue.fromS(CONNECTION)))
                .build());
    }
}
