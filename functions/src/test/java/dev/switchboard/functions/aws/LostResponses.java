package dev.switchboard.functions.aws;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * An HTTP client in front of DynamoDB Local that loses the answer to the first attempt of every write: DynamoDB
 * executes it, the caller sees a timeout, and the SDK retries it as it would in Lambda. Shows which writes are safe
 * to repeat.
 */
final class LostResponses implements SdkHttpClient {

    private static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
            "TransactWriteItems");

    private final SdkHttpClient delegate = UrlConnectionHttpClient.create();
    private final AtomicInteger lost = new AtomicInteger();

    /** A client of DynamoDB Local, with the SDK's default retries, whose writes' first answers are lost. */
    static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder()
                .endpointOverride(LocalDynamoDb.client().serviceClientConfiguration().endpointOverride().orElseThrow())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(new LostResponses())
                .build();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        ExecutableHttpRequest executed = delegate.prepareRequest(request);
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("");
        boolean firstAttempt = request.httpRequest().firstMatchingHeader("amz-sdk-request")
                .map(value -> value.startsWith("attempt=1;")).orElse(true);
        if (!firstAttempt || !WRITES.contains(target.substring(target.indexOf('.') + 1))) {
            return executed;
        }
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                HttpExecuteResponse response = executed.call();
                if (response.responseBody().isPresent()) {
                    try (InputStream body = response.responseBody().get()) {
                        body.readAllBytes();
                    }
                }
                lost.incrementAndGet();
                throw new SocketTimeoutException("Read timed out (the write was executed)");
            }

            @Override
            public void abort() {
                executed.abort();
            }
        };
    }

    @Override
    public String clientName() {
        return "LostResponses";
    }

    @Override
    public void close() {
        delegate.close();
    }
}
