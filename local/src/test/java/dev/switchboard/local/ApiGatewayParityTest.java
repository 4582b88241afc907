package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.functions.JwtAuthorizerHandler;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.protocol.Route;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of API Gateway that the emulator honours (the table in local/README.md), each named after its
 * rule, against the emulator with recording integrations that see the exact event JSON (as a stream handler
 * would).
 */
class ApiGatewayParityTest {

    private static final String SECRET = "parity-test-secret-of-at-least-32-bytes!";

    /** Integrations that record every event by route and answer as told. */
    private final Map<Route, BlockingQueue<JsonNode>> events = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger connectStatus = new AtomicInteger(200);
    private GatewayServer gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private Integrations.JsonFunction recording(Route route, String replyBody) {
        return json -> {
            try {
                events.computeIfAbsent(route, r -> new LinkedBlockingQueue<>()).add(Integrations.JSON.readTree(json));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            int status = route == Route.CONNECT ? connectStatus.get() : 200;
            return replyBody == null ? "{\"statusCode\":" + status + "}"
                    : "{\"statusCode\":200,\"body\":" + Integrations.JSON.getNodeFactory().textNode(replyBody) + "}";
        };
    }

    private Integrations.Builder allRoutes(boolean withDefault) {
        Integrations.Builder builder = Integrations.builder()
                .route(Route.CONNECT, recording(Route.CONNECT, null))
                .route(Route.DISCONNECT, recording(Route.DISCONNECT, null))
                .route(Route.JOIN, recording(Route.JOIN, "joined"))
                .route(Route.SEND, recording(Route.SEND, "sent"));
        if (withDefault) {
            builder.route(Route.DEFAULT, recording(Route.DEFAULT, "default"));
        }
        return builder;
    }

    private void start(Integrations integrations) {
        start(integrations, EmulatorConfig.builder().port(0).build());
    }

    private void start(Integrations integrations, EmulatorConfig config) {
        gateway = GatewayServer.start(config, integrations);
    }

    private JsonNode event(Route route) {
        try {
            JsonNode event = events.computeIfAbsent(route, r -> new LinkedBlockingQueue<>()).poll(10, TimeUnit.SECONDS);
            assertThat(event).as("an event on " + route.key()).isNotNull();
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String connectionIdOfLastConnect() {
        return event(Route.CONNECT).path("requestContext").path("connectionId").asText();
    }

    private HttpResponse<String> management(String method, String connectionId, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.managementEndpoint() + "/@connections/"
                        + connectionId))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return TestSocket.HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).join();
    }

    @Test
    void routeSelection_exactActionMatchSelectsTheRoute() {
        start(allRoutes(true).build());
        try (TestSocket client = TestSocket.open(gateway.webSocketUrl())) {
            client.send("{\"action\":\"join\",\"room\":\"r\"}");
            assertThat(client.next()).isEqualTo("joined");
            assertThat(event(Route.JOIN).path("requestContext").path("routeKey").asText()).isEqualTo("join");
        }
    }

    @Test
    void routeSelection_unknownActionNonJsonOrNoActionGoesToDefault() {
        start(allRoutes(true).build());
        try (TestSocket client = TestSocket.open(gateway.webSocketUrl())) {
            for (String body : List.of("{\"action\":\"JOIN\"}", "not json", "{\"room\":\"r\"}", "[1]",
                    "{\"action\":7}")) {
                client.send(body);
                assertThat(client.next()).isEqualTo("default");
                JsonNode event = event(Route.DEFAULT);
                assertThat(event.path("requestContext").path("routeKey").asText()).isEqualTo("$default");
                assertThat(event.path("body").asText()).isEqualTo(body);
            }
        }
    }

    @Test
    void routeSelection_noRouteAndNoDefaultAnswersWithAnErrorFrame() {
        start(allRoutes(false).build());
        try (TestSocket client = TestSocket.open(gateway.webSocketUrl())) {
            client.send("{\"action\":\"dance\"}");
            assertThat(client.next()).contains("\"message\":\"Forbidden\"").contains("\"connectionId\"")
                    .contains("\"requestId\"");
        }
    }

    @Test
    void twoWayRoute_theIntegrationsBodyIsSentBackToTheCaller() {
        start(allRoutes(true).build());
        try (TestSocket client = TestSocket.open(gateway.webSocketUrl())) {
            client.send("{\"action\":\"send\"}");
            assertThat(client.next()).isEqualTo("sent");
        }
    }

    @Test
    void connect_non2xxRejectsTheHandshakeWithThatStatus() {
        start(allRoutes(true).build());
        connectStatus.set(429);
        assertThat(TestSocket.refusalStatus(gateway.webSocketUrl(), Map.of())).isEqualTo(429);
        connectStatus.set(500);
        assertThat(TestSocket.refusalStatus(gateway.webSocketUrl(), Map.of())).isEqualTo(500);
        assertThat(gateway.openConnections()).isZero();
        assertThat(events.get(Route.DISCONNECT)).as("a refused connection never disconnects").isNullOrEmpty();
    }

