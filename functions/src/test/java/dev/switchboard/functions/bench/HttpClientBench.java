package dev.switchboard.functions.bench;

import dev.switchboard.core.Broadcaster;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Sender;
import dev.switchboard.functions.aws.ManagementApiSender;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiAsyncClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/**
 * One fresh-JVM measurement of an HTTP client for {@code @connections}: time to build the client and complete
 * the first POST (the cold-start cost a Lambda pays), then throughput of a broadcast through the
 * {@link Broadcaster}. Run by {@code scripts/bench-http-client.sh}, which starts the fake API in another JVM and
 * repeats each variant. Not a test: numbers go to docs/performance.md.
 *
 * <p>Arguments: {@code variant endpoint posts inFlight}; variant is url-connection, apache, crt-sync, crt-async.
 */
public final class HttpClientBench {

    private HttpClientBench() {
    }

    public static void main(String[] args) {
        String variant = args[0];
        URI endpoint = URI.create(args[1]);
        int posts = Integer.parseInt(args[2]);
        int inFlight = Integer.parseInt(args[3]);
        byte[] payload = "{\"type\":\"message\",\"room\":\"bench\",\"data\":\"x\"}".getBytes(StandardCharsets.UTF_8);

        long start = System.nanoTime();
        Sender sender = sender(variant, endpoint);
        if (sender.send("first", payload) != SendOutcome.DELIVERED) {
            throw new IllegalStateException("first post failed");
        }
        double firstPostMs = (System.nanoTime() - start) / 1e6;
        double uptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();

        List<String> ids = IntStream.range(0, posts).mapToObj(i -> "c" + i).toList();
        Broadcaster broadcaster = new Broadcaster(sender, new InMemoryConnectionStore(), inFlight,
                new RetryPolicy(1, Duration.ZERO, Duration.ZERO));
        long t0 = System.nanoTime();
        int delivered = broadcaster.broadcast(ids, payload).delivered();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (delivered != posts) {
            throw new IllegalStateException("delivered " + delivered + " of " + posts);
        }
        System.out.printf(Locale.ROOT,
                "{\"variant\":\"%s\",\"first_post_ms\":%.1f,\"jvm_uptime_at_first_post_ms\":%.0f,"
                        + "\"posts\":%d,\"in_flight\":%d,\"posts_per_second\":%.0f}%n",
                variant, firstPostMs, uptimeMs, posts, inFlight, posts / seconds);
        System.exit(0);
    }

    private static Sender sender(String variant, URI endpoint) {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create("bench", "bench"));
        return switch (variant) {
            case "url-connection" -> new ManagementApiSender(sync(UrlConnectionHttpClient.builder(), endpoint,
                    credentials));
            case "apache" -> new ManagementApiSender(sync(ApacheHttpClient.builder(), endpoint, credentials));
            case "crt-sync" -> new ManagementApiSender(sync(AwsCrtHttpClient.builder(), endpoint, credentials));
            case "crt-async" -> asyncSender(endpoint, credentials);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        };
    }

    private static ApiGatewayManagementApiClient sync(software.amazon.awssdk.http.SdkHttpClient.Builder<?> http,
                                                      URI endpoint, StaticCredentialsProvider credentials) {
        return ApiGatewayManagementApiClient.builder().httpClientBuilder(http).endpointOverride(endpoint)
                .region(Region.US_EAST_1).credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    /** The async client with CRT, blocking per call on a virtual thread, as the broadcaster drives it. */
    private static Sender asyncSender(URI endpoint, StaticCredentialsProvider credentials) {
        ApiGatewayManagementApiAsyncClient client = ApiGatewayManagementApiAsyncClient.builder()
                .httpClientBuilder(AwsCrtAsyncHttpClient.builder().maxConcurrency(256))
                .endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        return (id, payload) -> {
            try {
                client.postToConnection(r -> r.connectionId(id).data(SdkBytes.fromByteArrayUnsafe(payload))).join();
                return SendOutcome.DELIVERED;
            } catch (CompletionException e) {
                return SendOutcome.TRANSIENT_FAILURE;
            }
        };
    }
}
