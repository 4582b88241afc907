package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.protocol.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GetConnectionResponse;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PayloadTooLargeException;

/**
 * The SDK's {@code @connections} client sees the same API whether its requests go over HTTP to the gateway's port
 * or are handed to the gateway in-process (the local stack's default for its handlers): 200, GET's description,
 * DELETE closing the socket, 410 GoneException and 413 PayloadTooLargeException as the SDK's own exceptions.
 */
class InProcessManagementApiTest {

    private final BlockingQueue<JsonNode> connects = new LinkedBlockingQueue<>();
    private GatewayServer gateway;
    private ApiGatewayManagementApiClient client;

    @AfterEach
    void stop() {
        client.close();
        gateway.close();
    }

    private void start(String transport, Duration postLatency) {
        gateway = GatewayServer.start(EmulatorConfig.builder().port(0).postLatency(postLatency).build(),
                Integrations.builder()
                        .route(Route.CONNECT, json -> {
                            try {
                                connects.add(Integrations.JSON.readTree(json));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            return "{\"statusCode\":200}";
                        })
                        .route(Route.DISCONNECT, json -> "{\"statusCode\":200}")
                        .build());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        if (transport.equals("http")) {
            client = AwsClients.managementApi(gateway.managementEndpoint(), Region.US_EAST_1, credentials);
        } else {
            InProcessManagementApi inProcess = new InProcessManagementApi(gateway.config().stage());
            inProcess.attach(gateway.managementApi());
            client = AwsClients.managementApi(gateway.managementEndpoint(), Region.US_EAST_1, credentials, inProcess);
        }
    }

    private String lastConnectionId() throws InterruptedException {
        JsonNode connect = connects.poll(10, TimeUnit.SECONDS);
        assertThat(connect).as("a $connect").isNotNull();
        return connect.path("requestContext").path("connectionId").asText();
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-process", "http"})
    void postGetAndDeleteThroughTheSdk(String transport) throws InterruptedException {
        start(transport, Duration.ZERO);
        try (TestSocket socket = TestSocket.open(gateway.webSocketUrl())) {
            String id = lastConnectionId();

            client.postToConnection(r -> r.connectionId(id).data(SdkBytes.fromUtf8String("{\"hi\":\"ü\"}")));
            assertThat(socket.next()).isEqualTo("{\"hi\":\"ü\"}");

            GetConnectionResponse info = client.getConnection(r -> r.connectionId(id));
            assertThat(info.connectedAt()).isNotNull();
            assertThat(info.identity().sourceIp()).isEqualTo("127.0.0.1");

            client.deleteConnection(r -> r.connectionId(id));
            assertThat(socket.closeStatus()).isEqualTo(1000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-process", "http"})
    void goneAndTooLargeAreTheSdksExceptions(String transport) throws InterruptedException {
        start(transport, Duration.ZERO);
        assertThatThrownBy(() -> client.postToConnection(r -> r.connectionId("NoSuchConnId0=")
                .data(SdkBytes.fromUtf8String("x"))))
                .isInstanceOfSatisfying(GoneException.class, e -> assertThat(e.statusCode()).isEqualTo(410));
        try (TestSocket socket = TestSocket.open(gateway.webSocketUrl())) {
            String id = lastConnectionId();
            assertThatThrownBy(() -> client.postToConnection(r -> r.connectionId(id)
                    .data(SdkBytes.fromUtf8String("x".repeat(128 * 1024 + 1)))))
                    .isInstanceOfSatisfying(PayloadTooLargeException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(413));
            client.postToConnection(r -> r.connectionId(id).data(SdkBytes.fromUtf8String("x".repeat(128 * 1024))));
            assertThat(socket.next()).hasSize(128 * 1024);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-process", "http"})
    void aDeliveredPostIsAnsweredAfterThePostLatency(String transport) throws InterruptedException {
        start(transport, Duration.ofMillis(300));
        try (TestSocket socket = TestSocket.open(gateway.webSocketUrl())) {
            String id = lastConnectionId();
            long start = System.nanoTime();
            client.postToConnection(r -> r.connectionId(id).data(SdkBytes.fromUtf8String("late")));
            // A lower bound only: the answer may never come sooner than the latency, however fast the machine.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(socket.next()).isEqualTo("late");
        }
    }
}
