package com.example.supportdesk;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The desk's tickets, one DynamoDB item each ({@code ticket} is the key). The desk's own table, not Switchboard's:
 * Switchboard knows rooms and users, the desk knows which users a ticket's room is for.
 *
 * <pre>{@code
 * Tickets tickets = new Tickets(dynamoDb, "support-desk-tickets");
 * tickets.open(new Ticket("42", "carol", "dave", true));
 * tickets.find("42");   // Optional[Ticket[id=42, customer=carol, agent=dave, open=true]]
 * }</pre>
 */
public final class Tickets {

    static final String KEY = "ticket";
    private static final String CUSTOMER = "customer";
    private static final String AGENT = "agent";
    private static final String STATUS = "status";
    private static final String OPEN = "OPEN";
    private static final String CLOSED = "CLOSED";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public Tickets(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** Files a new ticket; throws {@link DeskException} {@code TICKET_EXISTS} if the id is taken. */
    public void open(Ticket ticket) {
        try {
            dynamoDb.putItem(put -> put.tableName(table)
                    .item(Map.of(KEY, s(ticket.id()), CUSTOMER, s(ticket.customer()), AGENT, s(ticket.agent()),
                            STATUS, s(ticket.open() ? OPEN : CLOSED)))
                    .conditionExpression("attribute_not_exists(#k)")
                    .expressionAttributeNames(Map.of("#k", KEY)));
        } catch (ConditionalCheckFailedException e) {
            throw new DeskException("TICKET_EXISTS", "ticket " + ticket.id() + " exists already");
        }
    }

    /** The ticket, read consistently (a join right after a close must see the close). */
    public Optional<Ticket> find(String id) {
        Map<String, AttributeValue> item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true)
                .key(Map.of(KEY, s(id)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Ticket(id, item.get(CUSTOMER).s(), item.get(AGENT).s(),
                OPEN.equals(item.get(STATUS).s())));
    }

    /**
     * Marks the ticket closed if it is open and the agent is its agent; false if it was closed already. The
     * condition makes two closes of one ticket, or a close racing a reassignment, safe.
     */
    public boolean close(String id, String agent) {
        try {
            dynamoDb.updateItem(update -> update.tableName(table).key(Map.of(KEY, s(id)))
                    .updateExpression("SET #s = :closed")
                    .conditionExpression("#a = :agent AND #s = :open")
                    .expressionAttributeNames(Map.of("#s", STATUS, "#a", AGENT))
                    .expressionAttributeValues(Map.of(":closed", s(CLOSED), ":open", s(OPEN), ":agent", s(agent))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Creates the table (on-demand, as the CDK app does): for DynamoDB Local on a laptop and in tests. */
    public static void createTable(DynamoDbClient dynamoDb, String table) {
        dynamoDb.createTable(create -> create.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(KEY)
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build()));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
