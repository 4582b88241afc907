package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.ApplicationRouter;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.Invoked;
import dev.switchboard.core.Invoker;
import dev.switchboard.core.Quotas;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Limits;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The application route handler driven by an API Gateway event fixture, with the application's function faked. */
class ApplicationRouteHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:01:00Z");
    private static final String ALICE = "Conn-Alice-1=";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Function<String, Invoked> function = event -> new Invoked.Answered("{\"data\":{\"ok\":true}}");
    private final Switchboard switchboard = TestSwitchboard.builder()
            .store(store)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .settings(CoreSettings.defaults().withPresenceEvents(false, 0))
            .build().switchboard();
    private final Invoker typing = event -> {
        events.add(event);
        return function.apply(event);
    };
    private final ApplicationRouteHandler handler = new ApplicationRouteHandler(switchboard,
            new ApplicationRouter(switchboard, Map.of("typing", typing), Clock.fixed(NOW, ZoneOffset.UTC)));

    private void connect() {
        new ConnectHandler(switchboard).handleRequest(Events.load("connect"), null);
        switchboard.join(ALICE, new ClientFrame.Join(null, "lobby"));
    }

    private ServerFrame call(String body) {
        return FrameCodec.decodeServer(handler.handleRequest(Events.withBody("application-route", body), null)
                .getBody()).orElseThrow();
    }

    private ServerFrame callFixture() {
        return FrameCodec.decodeServer(handler.handleRequest(Events.load("application-route"), null).getBody())
                .orElseThrow();
    }

    @Test
    void theFunctionsDataComesBackAsAReplyToTheCaller() throws Exception {
        connect();

        ServerFrame reply = callFixture();

        assertThat(reply).isEqualTo(new ServerFrame.Reply("t-1", "typing", "{\"ok\":true}"));
        JsonNode event = JSON.readTree(events.getFirst());
        assertThat(event.path("version").asText()).isEqualTo("1");
        assertThat(event.path("route").asText()).isEqualTo("typing");
        assertThat(event.path("connectionId").asText()).isEqualTo(ALICE);
        assertThat(event.path("user").asText()).isEqualTo("alice");
        assertThat(event.path("id").asText()).isEqualTo("t-1");
        assertThat(event.path("data").toString()).isEqualTo("{\"room\":\"lobby\",\"typing\":true}");
        assertThat(event.path("capabilities").path("rooms").path("team-42:*").toString())
                .isEqualTo("[\"join\",\"history\",\"presence\",\"send\"]");
        assertThat(event.path("capabilities").path("direct").toString()).isEqualTo("[\"bob\"]");
        assertThat(event.path("rooms").path("lobby").isArray()).isTrue();
        assertThat(event.path("requestTime").asLong()).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void theFunctionsOwnErrorIsAnApplicationErrorWithItsCode() {
        connect();
        function = event -> new Invoked.Answered("{\"error\":{\"code\":\"NOT_TYPING\",\"message\":\"no\\u0007pe\"}}");

        ServerFrame.Error error = (ServerFrame.Error) callFixture();

        assertThat(error.code()).isEqualTo(ErrorCode.APPLICATION_ERROR);
        assertThat(error.temporary()).isFalse();
        assertThat(error.message()).isEqualTo("NOT_TYPING: no?pe");
        assertThat(error.id()).isEqualTo("t-1");
    }

    @Test
    void aThrowGarbageOrAnOversizeAnswerIsAnApplicationErrorAndTheConnectionStaysUsable() {
        connect();
        for (Invoked outcome : List.of(new Invoked.Failed("the function failed (Unhandled)"),
                new Invoked.Answered("not json"), new Invoked.Answered("{\"data\":1,\"error\":{\"code\":\"X\"}}"),
                new Invoked.Answered("{\"allow\":true}"), new Invoked.Answered("[1,2]"),
                new Invoked.Answered("{\"error\":{\"code\":\"bad code with spaces\"}}"),
                new Invoked.Answered("{\"data\":\"" + "x".repeat(Limits.MAX_DATA_BYTES) + "\"}"))) {
            function = event -> outcome;
            ServerFrame.Error error = (ServerFrame.Error) callFixture();
            assertThat(error.code()).as(outcome.toString().substring(0, Math.min(80, outcome.toString().length())))
                    .isEqualTo(ErrorCode.APPLICATION_ERROR);
            assertThat(error.id()).isEqualTo("t-1");
        }
        function = event -> new Invoked.Answered("{\"data\":\"fine\"}");
        assertThat(FrameCodec.decodeServer(handler.handleRequest(Events.load("application-route"), null).getBody()))
                .isPresent();
        assertThat(store.find(ALICE)).isPresent();
    }

    @Test
    void aTimeoutOrAnUnreachableFunctionIsATemporaryApplicationTimeout() {
        connect();
        function = event -> new Invoked.TimedOut();
        ServerFrame.Error timedOut = (ServerFrame.Error) callFixture();
        function = event -> new Invoked.Unreachable("Lambda answered 429");
        ServerFrame.Error unreachable = (ServerFrame.Error) call("{\"action\":\"typing\",\"id\":\"t-2\"}");

        assertThat(timedOut.code()).isEqualTo(ErrorCode.APPLICATION_TIMEOUT);
        assertThat(timedOut.temporary()).isTrue();
        assertThat(unreachable.code()).isEqualTo(ErrorCode.APPLICATION_TIMEOUT);
        assertThat(unreachable.id()).isEqualTo("t-2");
        assertThat(store.find(ALICE)).isPresent();
    }

    @Test
    void anUnknownConnectionIsRefusedWithoutInvokingTheFunction() {
        ServerFrame.Error error = (ServerFrame.Error) callFixture();

        assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN_CONNECTION);
        assertThat(events).isEmpty();
    }

    @Test
    void malformedOrOversizeFramesAreRefusedWithoutInvokingTheFunction() {
        connect();

        assertThat(((ServerFrame.Error) call("{\"action\":\"typing\",")).code()).isEqualTo(ErrorCode.MALFORMED_JSON);
        assertThat(((ServerFrame.Error) call("{\"action\":\"typing\",\"id\":\"t-3\",\"data\":\""
                + "x".repeat(Limits.MAX_DATA_BYTES) + "\"}")).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(((ServerFrame.Error) call("{\"action\":\"typing\",\"id\":\"has space\"}")).code())
                .isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(((ServerFrame.Error) call("{\"action\":\"vote\",\"id\":\"t-4\"}")).code())
                .isEqualTo(ErrorCode.UNKNOWN_ACTION);
        assertThat(events).isEmpty();
    }

    @Test
    void callsPastTheFrameQuotaAreRefusedWithoutInvokingTheFunction() {
        connect();
        int calls = Quotas.defaults().frameBurst() + 3;
        ServerFrame last = null;
        for (int i = 0; i < calls; i++) {
            last = call("{\"action\":\"typing\",\"id\":\"q-" + i + "\"}");
        }

        assertThat(((ServerFrame.Error) last).code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(events).hasSizeLessThan(calls);
    }

    @Test
    void aCallAfterTheTokenExpiredIsRefusedWithoutInvokingTheFunction() {
        ApplicationRouteHandler late = new ApplicationRouteHandler(lateSwitchboard(),
                new ApplicationRouter(lateSwitchboard, Map.of("typing", typing),
                        Clock.fixed(Instant.ofEpochSecond(1_900_000_001L), ZoneOffset.UTC)));
        new ConnectHandler(switchboard).handleRequest(Events.load("connect"), null);

        ServerFrame.Error error = (ServerFrame.Error) FrameCodec.decodeServer(
                late.handleRequest(Events.load("application-route"), null).getBody()).orElseThrow();

        assertThat(error.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED);
        assertThat(events).isEmpty();
    }

    private Switchboard lateSwitchboard;

    private Switchboard lateSwitchboard() {
        lateSwitchboard = TestSwitchboard.builder()
                .store(store)
                .clock(Clock.fixed(Instant.ofEpochSecond(1_900_000_001L), ZoneOffset.UTC))
                .build().switchboard();
        return lateSwitchboard;
    }
}
