package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.functions.auth.TokenRules;
import dev.switchboard.functions.auth.Tokens;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.Route;
import dev.switchboard.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The handlers on arbitrary or partial events, read from JSON by the Lambda runtime's own serializers. A message
 * route always answers 200 with a readable frame, and never {@code INTERNAL} (the stores here cannot fail, so
 * INTERNAL would mean a bug); {@code $connect}/{@code $disconnect} answer 200 or 400, never 500; the SQS consumers
 * report failures only by the ids of the batch's records. No handler logs an error, and every frame posted to a
 * connection is a readable frame within the 128 KB limit.
 *
 * <p>Each input runs against fresh in-memory stores holding two connections in room {@code lobby}
 * ({@code Conn-Alice-1=} of {@code alice}, {@code Conn-Bob-1=} of {@code bob}), one gone connection
 * ({@code Conn-Gone-1=}, which answers 410) and one message of history, so the use cases are reached. Routes
 * whose handler needs more than the {@link Switchboard} (ping's clock) are served by {@code $default} here.
 */
class HandlerEventsFuzzTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:01:00Z");
    private static final int SHARDS = 4;

    /** One input's world: the stores, the handlers over them, and what they posted. */
    private static final class World {
        final List<String> posted = new CopyOnWriteArrayList<>();
        /** Once set, the gone connection answers 410, as a socket that vanished without $disconnect does. */
        volatile boolean gone;
        final Switchboard switchboard;
        final Map<Route, RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse>> routes =
                new EnumMap<>(Route.class);

        World() {
            InMemoryConnectionStore store = new InMemoryConnectionStore(SHARDS);
            switchboard = TestSwitchboard.builder()
                    .store(store)
                    .sender((id, payload) -> {
                        posted.add(new String(payload, StandardCharsets.UTF_8));
                        return gone && id.startsWith("Conn-Gone") ? SendOutcome.GONE : SendOutcome.DELIVERED;
                    })
                    .maxInFlight(2)
                    .retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO))
                    .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                    .build().switchboard();
            routes.put(Route.CONNECT, new ConnectHandler(switchboard));
            routes.put(Route.DISCONNECT, new DisconnectHandler(switchboard));
            routes.put(Route.DEFAULT, new DefaultHandler(switchboard));
            routes.put(Route.JOIN, new JoinHandler(switchboard));
            routes.put(Route.LEAVE, new LeaveHandler(switchboard));
            routes.put(Route.SEND, new SendHandler(switchboard));
            routes.put(Route.RESUME, new ResumeHandler(switchboard));
            routes.put(Route.PRESENCE, new PresenceHandler(switchboard));
            routes.put(Route.DIRECT, new DirectHandler(switchboard));
            routes.put(Route.PING, new PingHandler(switchboard));
            routes.put(Route.REFRESH, new RefreshHandler(switchboard, JwtVerifier.hs256(
                    Tokens.SECRET.getBytes(StandardCharsets.UTF_8), TokenRules.issuedBy(Tokens.ISSUER))));
            // The world is set up as clients would set it up: through the handlers, with the authorizer's context.
            for (String user : List.of("alice", "bob", "gone")) {
                String id = "Conn-" + Character.toUpperCase(user.charAt(0)) + user.substring(1) + "-1=";
                routes.get(Route.CONNECT).handleRequest(event(id, user, Route.CONNECT, null), null);
                routes.get(Route.JOIN).handleRequest(event(id, user, Route.JOIN,
                        "{\"action\":\"join\",\"room\":\"lobby\"}"), null);
            }
            posted.clear();
            switchboard.publish("lobby", "system", "{\"welcome\":true}", null);
            assertThat(posted).as("every member of the world's room got its first message").hasSize(3);
            posted.clear();
            gone = true;
        }

        /** The handler API Gateway would invoke for a route; a route without its own here is served by $default. */
        RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handlerOf(Route route) {
            return routes.getOrDefault(route, routes.get(Route.DEFAULT));
        }

        private static APIGatewayV2WebSocketEvent event(String connectionId, String userId, Route route, String body) {
            APIGatewayV2WebSocketEvent.RequestContext context = new APIGatewayV2WebSocketEvent.RequestContext();
            context.setConnectionId(connectionId);
            context.setRouteKey(route.key());
            context.setEventType(body == null ? "CONNECT" : "MESSAGE");
            // Where rights are decided per room, "capabilities" (compact form) grants every action in every room,
            // so the world's connections reach every use case; elsewhere it is just another context value.
            context.setAuthorizer(Map.of("userId", userId, "capabilities", "*=jhps|*"));
            APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
            event.setRequestContext(context);
            event.setBody(body);
            return event;
        }
    }

    @FuzzTest
    void webSocketEvent(byte[] input) {
        FuzzSupport.install();
        Optional<APIGatewayV2WebSocketEvent> read = FuzzSupport.event(APIGatewayV2WebSocketEvent.class, input);
        if (read.isEmpty()) {
            return;
        }
        APIGatewayV2WebSocketEvent event = read.get();
        World world = new World();
        // API Gateway invokes the integration of the route it selected; the event names that route.
        Route route = Optional.ofNullable(event.getRequestContext())
                .map(APIGatewayV2WebSocketEvent.RequestContext::getRouteKey)
                .flatMap(Route::byKey)
                .orElse(Route.DEFAULT);

        APIGatewayV2WebSocketResponse response = world.handlerOf(route).handleRequest(event, null);

        assertThat(response).isNotNull();
        assertThat(Events.toJson(response)).contains("\"statusCode\"");
        if (route == Route.CONNECT || route == Route.DISCONNECT) {
            assertThat(response.getStatusCode()).as("lifecycle status").isIn(200, 400);
        } else {
            assertThat(response.getStatusCode()).isEqualTo(200);
            ServerFrame reply = FrameCodec.decodeServer(response.getBody()).orElseThrow();
            if (reply instanceof ServerFrame.Error error) {
                assertThat(error.code()).as("reply %s", response.getBody()).isNotEqualTo(ErrorCode.INTERNAL);
            }
        }
        assertPostsReadable(world);
        assertThat(FuzzSupport.drainErrors()).isEmpty();
    }

    @FuzzTest
    void sqsEvent(byte[] input) {
        FuzzSupport.install();
        Optional<SQSEvent> read = FuzzSupport.event(SQSEvent.class, input);
        if (read.isEmpty()) {
            return;
        }
        SQSEvent event = read.get();
        World world = new World();
        Set<String> ids = event.getRecords() == null ? Set.of() : event.getRecords().stream()
                .filter(Objects::nonNull).map(SQSEvent.SQSMessage::getMessageId).collect(Collectors.toSet());

        assertFailuresByRecordId(new PublishHandler(world.switchboard).handleRequest(event, null), ids);
        assertPostsReadable(world);
        // The fan-out queue carries the broadcaster's own frames (only the functions may write to it), and the
        // worker posts them as they are: its checks are on the room and shard attributes.
        assertFailuresByRecordId(new FanoutHandler(world.switchboard).handleRequest(event, null), ids);
        assertThat(FuzzSupport.drainErrors()).isEmpty();
    }

    private static void assertFailuresByRecordId(SQSBatchResponse response, Set<String> ids) {
        assertThat(response).isNotNull();
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .as("failures are reported by the batch's own ids").allMatch(ids::contains);
    }

    private static void assertPostsReadable(World world) {
        for (String frame : world.posted) {
            assertThat(FrameCodec.utf8Length(frame)).isLessThanOrEqualTo(Limits.MAX_MESSAGE_BYTES);
            assertThat(FrameCodec.decodeServer(frame)).as("posted %s", frame).isPresent();
        }
        world.posted.clear();
    }
}
