package dev.switchboard.functions.aws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ProtocolException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the table's changes mean to an application: the one translation from stream records to events, used by the
 * events function in AWS and by the local stack alike. Rows are recognised by {@link SwitchboardTable}'s keys:
 *
 * <table>
 *   <caption>rows and their events</caption>
 *   <tr><th>row</th><th>inserted</th><th>removed</th></tr>
 *   <tr><td>{@code HIST#<room> / <seq>}</td><td>{@value #MESSAGE_PUBLISHED}</td><td>(history expiring: none)</td></tr>
 *   <tr><td>{@code ROOM#<room>[#<shard>] / CONN#<id>}</td><td>{@value #MEMBER_JOINED}</td>
 *       <td>{@value #MEMBER_LEFT}</td></tr>
 *   <tr><td>{@code CONN#<id> / META}</td><td>{@value #CONNECTION_OPENED}</td><td>{@value #CONNECTION_CLOSED}</td></tr>
 * </table>
 *
 * Every other change (counters, idempotency records, a user's list of connections, a connection's rooms or frame
 * count changing in place) means nothing here; {@link #FILTER_PATTERNS} keeps them from invoking anything at all.
 * Direct messages are not stored, so they make no event.
 *
 * <pre>{@code
 * Optional<SwitchboardEvent> event = TableEvents.translate(change);   // empty for a row that means nothing
 * }</pre>
 */
public final class TableEvents {

    /** The {@code source} of the events unless the deployment names another. */
    public static final String DEFAULT_SOURCE = "switchboard";

    public static final String MESSAGE_PUBLISHED = "message.published";
    public static final String MEMBER_JOINED = "member.joined";
    public static final String MEMBER_LEFT = "member.left";
    public static final String CONNECTION_OPENED = "connection.opened";
    public static final String CONNECTION_CLOSED = "connection.closed";

    /**
     * Lambda event filter patterns that let exactly the changes {@link #translate} turns into events invoke the
     * events function: the function is not invoked (nor billed) for anything else.
     */
    public static final List<String> FILTER_PATTERNS = List.of(
            pattern("[\"INSERT\"]", keyPrefix(SwitchboardTable.HISTORY), null),
            pattern("[\"INSERT\",\"REMOVE\"]", keyPrefix(SwitchboardTable.ROOM),
                    keyPrefix(SwitchboardTable.CONNECTION)),
            pattern("[\"INSERT\",\"REMOVE\"]", keyPrefix(SwitchboardTable.CONNECTION),
                    "{\"S\":[\"" + SwitchboardTable.META + "\"]}"));

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private TableEvents() {
    }

    /**
     * The event a change means, if any.
     *
     * @throws IllegalArgumentException for a row that should make an event but lacks what the event needs (a row
     *                                  Switchboard did not write): it is reported rather than skipped
     */
    public static Optional<SwitchboardEvent> translate(TableChange change) {
        String pk = change.partitionKey();
        String sk = change.sortKey();
        boolean inserted = change.kind() == TableChange.Kind.INSERT;
        boolean removed = change.kind() == TableChange.Kind.REMOVE;
        if (pk.startsWith(SwitchboardTable.HISTORY) && inserted) {
            return Optional.of(message(change, SwitchboardTable.roomOfHistoryKey(pk), sk));
        }
        if (pk.startsWith(SwitchboardTable.ROOM) && sk.startsWith(SwitchboardTable.CONNECTION)
                && (inserted || removed)) {
            return Optional.of(membership(change, SwitchboardTable.roomOfMemberKey(pk),
                    SwitchboardTable.connectionIdOf(sk), inserted));
        }
        if (pk.startsWith(SwitchboardTable.CONNECTION) && sk.equals(SwitchboardTable.META) && (inserted || removed)) {
            return Optional.of(connection(change, SwitchboardTable.connectionIdOf(pk), inserted));
        }
        return Optional.empty();
    }

    private static SwitchboardEvent message(TableChange change, String room, String sortKey) {
        Map<String, AttributeValue> row = change.row();
        long seq;
        try {
            seq = Long.parseLong(sortKey);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a history row's sort key is not a sequence number");
        }
        long ts = TableChange.number(row, MessageItem.TS);
        String data;
        try {
            data = FrameCodec.requireJsonValue(TableChange.string(row, MessageItem.DATA));
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("a history row's data is not one JSON value: " + e.getMessage());
        }
        String id = TableChange.string(row, MessageItem.MESSAGE_ID);
        String from = TableChange.string(row, MessageItem.FROM);
        Instant at = Instant.ofEpochMilli(ts);
        return new SwitchboardEvent(MESSAGE_PUBLISHED, at, detail(change, at, g -> {
            g.writeStringField("room", room);
            g.writeNumberField("seq", seq);
            g.writeStringField("id", id);
            g.writeStringField("from", from);
            g.writeFieldName("data");
            g.writeRawValue(data);
            g.writeNumberField("ts", ts);
        }));
    }

    private static SwitchboardEvent membership(TableChange change, String room, String connectionId,
                                               boolean joined) {
        String user = TableChange.string(change.row(), ConnectionItem.USER_ID);
        Instant at = change.approximateCreation();
        return new SwitchboardEvent(joined ? MEMBER_JOINED : MEMBER_LEFT, at, detail(change, at, g -> {
            g.writeStringField("room", room);
            g.writeStringField("user", user);
            g.writeStringField("connectionId", connectionId);
            if (!joined) {
                g.writeBooleanField("expired", change.expired());
            }
        }));
    }

    private static SwitchboardEvent connection(TableChange change, String connectionId, boolean opened) {
        Map<String, AttributeValue> row = change.row();
        String user = TableChange.string(row, ConnectionItem.USER_ID);
        long connectedAt = TableChange.number(row, ConnectionItem.CONNECTED_AT);
        Instant at = opened ? Instant.ofEpochMilli(connectedAt) : change.approximateCreation();
        return new SwitchboardEvent(opened ? CONNECTION_OPENED : CONNECTION_CLOSED, at, detail(change, at, g -> {
            g.writeStringField("connectionId", connectionId);
            g.writeStringField("user", user);
            g.writeNumberField("connectedAt", connectedAt);
            if (!opened) {
                g.writeBooleanField("expired", change.expired());
            }
        }));
    }

    /** Writes one field after another; an interface of its own so the lambdas may throw what the generator does. */
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /** The detail object: the event's own fields, then when it happened and where it sits in the stream. */
    private static String detail(TableChange change, Instant at, Fields fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeStringField("at", at.toString());
            g.writeStringField("eventId", change.eventId());
            g.writeStringField("streamSequence", change.sequenceNumber());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A text as a JSON string literal, quotes included. */
    static String quote(String text) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String keyPrefix(String prefix) {
        return "{\"S\":[{\"prefix\":\"" + prefix + "\"}]}";
    }

    private static String pattern(String eventNames, String partitionKey, String sortKey) {
        return "{\"eventName\":" + eventNames + ",\"dynamodb\":{\"Keys\":{\"" + SwitchboardTable.PARTITION_KEY + "\":"
                + partitionKey + (sortKey == null ? "" : ",\"" + SwitchboardTable.SORT_KEY + "\":" + sortKey) + "}}}";
    }
}