    private Integrations.Builder withAuthorizer() {
        return allRoutes(true).authorizer(new JwtAuthorizerHandler(JwtVerifier.hs256(
                SECRET.getBytes(StandardCharsets.UTF_8), Optional.of(LocalTokens.ISSUER), Optional.empty())));
    }

    @Test
    void authorizer_missingIdentitySourceIs401() {
        start(withAuthorizer().build());
        assertThat(TestSocket.refusalStatus(gateway.webSocketUrl(), Map.of())).isEqualTo(401);
        assertThat(events.get(Route.CONNECT)).as("$connect never runs for a refused handshake").isNullOrEmpty();
    }

    @Test
    void authorizer_denyIs403() {
        start(withAuthorizer().build());
        String forged = LocalTokens.mint("another-secret-that-is-long-enough-too!", "mallory", Duration.ofHours(1));
        assertThat(TestSocket.refusalStatus(URI.create(gateway.webSocketUrl() + "?token=" + forged), Map.of()))
                .isEqualTo(403);
        String expired = LocalTokens.mint(SECRET, "alice", Duration.ofHours(-2));
        assertThat(TestSocket.refusalStatus(gateway.webSocketUrl(), Map.of("Authorization", "Bearer " + expired)))
                .isEqualTo(403);
    }

    @Test
    void authorizerContext_reachesLaterEventsAsStrings() {
        start(withAuthorizer().build());
        String token = LocalTokens.mint(SECRET, "alice", Duration.ofHours(1));
        try (TestSocket client = TestSocket.open(URI.create(gateway.webSocketUrl() + "?token=" + token))) {
            JsonNode connect = event(Route.CONNECT).path("requestContext").path("authorizer");
            assertThat(connect.path("userId").asText()).isEqualTo("alice");
            client.send("{\"action\":\"join\",\"room\":\"r\"}");
            client.next();
            JsonNode authorizer = event(Route.JOIN).path("requestContext").path("authorizer");
            assertThat(authorizer.path("userId").isTextual()).isTrue();
            assertThat(authorizer.path("userId").asText()).isEqualTo("alice");
            assertThat(authorizer.path("principalId").asText()).isEqualTo("alice");
            authorizer.fields().forEachRemaining(f -> assertThat(f.getValue().isTextual())
                    .as("authorizer." + f.getKey() + " is a string").isTrue());
        }
    }

    @Test
    void events_carryEveryDocumentedField() {
        start(allRoutes(true).build());
        try (TestSocket client = TestSocket.open(URI.create(gateway.webSocketUrl() + "?room=lobby&x=1"),
                Map.of("X-Test", "yes"))) {
            JsonNode connect = event(Route.CONNECT);
            assertThat(connect.path("headers").path("X-Test").asText()).isEqualTo("yes");
            assertThat(connect.path("multiValueHeaders").path("X-Test").get(0).asText()).isEqualTo("yes");
            assertThat(connect.path("queryStringParameters").path("room").asText()).isEqualTo("lobby");
            assertCommonContext(connect.path("requestContext"), "$connect", "CONNECT");

            client.send("{\"action\":\"join\",\"room\":\"r\"}");
            client.next();
            JsonNode message = event(Route.JOIN);
            assertCommonContext(message.path("requestContext"), "join", "MESSAGE");
            assertThat(message.path("requestContext").path("messageId").asText()).isNotBlank();
            assertThat(message.path("body").asText()).isEqualTo("{\"action\":\"join\",\"room\":\"r\"}");
            assertThat(message.path("isBase64Encoded").isBoolean()).isTrue();
            assertThat(message.path("requestContext").path("connectedAt").asLong())
                    .isEqualTo(connect.path("requestContext").path("connectedAt").asLong());
        }
        JsonNode disconnect = event(Route.DISCONNECT);
        assertCommonContext(disconnect.path("requestContext"), "$disconnect", "DISCONNECT");
        assertThat(disconnect.path("requestContext").has("disconnectStatusCode")).isTrue();
        assertThat(disconnect.path("requestContext").has("disconnectReason")).isTrue();
    }

