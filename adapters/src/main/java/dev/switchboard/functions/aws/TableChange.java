package dev.switchboard.functions.aws;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One change of the table as its DynamoDB stream reports it, in the SDK's own attribute model: what the Lambda
 * event source hands the events function and what the local stack reads with {@code DynamoDbStreamsClient}, made
 * alike so that {@link TableEvents} translates both the same way.
 *
 * @param eventId             the stream record's id, unique per change (consumers drop repeats by it)
 * @param kind                what happened to the row
 * @param keys                the row's primary key
 * @param newImage            the row after the change; empty for a removal
 * @param oldImage            the row before the change; empty for an insert
 * @param sequenceNumber      the record's position in its shard: changes of one row come in this order
 * @param approximateCreation when the change was made, as the stream saw it (second precision in Lambda events)
 * @param expired             removed by the table's time to live, not by Switchboard
 */
public record TableChange(String eventId, Kind kind, Map<String, AttributeValue> keys,
                          Map<String, AttributeValue> newImage, Map<String, AttributeValue> oldImage,
                          String sequenceNumber, Instant approximateCreation, boolean expired) {

    /** The stream's event names. */
    public enum Kind { INSERT, MODIFY, REMOVE }

    /** The principal DynamoDB names as the remover of a row its time to live deleted. */
    public static final String TTL_PRINCIPAL = "dynamodb.amazonaws.com";

    public TableChange {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(kind, "kind");
        keys = Map.copyOf(keys);
        newImage = newImage == null ? Map.of() : Map.copyOf(newImage);
        oldImage = oldImage == null ? Map.of() : Map.copyOf(oldImage);
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        Objects.requireNonNull(approximateCreation, "approximateCreation");
    }

    /** The row's partition key, or an error naming what is missing. */
    String partitionKey() {
        return string(keys, SwitchboardTable.PARTITION_KEY);
    }

    String sortKey() {
        return string(keys, SwitchboardTable.SORT_KEY);
    }

    /** The row as it is now, or as it was when it was removed. */
    Map<String, AttributeValue> row() {
        return kind == Kind.REMOVE ? oldImage : newImage;
    }

    static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null || value.s() == null) {
            throw new IllegalArgumentException("no string attribute " + name);
        }
        return value.s();
    }

    static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null || value.n() == null) {
            throw new IllegalArgumentException("no number attribute " + name);
        }
        try {
            return Long.parseLong(value.n());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("attribute " + name + " is not a whole number");
        }
    }
}
