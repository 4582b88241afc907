package dev.switchboard.functions.aws;

import dev.switchboard.functions.config.FunctionConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the SDK clients the functions use, once per container. All use the JDK's URL connection HTTP client
 * (smallest and quickest to start; see docs/performance.md), never the SDK's Apache or Netty clients.
 *
 * <p>Each client has a budget a slow service cannot multiply: every attempt is cut off after
 * {@link #ATTEMPT_TIMEOUT} and every call after {@link #CALL_TIMEOUT}, and the DynamoDB and SQS clients retry in the
 * SDK's standard mode, at most {@link #MAX_ATTEMPTS} attempts, spending tokens of a bucket that failures drain (the
 * circuit breaker: once it is empty, nothing is retried until successes refill it). Without that, DynamoDB's legacy
 * default of up to 9 attempts of up to 5 s each would turn a slow table into a tide of repeated calls that takes the
 * whole Lambda timeout. The management API client does not retry at all: the broadcaster retries with jitter.
 */
public final class AwsClients {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);
    /** One attempt of an SDK call; DynamoDB, SQS and API Gateway answer in milliseconds when healthy. */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    /** One SDK call, its retries and their backoff included: well inside API Gateway's 29 s integration timeout. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** Attempts of one DynamoDB or SQS call, the first included. */
    public static final int MAX_ATTEMPTS = 3;

    private AwsClients() {
    }

    public static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT)
                .build();
    }

    public static DynamoDbClient dynamoDb(FunctionConfig config, AwsCredentialsProvider credentials) {
        return dynamoDb(config, credentials, httpClient());
    }

    /**
     * The same over a given HTTP client, with the SDK's own retries as in Lambda: a test puts a fault-injecting
     * client in front of DynamoDB Local to see what those retries absorb and what reaches the handlers.
     */
    public static DynamoDbClient dynamoDb(FunctionConfig config, AwsCredentialsProvider credentials,
                                          SdkHttpClient httpClient) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(httpClient)
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(AwsClients::retryingWithinBudget);
        config.dynamoDbEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** An SQS client in the function's region (the fan-out queue). */
    public static SqsClient sqs(FunctionConfig config, AwsCredentialsProvider credentials) {
        return SqsClient.builder()
                .httpClient(httpClient())
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(AwsClients::retryingWithinBudget)
                .build();
    }

    /**
     * An EventBridge client in the given region, retrying within the same budget; {@code endpoint} overrides AWS's
     * (a local EventBridge for tests).
     */
    public static EventBridgeClient eventBridge(String region, AwsCredentialsProvider credentials,
                                                Optional<URI> endpoint) {
        EventBridgeClientBuilder builder = EventBridgeClient.builder()
                .httpClient(httpClient())
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .overrideConfiguration(AwsClients::retryingWithinBudget);
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * Standard-mode retries (throttling and transient errors only), at most {@link #MAX_ATTEMPTS} attempts, drawn
     * from the retry token bucket, with attempt and call timeouts.
     */
    private static void retryingWithinBudget(ClientOverrideConfiguration.Builder override) {
        override.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(MAX_ATTEMPTS)
                        .circuitBreakerEnabled(true)
                        .build())
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(CALL_TIMEOUT);
    }

    /**
     * A management API client for one stage's endpoint, without SDK retries: the broadcaster retries with full
     * jitter, and retrying in both places would multiply load exactly when the gateway throttles.
     */
    public static ApiGatewayManagementApiClient managementApi(URI endpoint, Region region,
                                                              AwsCredentialsProvider credentials) {
        return managementApi(endpoint, region, credentials, httpClient());
    }

    /** The same over a given HTTP client (the local stack's, which hands requests to its emulator in-process). */
    public static ApiGatewayManagementApiClient managementApi(URI endpoint, Region region,
                                                              AwsCredentialsProvider credentials,
                                                              SdkHttpClient httpClient) {
        return ApiGatewayManagementApiClient.builder()
                .httpClient(httpClient)
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                        .apiCallTimeout(ATTEMPT_TIMEOUT))
                .build();
    }
}