    private static void assertCommonContext(JsonNode context, String routeKey, String eventType) {
        assertThat(context.path("routeKey").asText()).isEqualTo(routeKey);
        assertThat(context.path("eventType").asText()).isEqualTo(eventType);
        assertThat(context.path("connectionId").asText()).matches("[A-Za-z0-9_-]{15}=");
        assertThat(context.path("requestId").asText()).isNotBlank();
        assertThat(context.path("extendedRequestId").asText()).isNotBlank();
        assertThat(context.path("requestTime").asText()).matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000");
        assertThat(context.path("requestTimeEpoch").isNumber()).isTrue();
        assertThat(context.path("connectedAt").isNumber()).isTrue();
        assertThat(context.path("messageDirection").asText()).isEqualTo("IN");
        assertThat(context.path("stage").asText()).isEqualTo("local");
        assertThat(context.path("domainName").asText()).startsWith("localhost:");
        assertThat(context.path("apiId").asText()).isNotBlank();
        assertThat(context.path("identity").path("sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(context.path("identity").has("userAgent")).isTrue();
    }

    @Test
    void managementApi_postGetDelete() {
        start(allRoutes(true).build());
        try (TestSocket client = TestSocket.open(gateway.webSocketUrl())) {
            String id = connectionIdOfLastConnect();

            assertThat(management("POST", id, "{\"hello\":1}").statusCode()).isEqualTo(200);
            assertThat(client.next()).isEqualTo("{\"hello\":1}");

            HttpResponse<String> info = management("GET", id, null);
            assertThat(info.statusCode()).isEqualTo(200);
            assertThat(info.body()).contains("\"connectedAt\":\"").contains("\"lastActiveAt\":\"")
                    .contains("\"sourceIp\":\"127.0.0.1\"").contains("\"userAgent\"");

            assertThat(management("DELETE", id, null).statusCode()).isEqualTo(204);
            assertThat(client.closeStatus()).isEqualTo(1000);
            assertThat(event(Route.DISCONNECT).path("requestContext").path("connectionId").asText()).isEqualTo(id);
            assertThat(management("POST", id, "late").statusCode()).isEqualTo(410);
        }
    }

    @Test
    void managementApi_unknownIdIs410GoneException() {
        start(allRoutes(true).build());
        HttpResponse<String> response = management("POST", "NoSuchConnId0=", "x");
        assertThat(response.statusCode()).isEqualTo(410);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("GoneException");
        assertThat(management("GET", "NoSuchConnId0=", null).statusCode()).isEqualTo(410);
        assertThat(management("DELETE", "NoSuchConnId0=", null).statusCode()).isEqualTo(410);
    }

    @Test
    void managementApi_over128KbIs413PayloadTooLarge() {
        start(allRoutes(true).build());
        try (TestSocket client = TestSocket.open(gateway.webSocketUrl())) {
            String id = connectionIdOfLastConnect();
            HttpResponse<String> response = management("POST", id, "x".repeat(128 * 1024 + 1));
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("PayloadTooLargeException");
            assertThat(management("POST", id, "x".repeat(128 * 1024)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void managementApi_postToAConnectionWhoseConnectHasNotFinishedIs410() {
        AtomicReference<Integer> statusDuringConnect = new AtomicReference<>();
        Integrations.Builder builder = allRoutes(true).route(Route.CONNECT, json -> {
            String id;
            try {
                id = Integrations.JSON.readTree(json).path("requestContext").path("connectionId").asText();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            statusDuringConnect.set(management("POST", id, "too early").statusCode());
            return "{\"statusCode\":200}";
        });
        start(builder.build());
        try (TestSocket client = TestSocket.open(gateway.webSocketUrl())) {
            assertThat(statusDuringConnect.get()).isEqualTo(410);
        }
    }

    @Test
    void frame_singleFrameOver32KbClosesWith1009() throws IOException {
        start(allRoutes(true).build());
        try (RawWebSocket raw = new RawWebSocket(gateway.webSocketUrl())) {
            raw.text("{\"action\":\"send\",\"data\":\"" + "x".repeat(33 * 1024) + "\"}");
            assertThat(raw.awaitClose()).isEqualTo(1009);
        }
        assertThat(event(Route.DISCONNECT).path("requestContext").path("disconnectStatusCode").asInt())
                .isEqualTo(1009);
        assertThat(events.get(Route.SEND)).as("the oversize frame reached no integration").isNullOrEmpty();
    }

    @Test
    void continuationFrames_messagesUpTo128KbAreAcceptedInFramesOf32Kb() throws IOException {
        start(allRoutes(true).build());
        try (RawWebSocket raw = new RawWebSocket(gateway.webSocketUrl())) {
            String big = "{\"action\":\"send\",\"data\":\"" + "y".repeat(120 * 1024) + "\"}";
            raw.fragmented(big, 32 * 1024);
            assertThat(raw.read().text()).isEqualTo("sent");
            assertThat(event(Route.SEND).path("body").asText()).isEqualTo(big);
        }
    }

    @Test
    void message_over128KbClosesWith1009() throws IOException {
        start(allRoutes(true).build());
        try (RawWebSocket raw = new RawWebSocket(gateway.webSocketUrl())) {
            raw.fragmented("z".repeat(129 * 1024), 32 * 1024);
            assertThat(raw.awaitClose()).isEqualTo(1009);
        }
        assertThat(event(Route.DISCONNECT).path("requestContext").path("disconnectStatusCode").asInt())
                .isEqualTo(1009);
    }

    @Test
    void idleTimeout_closesTheSocketAndCallsDisconnect() {
        start(allRoutes(true).build(), EmulatorConfig.builder().port(0).idleTimeout(Duration.ofMillis(400)).build());
        try (TestSocket client = TestSocket.open(gateway.webSocketUrl())) {
            assertThat(client.closeStatus()).isEqualTo(1001);
        }
        JsonNode disconnect = event(Route.DISCONNECT).path("requestContext");
        assertThat(disconnect.path("disconnectStatusCode").asInt()).isEqualTo(1001);
        assertThat(disconnect.path("disconnectReason").asText()).isEqualTo("Going away");
    }

    @Test
    void maxConnectionDuration_closesTheSocketAndCallsDisconnect() {
        start(allRoutes(true).build(), EmulatorConfig.builder().port(0).maxLifetime(Duration.ofMillis(1500)).build());
        try (TestSocket client = TestSocket.open(gateway.webSocketUrl())) {
            for (int i = 0; i < 5; i++) {
                client.send("{\"action\":\"join\"}");
                client.next();
            }
            assertThat(client.closeStatus()).as("busy or not, the connection ends at its maximum age").isEqualTo(1001);
        }
        assertThat(event(Route.DISCONNECT).path("requestContext").path("disconnectStatusCode").asInt())
                .isEqualTo(1001);
    }

    @Test
    void disconnect_carriesTheClientsStatusCodeAndReason() {
        start(allRoutes(true).build());
        TestSocket client = TestSocket.open(gateway.webSocketUrl());
        client.socket.sendClose(4001, "done for today").join();
        JsonNode context = event(Route.DISCONNECT).path("requestContext");
        assertThat(context.path("disconnectStatusCode").asInt()).isEqualTo(4001);
        assertThat(context.path("disconnectReason").asText()).isEqualTo("done for today");
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.openConnections() == 0);
    }

    @Test
    void binaryFrames_reachDefaultBase64Encoded() throws Exception {
        start(allRoutes(true).build());
        try (TestSocket client = TestSocket.open(gateway.webSocketUrl())) {
            client.socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xFF}), true).join();
            assertThat(client.next()).isEqualTo("default");
            JsonNode event = event(Route.DEFAULT);
            assertThat(event.path("isBase64Encoded").asBoolean()).isTrue();
            assertThat(java.util.Base64.getDecoder().decode(event.path("body").asText()))
                    .containsExactly(1, 2, 3, (byte) 0xFF);
        }
    }

    @Test
    void integrationFailure_answersWithAnInternalServerErrorFrame() {
        start(allRoutes(true).route(Route.SEND, json -> {
            throw new IllegalStateException("boom");
        }).build());
        try (TestSocket client = TestSocket.open(gateway.webSocketUrl())) {
            client.send("{\"action\":\"send\"}");
            assertThat(client.next()).contains("\"message\":\"Internal server error\"")
                    .contains("\"connectionId\"").contains("\"requestId\"");
            client.send("{\"action\":\"join\"}");
            assertThat(client.next()).as("the socket stays open").isEqualTo("joined");
        }
    }

    @Test
    void connectFailure_rejectsTheHandshakeWith500() {
        start(allRoutes(true).route(Route.CONNECT, json -> {
            throw new IllegalStateException("store down");
        }).build());
        assertThat(TestSocket.refusalStatus(gateway.webSocketUrl(), Map.of())).isEqualTo(500);
    }

    @Test
    void disconnect_ofASocketThatVanishedIs1006() throws Exception {
        start(allRoutes(true).build());
        RawWebSocket raw = new RawWebSocket(gateway.webSocketUrl());
        raw.close();
        JsonNode context = event(Route.DISCONNECT).path("requestContext");
        assertThat(context.path("disconnectStatusCode").asInt()).isEqualTo(1006);
    }

    @Test
    void messagesOfOneConnection_reachTheIntegrationInTheOrderSent() {
        start(allRoutes(true).build());
        try (TestSocket client = TestSocket.open(gateway.webSocketUrl())) {
            for (int i = 0; i < 50; i++) {
                client.send("{\"action\":\"send\",\"n\":" + i + "}");
            }
            for (int i = 0; i < 50; i++) {
                assertThat(event(Route.SEND).path("body").asText()).isEqualTo("{\"action\":\"send\",\"n\":" + i + "}");
            }
        }
    }
}
