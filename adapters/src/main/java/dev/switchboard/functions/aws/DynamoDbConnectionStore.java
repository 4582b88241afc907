package dev.switchboard.functions.aws;

import dev.switchboard.core.Admission;
import dev.switchboard.core.Connection;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.Grant;
import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.JoinResult;
import dev.switchboard.core.Quotas;
import dev.switchboard.core.Rights;
import dev.switchboard.core.RoomHistory;
import dev.switchboard.core.RoomMember;
import dev.switchboard.core.RoomView;
import dev.switchboard.core.SendAdmission;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@link ConnectionStore} on one DynamoDB table (layout in {@link SwitchboardTable}). The connection's row holds its
 * grant and its rooms, so routes decide from one consistent read; a join or refresh then writes conditionally on the
 * revision it read, and the room limit is a condition of the join's own transaction. Members are listed with Query
 * on the room's partition; nothing ever Scans. Rows are immutable items on static schemas; the writes that change
 * part of a row are update expressions, their conditions {@code Expression}s. The work is done by one part per row
 * kind or concern: {@link ConnectionRows} (the connection's row: register, the frame count of every route,
 * removal), {@link MembershipWrites} (join, leave, refresh), {@link MemberQueries} (the listings) and
 * {@link RoomViews} (a room after a join or leave, in one read).
 *
 * <pre>{@code
 * ConnectionStore store = DynamoDbConnectionStore.create(DynamoDbClient.create(), "switchboard");
 * }</pre>
 */
public final class DynamoDbConnectionStore implements ConnectionStore {

    private final String table;
    private final int shards;
    private final ConnectionRows connections;
    private final MembershipWrites memberships;
    private final MemberQueries queries;
    private final RoomViews rooms;

    /**
     * @param shards partitions each room's membership is spread over; every function on one table must use the
     *               same value
     */
    public DynamoDbConnectionStore(DynamoDbClient dynamoDb, String table, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1");
        }
        Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.shards = shards;
        TableRequests requests = new TableRequests(table);
        this.connections = new ConnectionRows(dynamoDb, requests, shards);
        this.memberships = new MembershipWrites(dynamoDb, requests, shards, connections);
        this.queries = new MemberQueries(dynamoDb, requests, shards);
        this.rooms = new RoomViews(dynamoDb, requests, shards, queries);
    }

    /** A store whose rooms are one partition each. */
    public static DynamoDbConnectionStore create(DynamoDbClient dynamoDb, String table) {
        return create(dynamoDb, table, 1);
    }

    public static DynamoDbConnectionStore create(DynamoDbClient dynamoDb, String table, int shards) {
        return new DynamoDbConnectionStore(dynamoDb, table, shards);
    }

    @Override
    public void register(Connection connection) {
        connections.register(connection);
    }

    @Override
    public Optional<Connection> find(String connectionId) {
        return connections.find(connectionId);
    }

    @Override
    public Admission admit(String connectionId, Instant now, Quotas quotas) {
        return connections.admit(connectionId, now, quotas);
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
        return connections.admitSend(connectionId, room, now, quotas, claiming);
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
        ConnectionItem meta = connections.delete(connectionId);
        return meta == null || meta.rooms() == null ? Set.of() : new LinkedHashSet<>(meta.rooms().keySet());
    }

    /** As {@link #remove}, in the same calls: the deleted row is the connection as it was. */
    @Override
    public Optional<Connection> forget(String connectionId) {
        ConnectionItem meta = connections.delete(connectionId);
        return meta == null || meta.rooms() == null || meta.revision() == null ? Optional.empty()
                : Optional.of(ConnectionRows.toConnection(connectionId, meta));
    }

    @Override
    public JoinResult join(Connection seen, String room, Rights rights, int maxRooms) {
        return memberships.join(seen, room, rights, maxRooms);
    }

    @Override
    public boolean leave(String connectionId, String room) {
        return memberships.leave(connectionId, room);
    }

    @Override
    public JoinResult regrant(Connection seen, Grant grant, Map<String, Rights> rooms) {
        return memberships.regrant(seen, grant, rooms);
    }

    @Override
    public int shards() {
        return shards;
    }

    @Override
    public List<RoomMember> shardMembers(String room, int shard) {
        return queries.shardMembers(room, shard);
    }

    /**
     * A Query of the shard's partition starting after the member's key ({@code ExclusiveStartKey}) with a
     * {@code Limit} of what is still wanted: a page reads about its own size, whatever the room's. Read consistently,
     * like every member listing here, so a member sees itself right after its join.
     */
    @Override
    public List<RoomMember> membersAfter(String room, int shard, String after, int limit) {
        return queries.membersAfter(room, shard, after, limit);
    }

    @Override
    public List<RoomMember> roomMembers(String room, int limit) {
        return queries.roomMembers(room, limit);
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
        return rooms.view(room, listUpTo, history, now);
    }

    @Override
    public List<RoomMember> userConnections(String userId) {
        return queries.userConnections(userId);
    }
}
