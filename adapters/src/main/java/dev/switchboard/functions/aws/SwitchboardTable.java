package dev.switchboard.functions.aws;

import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.IdempotencyStore;
import java.util.Map;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The single table's layout. Keys (all strings):
 * <ul>
 *   <li>{@code CONN#<id> / META}: the connection (userId, connectedAt, sourceIp, expiresAt), its token's grant
 *       (capabilities, tokenExp), its rooms as a map of room to rights, and a revision that every change of rooms
 *       or grant increments; every route reads this one row</li>
 *   <li>{@code ROOM#<room> / CONN#<id>}: a room's members with their user and rights, listed by Query to broadcast
 *       (never Scan); with {@code SWITCHBOARD_ROOM_SHARDS} = n > 1, a member whose id hashes to shard k > 0 lives in
 *       {@code ROOM#<room>#<k>} instead, so a huge room is n partitions that n workers can read at once</li>
 *   <li>{@code USER#<userId> / CONN#<id>}: a user's connections</li>
 *   <li>{@code ROOM#<room> / SEQ}: the room's message counter (UpdateItem ADD)</li>
 *   <li>{@code ROOM#<room> / SIZE}: when the room was last found to have more members than presence events go to
 *       (and that limit); written by whoever found it, read instead of the members until it is too old</li>
 *   <li>{@code HIST#<room> / <seq, 20 digits>}: the room's messages, kept for the history retention</li>
 *   <li>{@code MSGID#<room>#<user>#<id> / MSGID}: a send's idempotency record; a direct message's is
 *       {@code MSGID#@<recipient>#<user>#<id> / MSGID}</li>
 * </ul>
 * Every part that comes from outside (room, user id, client id, connection id) goes through {@link #part}, which
 * escapes {@code #} and {@code %}: a key's parts can then be told apart whatever characters they hold, so two
 * different sends or users never share a row. Room names and API Gateway's connection ids contain neither
 * character, so their keys read as they are. In an idempotency key, a room part that would start with {@code @} has
 * it escaped ({@code %40}), so a room's send never meets a direct message's (valid room names never start so).
 *
 * <p>Every row carries {@code expiresAt} (epoch seconds, the table's TTL attribute), so rows of connections whose
 * {@code $disconnect} never came disappear on their own.
 *
 * <pre>{@code
 * SwitchboardTable.createIfMissing(dynamoDb, "switchboard-local");
 * }</pre>
 */
public final class SwitchboardTable {

    public static final String PARTITION_KEY = "pk";
    public static final String SORT_KEY = "sk";
    public static final String TTL_ATTRIBUTE = "expiresAt";

    static final String CONNECTION = "CONN#";
    static final String ROOM = "ROOM#";
    static final String USER = "USER#";
    static final String HISTORY = "HIST#";
    static final String SEND = "MSGID#";
    static final String META = "META";
    static final String COUNTER = "SEQ";
    /** Sorts after every {@code CONN#} row and after {@link #COUNTER}: a descending read of a room starts here. */
    static final String SIZE = "SIZE";
    static final String SEND_SORT = "MSGID";
    private static final String HISTORY_SORT_FORMAT = "%020d";
    /** Starts a direct message's target in its idempotency key, where a room send has its room. */
    static final String DIRECT = "@";
    private static final char SEPARATOR = '#';

    private SwitchboardTable() {
    }

    /** Creates the on-demand table with TTL on {@code expiresAt} unless it exists; waits until it is active. */
    public static void createIfMissing(DynamoDbClient dynamoDb, String tableName) {
        try {
            dynamoDb.describeTable(r -> r.tableName(tableName));
            return;
        } catch (ResourceNotFoundException e) {
            // Not there yet: create it below.
        }
        try {
            dynamoDb.createTable(r -> r.tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName(PARTITION_KEY)
                                    .attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName(SORT_KEY)
                                    .attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName(PARTITION_KEY).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(SORT_KEY).keyType(KeyType.RANGE).build()));
        } catch (ResourceInUseException e) {
            // Created concurrently by someone else: fine.
        }
        dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(tableName));
        try {
            dynamoDb.updateTimeToLive(r -> r.tableName(tableName)
                    .timeToLiveSpecification(t -> t.attributeName(TTL_ATTRIBUTE).enabled(true)));
        } catch (DynamoDbException e) {
            // Some local endpoints do not implement TTL; rows still carry expiresAt for a real table.
            LoggerFactory.getLogger(SwitchboardTable.class).warn("could not enable TTL on {}: {}", tableName,
                    e.getMessage());
        }
    }

    /**
     * Maps one row of each kind through its static schema and back, touching no table: the schemas' first use costs
     * tens of milliseconds of class loading and lambda linking, which SnapStart priming and AOT training pay here
     * instead of a request.
     */
    public static void primeSchemas() {
        ConnectionItem.SCHEMA.mapToItem(ConnectionItem.SCHEMA.itemToMap(new ConnectionItem(connectionKey("p"), META,
                "p", 0L, null, 0L, "", null, Map.of(), 0L, 0L, 0L, "{}"), true));
        MemberItem.SCHEMA.mapToItem(MemberItem.SCHEMA.itemToMap(new MemberItem(roomKey("p"), connectionKey("p"), "p",
                "", 0L, null), true));
        MessageItem.SCHEMA.mapToItem(MessageItem.SCHEMA.itemToMap(new MessageItem(historyKey("p"), historySortKey(1),
                "p", "p", "null", 0L, 0L), true));
        SendItem.SCHEMA.mapToItem(SendItem.SCHEMA.itemToMap(new SendItem(SEND + "p", SEND_SORT, 0L, "p", 0L, 0L),
                true));
        CounterItem.SCHEMA.mapToItem(CounterItem.SCHEMA.itemToMap(new CounterItem(roomKey("p"), COUNTER, 1L, 0L,
                "p"), true));
        RoomSizeItem.SCHEMA.mapToItem(RoomSizeItem.SCHEMA.itemToMap(new RoomSizeItem(roomKey("p"), SIZE, 0L, 0L, 0L),
                true));
    }

    /**
     * One outside-supplied part of a key, with {@code %} and {@code #} escaped ({@code %25}, {@code %23}): the
     * result never contains the separator, and distinct parts stay distinct.
     */
    static String part(String value) {
        if (value.indexOf('%') < 0 && value.indexOf(SEPARATOR) < 0) {
            return value;
        }
        return value.replace("%", "%25").replace("#", "%23");
    }

    /** The part {@link #part} encoded, read back. */
    static String unpart(String encoded) {
        if (encoded.indexOf('%') < 0) {
            return encoded;
        }
        return encoded.replace("%23", "#").replace("%25", "%");
    }

    static String connectionKey(String connectionId) {
        return CONNECTION + part(connectionId);
    }

    /** The connection id of a {@code CONN#<id>} key. */
    static String connectionIdOf(String key) {
        return unpart(key.substring(CONNECTION.length()));
    }

    static String roomKey(String room) {
        return ROOM + part(room);
    }

    /**
     * The partition of one shard of a room's membership: shard 0 is the room's own partition (so an unsharded
     * table has one), shard k is {@code ROOM#<room>#<k>}.
     */
    static String roomKey(String room, int shard) {
        return shard == 0 ? roomKey(room) : roomKey(room) + SEPARATOR + shard;
    }

    /** The partition holding a connection's membership row of a room, on a table of {@code shards} shards. */
    static String memberPartition(String room, String connectionId, int shards) {
        return roomKey(room, ConnectionStore.shardOf(connectionId, shards));
    }

    static String userKey(String userId) {
        return USER + part(userId);
    }

    static String historyKey(String room) {
        return HISTORY + part(room);
    }

    /** A message's sort key in its room's history: the seq, zero-padded so that text order is seq order. */
    static String historySortKey(long seq) {
        return HISTORY_SORT_FORMAT.formatted(seq);
    }

    /** The partition of a send's or direct message's idempotency record. */
    static String sendKey(IdempotencyStore.Key key) {
        String target = switch (key) {
            case IdempotencyStore.SendKey send -> send.room().startsWith(DIRECT)
                    ? "%40" + part(send.room().substring(DIRECT.length())) : part(send.room());
            case IdempotencyStore.DirectKey direct -> DIRECT + part(direct.recipient());
        };
        return SEND + target + SEPARATOR + part(key.sender()) + SEPARATOR + part(key.clientId());
    }

    /**
     * The room of a membership partition ({@code ROOM#<room>} or a shard's {@code ROOM#<room>#<k>}), read back: the
     * room's part never holds the separator, so the first one after the prefix starts the shard.
     */
    static String roomOfMemberKey(String key) {
        String rest = key.substring(ROOM.length());
        int shard = rest.indexOf(SEPARATOR);
        return unpart(shard < 0 ? rest : rest.substring(0, shard));
    }

    /** The room of a {@code HIST#<room>} partition. */
    static String roomOfHistoryKey(String key) {
        return unpart(key.substring(HISTORY.length()));
    }

    /** A primary key as the low-level client takes it. */
    static Map<String, AttributeValue> key(String partition, String sort) {
        return Map.of(PARTITION_KEY, AttributeValue.fromS(partition), SORT_KEY, AttributeValue.fromS(sort));
    }
}
