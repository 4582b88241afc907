package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.switchboard.functions.aws.SwitchboardTable;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.dynamodb.services.local.monitoring.Telemetry;

/** One DynamoDB Local, two ways in: the in-process client and the HTTP endpoint see one database. */
class DynamoDbLocalServerTest {

    private static final String TABLE = "server-test";
    private static DynamoDbLocalServer server;
    private static DynamoDbClient overHttp;

    @BeforeAll
    static void start() {
        server = DynamoDbLocalServer.start(Optional.empty());
        // Credentials and region unlike the in-process client's: the database is shared all the same.
        overHttp = DynamoDbClient.builder().endpointOverride(server.endpoint()).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("someone", "else")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        SwitchboardTable.createIfMissing(server.inProcessClient(), TABLE);
    }

    @AfterAll
    static void stop() {
        overHttp.close();
        server.close();
    }

    @Test
    void rowsWrittenInProcessAreReadOverHttpAndTheOtherWayRound() {
        server.inProcessClient().putItem(r -> r.tableName(TABLE).item(row("written-in-process", "1")));
        overHttp.putItem(r -> r.tableName(TABLE).item(row("written-over-http", "2")));

        assertThat(overHttp.getItem(r -> r.tableName(TABLE).key(key("written-in-process"))).item())
                .containsEntry("v", AttributeValue.fromS("1"));
        assertThat(server.inProcessClient().getItem(r -> r.tableName(TABLE).key(key("written-over-http"))).item())
                .containsEntry("v", AttributeValue.fromS("2"));
    }

    @Test
    void aFailedConditionIsTheSdksExceptionInProcessAsOverHttp() {
        server.inProcessClient().putItem(r -> r.tableName(TABLE).item(row("taken", "1")));

        for (DynamoDbClient client : new DynamoDbClient[] {server.inProcessClient(), overHttp}) {
            assertThatThrownBy(() -> client.putItem(r -> r.tableName(TABLE).item(row("taken", "2"))
                    .conditionExpression("attribute_not_exists(pk)")))
                    .isInstanceOf(ConditionalCheckFailedException.class)
                    .satisfies(e -> assertThat(((ConditionalCheckFailedException) e).statusCode()).isEqualTo(400));
        }
    }

    @Test
    void aCancelledTransactionCarriesItsReasonsInProcessAsOverHttp() {
        server.inProcessClient().putItem(r -> r.tableName(TABLE).item(row("claimed", "1")));
        TransactWriteItem conditional = TransactWriteItem.builder().put(Put.builder().tableName(TABLE)
                .item(row("claimed", "2")).conditionExpression("attribute_not_exists(pk)").build()).build();
        TransactWriteItem plain = TransactWriteItem.builder().put(Put.builder().tableName(TABLE)
                .item(row("other", "3")).build()).build();

        for (DynamoDbClient client : new DynamoDbClient[] {server.inProcessClient(), overHttp}) {
            assertThatThrownBy(() -> client.transactWriteItems(r -> r.transactItems(conditional, plain)))
                    .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
                        assertThat(e.hasCancellationReasons()).isTrue();
                        assertThat(e.cancellationReasons().get(0).code()).isEqualTo("ConditionalCheckFailed");
                        assertThat(e.cancellationReasons().get(1).code()).isEqualTo("None");
                    });
        }
        assertThat(overHttp.getItem(r -> r.tableName(TABLE).key(key("other"))).hasItem()).isFalse();
    }

    @Test
    void anUnknownTableIsResourceNotFoundInProcess() {
        assertThatThrownBy(() -> server.inProcessClient().describeTable(r -> r.tableName("no-such-table")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void itsHttpEndpointServesThisMachineOnly() {
        int port = server.endpoint().getPort();
        assertThat(NetworkAddresses.accepts(InetAddress.getLoopbackAddress(), port)).isTrue();
        List<InetAddress> network = NetworkAddresses.nonLoopback();
        assumeFalse(network.isEmpty(), "this machine has no address but loopback");

        // Anyone who can reach an address of this machine could otherwise read and write the stack's history.
        assertThat(network).noneMatch(address -> NetworkAddresses.accepts(address, port));
    }

    @Test
    void telemetryIsNeverSetUp() {
        // Set up, it would call Cognito and Pinpoint in AWS on every start.
        assertThat(Telemetry.getTelemetry()).isEmpty();
    }

    private static Map<String, AttributeValue> row(String pk, String value) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("META"), "v",
                AttributeValue.fromS(value));
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("META"));
    }
}
