package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Rights;
import dev.switchboard.core.BroadcastResult;
import dev.switchboard.core.Broadcaster;
import dev.switchboard.core.CloseOutcome;
import dev.switchboard.core.Connection;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.SendOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/** The real SDK client, as the functions build it, against a local server playing {@code @connections}. */
class ManagementApiSenderTest {

    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5));
    private static final byte[] PAYLOAD = "{\"type\":\"message\",\"data\":\"héllo\"}".getBytes(StandardCharsets.UTF_8);

    private final FakeConnectionsApi api = new FakeConnectionsApi();
    private final ApiGatewayManagementApiClient client = AwsClients.managementApi(api.endpoint(), Region.US_EAST_1,
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret")));
    private final ManagementApiSender sender = new ManagementApiSender(client);
    private final InMemoryConnectionStore store = new InMemoryConnectionStore();

    @AfterEach
    void stop() {
        client.close();
        api.close();
    }

    @Test
    void postDeliversThePayloadBytesIntactAndSigned() {
        assertThat(sender.send("abc=", PAYLOAD)).isEqualTo(SendOutcome.DELIVERED);

        FakeConnectionsApi.Received request = api.received().getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.connectionId()).isEqualTo("abc=");
        assertThat(request.body()).isEqualTo(PAYLOAD);
        assertThat(request.authorization()).startsWith("AWS4-HMAC-SHA256 Credential=AKIDLOCAL/");
    }

    @Test
    void gatewayErrorsBecomeOutcomesWithoutSdkRetries() {
        api.script("gone", 410).script("big", 413).script("busy", 429).script("down", 503).script("nope", 403);

        assertThat(sender.send("gone", PAYLOAD)).isEqualTo(SendOutcome.GONE);
        assertThat(sender.send("big", PAYLOAD)).isEqualTo(SendOutcome.TOO_LARGE);
        assertThat(sender.send("busy", PAYLOAD)).isEqualTo(SendOutcome.THROTTLED);
        assertThat(sender.send("down", PAYLOAD)).isEqualTo(SendOutcome.TRANSIENT_FAILURE);
        assertThat(sender.send("nope", PAYLOAD)).isEqualTo(SendOutcome.PERMANENT_FAILURE);
        // One request each: the broadcaster owns retries, the SDK must not add its own.
        assertThat(api.received()).hasSize(5);
    }

    @Test
    void aCloseSaysWhetherTheGatewayClosedItFoundItGoneOrFailed() {
        api.script("gone", 410).script("busy", 429).script("down", 503);

        assertThat(sender.attemptClose("open")).isEqualTo(CloseOutcome.CLOSED);
        assertThat(sender.attemptClose("gone")).isEqualTo(CloseOutcome.ALREADY_GONE);
        assertThat(sender.attemptClose("busy")).isEqualTo(CloseOutcome.FAILED);
        assertThat(sender.attemptClose("down")).isEqualTo(CloseOutcome.FAILED);
        assertThat(api.received()).extracting(FakeConnectionsApi.Received::method).containsOnly("DELETE").hasSize(4);
        api.close();
        assertThat(sender.attemptClose("open")).isEqualTo(CloseOutcome.FAILED);
    }

    @Test
    void oversizePayloadIsTooLarge() {
        assertThat(sender.send("abc=", new byte[128 * 1024 + 1])).isEqualTo(SendOutcome.TOO_LARGE);
    }

    @Test
    void unreachableEndpointIsATransientFailure() {
        api.close();
        assertThat(sender.send("abc=", PAYLOAD)).isEqualTo(SendOutcome.TRANSIENT_FAILURE);
    }

    @Test
    void broadcastOverTheRealClientHandlesEveryOutcome() {
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>(IntStream.range(0, 200).mapToObj(i -> "ok-" + i).toList());
        ids.addAll(List.of("gone", "busy-then-ok", "flaky-then-ok", "big", "always-busy"));
        for (String id : ids) {
            store.register(new Connection(id, "u", now, "", now.plus(Duration.ofHours(3))));
            store.join(id, "room", Rights.ALL, 10);
        }
        api.script("gone", 410).script("busy-then-ok", 429, 200).script("flaky-then-ok", 500, 200)
                .script("big", 413).script("always-busy", 429);

        BroadcastResult result = new Broadcaster(sender, store, 16, FAST).broadcast(store.members("room"), PAYLOAD);

        assertThat(result.delivered()).isEqualTo(202);
        assertThat(result.gone()).isEqualTo(1);
        assertThat(result.tooLarge()).isEqualTo(1);
        assertThat(result.throttled()).isEqualTo(1);
        assertThat(store.find("gone")).as("a 410 prunes the connection").isEmpty();
        assertThat(store.members("room")).doesNotContain("gone").hasSize(204);
        assertThat(api.requestsFor("busy-then-ok")).isEqualTo(2);
        assertThat(api.requestsFor("always-busy")).isEqualTo(FAST.maxAttempts());
        assertThat(api.requestsFor("big")).isEqualTo(1);
        assertThat(api.requestsFor("gone")).isEqualTo(1);
    }

    @Test
    void broadcastKeepsPostsInFlightWithinTheBound() {
        api.latency(5);
        List<String> ids = IntStream.range(0, 120).mapToObj(i -> "c" + i).toList();

        BroadcastResult result = new Broadcaster(sender, store, 6, FAST).broadcast(ids, PAYLOAD);

        assertThat(result.delivered()).isEqualTo(120);
        assertThat(api.peakInFlight()).isBetween(2, 6);
    }
}
