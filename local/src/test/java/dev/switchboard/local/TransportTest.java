package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The stack's handlers reach DynamoDB Local in-process by default and through the SDK's HTTP client with
 * {@code --dynamodb-transport http}: both ways serve the same protocol, and what the handlers write is what the HTTP
 * endpoint shows (the AWS CLI and the tests read the table there). The HTTP run keeps the SDK's real transport
 * covered end to end.
 */
class TransportTest {

    @ParameterizedTest
    @ValueSource(strings = {"in-process", "http"})
    void connectJoinSendPresenceAndDisconnectWorkTheSameWayOverEitherTransport(String transport) {
        try (LocalRuntime stack = LocalRuntime.start(LocalRuntimeOptions.parse("--port", "0", "--transport",
                transport));
             DynamoDbClient table = DynamoDbClient.builder().endpointOverride(stack.dynamoDbEndpoint())
                     .region(Region.US_EAST_1).httpClient(UrlConnectionHttpClient.create())
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("cli", "x")))
                     .build();
             TestSocket alice = TestSocket.open(stack.webSocketUrl())) {
            int rowsBefore;
            try (TestSocket bob = TestSocket.open(stack.webSocketUrl())) {
                alice.send("{\"action\":\"join\",\"room\":\"both-ways\",\"id\":\"j1\"}").next("\"ack\"");
                bob.send("{\"action\":\"join\",\"room\":\"both-ways\",\"id\":\"j2\"}").next("\"ack\"");
                alice.send("{\"action\":\"send\",\"room\":\"both-ways\",\"data\":\"hello\",\"id\":\"s1\"}");
                assertThat(bob.next("\"hello\"")).contains("\"seq\":1");
                assertThat(alice.send("{\"action\":\"presence\",\"room\":\"both-ways\",\"id\":\"p1\"}")
                        .next("\"type\":\"presence\"")).contains("\"connections\":1}").containsPattern(
                        "\"members\":\\[\\{[^]]*\\},\\{[^]]*\\}\\]");
                rowsBefore = table.scan(r -> r.tableName(stack.table())).count();
                assertThat(rowsBefore).as("the handlers' rows, read over HTTP").isPositive();
            }
            // Bob's $disconnect removes his connection and membership rows, as the HTTP endpoint shows.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(table.scan(r -> r.tableName(stack.table())).count()).isLessThan(rowsBefore));
            assertThat(alice.send("{\"action\":\"presence\",\"room\":\"both-ways\",\"id\":\"p2\"}")
                    .next("\"id\":\"p2\"")).containsPattern("\"members\":\\[\\{[^]]*\\}\\]");
        }
    }
}
