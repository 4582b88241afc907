package dev.switchboard.functions.aws;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One fresh-JVM measurement of what the history's, the idempotency's and the room-size rows' static schemas add to a
 * cold start: the first write and read-back mapping of a message, a claim, a counter and a size row, through their
 * static immutable schemas ({@code schemas}) or as attribute maps built and read by hand ({@code maps}, how these
 * rows were written before they had items). Both first map a connection row through its schema, as every route does
 * before anything else, so the difference is what the four schemas add; {@code primed} maps through the schemas
 * after {@link SwitchboardTable#primeSchemas()}, as a request does after SnapStart priming. Argument:
 * {@code schemas|maps|primed}. Run by {@code scripts/bench-item-schemas.sh}.
 */
public final class ItemSchemaBench {

    private ItemSchemaBench() {
    }

    public static void main(String[] args) {
        String variant = args[0];
        long now = Instant.now().toEpochMilli();
        ConnectionItem connection = new ConnectionItem("CONN#bench", "META", "user", now, null, now / 1000 + 10_800,
                "|", null, Map.of(), 0L, null, null, null);
        ConnectionItem.SCHEMA.mapToItem(ConnectionItem.SCHEMA.itemToMap(connection, true));
        if (variant.equals("primed")) {
            SwitchboardTable.primeSchemas();
        }

        long start = System.nanoTime();
        long checksum;
        if (!variant.equals("maps")) {
            MessageItem message = MessageItem.SCHEMA.mapToItem(MessageItem.SCHEMA.itemToMap(new MessageItem("HIST#r",
                    SwitchboardTable.historySortKey(1), "m-1", "alice", "{}", now, now / 1000 + 86_400), true));
            SendItem claim = SendItem.SCHEMA.mapToItem(SendItem.SCHEMA.itemToMap(new SendItem("MSGID#r#alice#c-1",
                    SwitchboardTable.SEND_SORT, now, "m-1", 1L, now / 1000 + 3_600), true));
            CounterItem counter = CounterItem.SCHEMA.mapToItem(CounterItem.SCHEMA.itemToMap(new CounterItem("ROOM#r",
                    SwitchboardTable.COUNTER, 1L, now, "token"), true));
            RoomSizeItem size = RoomSizeItem.SCHEMA.mapToItem(RoomSizeItem.SCHEMA.itemToMap(new RoomSizeItem("ROOM#r",
                    SwitchboardTable.SIZE, 100L, now, now / 1000 + 61), true));
            checksum = message.ts() + claim.seq() + counter.seq() + size.over();
        } else {
            Map<String, AttributeValue> message = Map.of("pk", AttributeValue.fromS("HIST#r"),
                    "sk", AttributeValue.fromS(SwitchboardTable.historySortKey(1)),
                    "messageId", AttributeValue.fromS("m-1"), "from", AttributeValue.fromS("alice"),
                    "data", AttributeValue.fromS("{}"), "ts", number(now), "expiresAt", number(now / 1000 + 86_400));
            Map<String, AttributeValue> claim = Map.of("pk", AttributeValue.fromS("MSGID#r#alice#c-1"),
                    "sk", AttributeValue.fromS(SwitchboardTable.SEND_SORT), "claimedAt", number(now),
                    "messageId", AttributeValue.fromS("m-1"), "seq", number(1), "expiresAt", number(now / 1000 + 3_600));
            Map<String, AttributeValue> counter = Map.of("pk", AttributeValue.fromS("ROOM#r"),
                    "sk", AttributeValue.fromS(SwitchboardTable.COUNTER), "seq", number(1), "allocatedAt", number(now),
                    "allocatedBy", AttributeValue.fromS("token"));
            Map<String, AttributeValue> size = Map.of("pk", AttributeValue.fromS("ROOM#r"),
                    "sk", AttributeValue.fromS(SwitchboardTable.SIZE), "over", number(100), "checkedAt", number(now),
                    "expiresAt", number(now / 1000 + 61));
            checksum = Long.parseLong(message.get("ts").n()) + Long.parseLong(claim.get("seq").n())
                    + Long.parseLong(counter.get("seq").n()) + Long.parseLong(size.get("over").n());
        }
        System.out.printf(Locale.ROOT, "{\"variant\":\"%s\",\"first_mapping_ms\":%.2f,\"checksum\":%d}%n", variant,
                (System.nanoTime() - start) / 1e6, checksum);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
