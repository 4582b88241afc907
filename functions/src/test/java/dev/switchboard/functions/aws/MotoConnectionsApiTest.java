package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.BroadcastResult;
import dev.switchboard.core.Broadcaster;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.SendOutcome;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/**
 * {@code @connections} through the functions' client against moto's API Gateway Management API: posts through
 * {@link ManagementApiSender}, one by one and as a broadcast, and a DELETE. Not here, for moto lacks them (see
 * docs/testing.md, "The AWS adapters against moto"): the 410 and 413 answers, covered by
 * {@link ManagementApiSenderTest} and the local stack's parity tests, and GET, whose timestamps moto sends as
 * numbers the SDK cannot read.
 */
@MotoServer.RequiresMoto
class MotoConnectionsApiTest {

    private static final byte[] PAYLOAD = "{\"type\":\"message\",\"data\":\"héllo\"}".getBytes(StandardCharsets.UTF_8);

    private final ApiGatewayManagementApiClient client = MotoServer.shared().managementApi();
    private final ManagementApiSender sender = new ManagementApiSender(client);

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void aPostIsSignedAcceptedAndDelivered() {
        assertThat(sender.send("Abc123=", PAYLOAD)).isEqualTo(SendOutcome.DELIVERED);
    }

    @Test
    void deleteIsAccepted() {
        sender.send("Delete123=", PAYLOAD);

        assertThat(client.deleteConnection(r -> r.connectionId("Delete123=")).sdkHttpResponse().isSuccessful())
                .isTrue();
    }

    @Test
    void aBroadcastOverTheRealClientDeliversToEveryConnection() {
        InMemoryConnectionStore store = new InMemoryConnectionStore();
        List<String> ids = IntStream.range(0, 40).mapToObj(i -> "Fan" + i + "=").toList();

        BroadcastResult result = new Broadcaster(sender, store, 4, RetryPolicy.defaults()).broadcast(ids, PAYLOAD);

        assertThat(result.delivered()).isEqualTo(ids.size());
        assertThat(result.failed()).isZero();
    }
}
