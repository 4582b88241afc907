package dev.switchboard.functions.aws;

import static dev.switchboard.functions.aws.SwitchboardTable.CONNECTION;
import static dev.switchboard.functions.aws.SwitchboardTable.roomKey;

import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.RoomHistory;
import dev.switchboard.core.RoomMember;
import dev.switchboard.core.RoomView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A room as a join, leave or disconnect needs it after its own write: its members if few enough to list, and its
 * counter ({@link CounterItem}), from one read of the room's partition, with the room's last size check
 * ({@link RoomSizeItem}) standing in for the members of a big room. Part of {@link DynamoDbConnectionStore}.
 */
final class RoomViews {

    private static final Map<String, String> ROOM_READ_NAMES = Map.of("#pk", SwitchboardTable.PARTITION_KEY,
            "#sk", SwitchboardTable.SORT_KEY, "#user", ConnectionItem.USER_ID, "#rights", MemberItem.RIGHTS,
            "#tokenExp", ConnectionItem.TOKEN_EXP, "#seq", CounterItem.SEQ,
            "#allocatedAt", CounterItem.ALLOCATED_AT, "#over", RoomSizeItem.OVER,
            "#checkedAt", RoomSizeItem.CHECKED_AT);
    private static final String ROOM_READ_PROJECTION =
            "#sk, #user, #rights, #tokenExp, #seq, #allocatedAt, #over, #checkedAt";
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbConnectionStore.class);

    private final DynamoDbClient dynamoDb;
    private final TableRequests requests;
    private final int shards;
    private final MemberQueries queries;
    private final BigRooms bigRooms = new BigRooms();

    RoomViews(DynamoDbClient dynamoDb, TableRequests requests, int shards, MemberQueries queries) {
        this.dynamoDb = dynamoDb;
        this.requests = requests;
        this.shards = shards;
        this.queries = queries;
    }

    /**
     * One descending Query of the room's partition reads, in this order, when the room was last found big
     * ({@code SIZE}), its counter ({@code SEQ}) and, unless this process last saw the room big, as many members as
     * could matter. A room found big recently enough is answered from that; otherwise its members are read on (and
     * from the other shards), at most one more than asked for, as before, and a room found big is recorded so.
     * So a join is one read whatever the room's size, and a big room's members are read about once a minute.
     */
    RoomView view(String room, int listUpTo, RoomHistory history, Instant now) {
        boolean counterHere = history instanceof DynamoDbRoomHistory sameTable && sameTable.sharesTable(requests.table());
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
                    MemberQueries.member(item, true).ifPresent(members::add);
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
            queries.queryConnections(roomKey(room, shard), wanted - members.size(),
                    item -> MemberQueries.member(item, true).ifPresent(members::add));
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
        return requests.query(Expression.builder()
                        .expression("#pk = :pk")
                        .expressionNames(ROOM_READ_NAMES)
                        .expressionValues(Map.of(":pk", AttributeValue.fromS(partition)))
                        .build())
                .projectionExpression(ROOM_READ_PROJECTION)
                .scanIndexForward(false)
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
        RoomSizeItem size = new RoomSizeItem(roomKey(room), SwitchboardTable.SIZE, (long) over, now.toEpochMilli(),
                now.plus(ConnectionStore.ROOM_SIZE_CHECK_MAX_AGE).getEpochSecond() + 1);
        try {
            dynamoDb.batchWriteItem(r -> r.requestItems(Map.of(requests.table(), List.of(WriteRequest.builder()
                    .putRequest(put -> put.item(RoomSizeItem.SCHEMA.itemToMap(size, true))).build()))));
        } catch (SdkException e) {
            LOG.warn("could not record room {} as bigger than {} members; it will be checked again: {}", room, over,
                    e.toString());
        }
    }

    /** What a read of a room's partition found besides its members: its counter and its last size check. */
    private static final class RoomHead {
        /** The room's own rows, which sort after all its members: {@code SIZE}, then {@code SEQ}. */
        static final int ROWS = 2;
        RoomHistory.Counter counter = RoomHistory.Counter.EMPTY;
        private Long over;
        private Long checkedAt;

        void read(String sort, Map<String, AttributeValue> item) {
            if (sort.equals(SwitchboardTable.COUNTER)) {
                counter = DynamoDbRoomHistory.counterOf(item);
            } else if (sort.equals(SwitchboardTable.SIZE)) {
                RoomSizeItem size = RoomSizeItem.SCHEMA.mapToItem(item);
                if (size.over() != null && size.checkedAt() != null) {
                    over = size.over();
                    checkedAt = size.checkedAt();
                }
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
}
