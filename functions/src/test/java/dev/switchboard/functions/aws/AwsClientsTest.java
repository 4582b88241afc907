package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.config.EnvNames;
import dev.switchboard.functions.config.FunctionConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The functions' SDK clients against a DynamoDB or API Gateway endpoint that fails or hangs (a local HTTP server, the
 * real SDK client): a slow or failing service costs each call a bounded number of attempts and a bounded time, and
 * failures in numbers stop the retries altogether, so the calls reaching it do not multiply exactly when it
 * struggles.
 */
class AwsClientsTest {

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private DynamoDbClient dynamoDbAnsweredBy(HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            handler.handle(exchange);
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return AwsClients.dynamoDb(FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, "t", EnvNames.REGION, "us-east-1",
                EnvNames.DYNAMODB_ENDPOINT, "http://127.0.0.1:" + server.getAddress().getPort())), CREDENTIALS);
    }

    private ApiGatewayManagementApiClient managementApiAnsweredBy(HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            handler.handle(exchange);
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return AwsClients.managementApi(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/local"),
                Region.US_EAST_1, CREDENTIALS);
    }

    private static void answer500(HttpExchange exchange) throws IOException {
        byte[] body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"struggling\"}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(500, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Test
    void aFailingCallIsTriedAtMostThreeTimes() throws Exception {
        try (DynamoDbClient dynamoDb = dynamoDbAnsweredBy(AwsClientsTest::answer500)) {
            for (int i = 0; i < 10; i++) {
                assertThatThrownBy(() -> dynamoDb.getItem(r -> r.tableName("t").key(Map.of())))
                        .isInstanceOf(SdkException.class);
            }
        }

        // DynamoDB's legacy default would have made 9 attempts of each: 90 requests.
        assertThat(requests.get()).isEqualTo(10 * AwsClients.MAX_ATTEMPTS);
    }

    @Test
    void failuresInNumbersStopTheRetriesAltogether() throws Exception {
        int calls = 300;
        try (DynamoDbClient dynamoDb = dynamoDbAnsweredBy(AwsClientsTest::answer500);
             ExecutorService callers = Executors.newFixedThreadPool(30)) {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                results.add(callers.submit(() -> dynamoDb.getItem(r -> r.tableName("t").key(Map.of()))));
            }
            for (Future<?> result : results) {
                assertThatThrownBy(result::get).hasCauseInstanceOf(SdkException.class);
            }
        }

        // The standard retry bucket holds 500 tokens and a retry costs 5: after 100 retries, none until calls
        // succeed again.
        assertThat(requests.get() - calls).as("retries").isLessThanOrEqualTo(100);
    }

    @Test
    void aGatewayThatDoesNotAnswerCostsAPostOneAttemptCutOffAtTheAttemptTimeout() throws Exception {
        try (ApiGatewayManagementApiClient gateway = managementApiAnsweredBy(exchange -> {
            try {
                Thread.sleep(AwsClients.CALL_TIMEOUT.multipliedBy(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        })) {
            // The broadcaster retries posts itself, with jitter, within the invocation's deadline: the SDK must not.
            assertThatThrownBy(() -> gateway.postToConnection(r -> r.connectionId("c1")
                    .data(SdkBytes.fromUtf8String("{}"))))
                    .isInstanceOf(ApiCallTimeoutException.class);
        }

        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void aTableThatDoesNotAnswerCostsACallAtMostThreeAttemptsAndEndsIt() throws Exception {
        try (DynamoDbClient dynamoDb = dynamoDbAnsweredBy(exchange -> {
            try {
                Thread.sleep(AwsClients.CALL_TIMEOUT.multipliedBy(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        })) {
            assertThatThrownBy(() -> dynamoDb.getItem(r -> r.tableName("t").key(Map.of())))
                    .isInstanceOf(ApiCallTimeoutException.class);
        }

        assertThat(requests.get()).isBetween(1, AwsClients.MAX_ATTEMPTS);
    }
}
