package com.example.supportdesk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Transcripts of tickets: one item per room message, keyed by the ticket and the message's {@code seq}. Keyed by
 * {@code seq}, a message the event stream delivers twice is written twice to the same item, and one delivered out of
 * order still takes its place: reading by key gives the room's order.
 */
public final class Transcripts {

    static final String KEY = "ticket";
    static final String SORT = "seq";

    /** One line of a transcript: the room message as Switchboard numbered and stored it. */
    public record Line(String ticket, long seq, String from, String data, long ts) {
    }

    private final DynamoDbClient dynamoDb;
    private final String table;

    public Transcripts(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    public void put(Line line) {
        dynamoDb.putItem(put -> put.tableName(table).item(Map.of(
                KEY, AttributeValue.fromS(line.ticket()),
                SORT, AttributeValue.fromN(Long.toString(line.seq())),
                "from", AttributeValue.fromS(line.from()),
                "data", AttributeValue.fromS(line.data()),
                "ts", AttributeValue.fromN(Long.toString(line.ts())))));
    }

    /** A ticket's transcript in the room's order. */
    public List<Line> of(String ticket) {
        List<Line> lines = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamoDb.query(query -> query.tableName(table).consistentRead(true)
                    .keyConditionExpression("#k = :t")
                    .expressionAttributeNames(Map.of("#k", KEY))
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(ticket)))
                    .exclusiveStartKey(from));
            page.items().forEach(item -> lines.add(new Line(ticket, Long.parseLong(item.get(SORT).n()),
                    item.get("from").s(), item.get("data").s(), Long.parseLong(item.get("ts").n()))));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return lines;
    }

    /** Creates the table (on-demand, as the CDK app does): for DynamoDB Local on a laptop and in tests. */
    public static void createTable(DynamoDbClient dynamoDb, String table) {
        dynamoDb.createTable(create -> create.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(KEY).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(SORT).attributeType(ScalarAttributeType.N).build())
                .keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(SORT).keyType(KeyType.RANGE).build()));
    }
}
