package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.switchboard.functions.aws.TableChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB stream records as the Lambda runtime reads them (the events library's own attribute model), turned into
 * {@link TableChange}s in the SDK's model, which the translation shares with the local stack.
 */
final class StreamRecords {

    private StreamRecords() {
    }

    /**
     * One record as a change.
     *
     * @throws IllegalArgumentException when the record lacks what every stream record has (id, name, keys,
     *                                  sequence number)
     */
    static TableChange change(DynamodbEvent.DynamodbStreamRecord record) {
        StreamRecord stream = record.getDynamodb();
        if (record.getEventID() == null || record.getEventName() == null || stream == null || stream.getKeys() == null
                || stream.getSequenceNumber() == null) {
            throw new IllegalArgumentException("not a DynamoDB stream record");
        }
        TableChange.Kind kind;
        try {
            kind = TableChange.Kind.valueOf(record.getEventName().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown event name " + record.getEventName());
        }
        Instant created = stream.getApproximateCreationDateTime() == null ? Instant.EPOCH
                : stream.getApproximateCreationDateTime().toInstant();
        Identity identity = record.getUserIdentity();
        boolean expired = identity != null && TableChange.TTL_PRINCIPAL.equals(identity.getPrincipalId());
        return new TableChange(record.getEventID(), kind, item(stream.getKeys()), item(stream.getNewImage()),
                item(stream.getOldImage()), stream.getSequenceNumber(), created, expired);
    }

    private static Map<String, AttributeValue> item(
            Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> item) {
        if (item == null) {
            return Map.of();
        }
        Map<String, AttributeValue> converted = new LinkedHashMap<>();
        item.forEach((name, value) -> converted.put(name, value(value)));
        return converted;
    }

    private static AttributeValue value(com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue v) {
        if (v.getS() != null) {
            return AttributeValue.fromS(v.getS());
        }
        if (v.getN() != null) {
            return AttributeValue.fromN(v.getN());
        }
        if (v.getBOOL() != null) {
            return AttributeValue.fromBool(v.getBOOL());
        }
        if (v.getNULL() != null) {
            return AttributeValue.fromNul(v.getNULL());
        }
        if (v.getB() != null) {
            return AttributeValue.fromB(SdkBytes.fromByteBuffer(v.getB()));
        }
        if (v.getM() != null) {
            return AttributeValue.fromM(item(v.getM()));
        }
        if (v.getL() != null) {
            List<AttributeValue> list = new ArrayList<>();
            v.getL().forEach(element -> list.add(value(element)));
            return AttributeValue.fromL(list);
        }
        if (v.getSS() != null) {
            return AttributeValue.fromSs(v.getSS());
        }
        if (v.getNS() != null) {
            return AttributeValue.fromNs(v.getNS());
        }
        if (v.getBS() != null) {
            return AttributeValue.fromBs(v.getBS().stream().map(SdkBytes::fromByteBuffer).toList());
        }
        throw new IllegalArgumentException("an attribute value of no known type");
    }
}
