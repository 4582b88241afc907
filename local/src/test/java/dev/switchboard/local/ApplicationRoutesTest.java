package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Application routes end to end on the local runtime, over real sockets: a handler class on a classpath, an HTTP
 * endpoint, one that throws and one that is too slow; the caller gets a reply or an error and keeps its connection.
 */
class ApplicationRoutesTest {

    private static final List<String> posted = new CopyOnWriteArrayList<>();
    private static HttpServer endpoint;
    private static LocalRuntime stack;

    @BeforeAll
    static void start() throws IOException {
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/vote", exchange -> {
            posted.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = "{\"data\":{\"counted\":true}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        endpoint.createContext("/down", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        endpoint.start();
        String base = "http://127.0.0.1:" + endpoint.getAddress().getPort();
        LocalExtensions.Parsed parsed = LocalExtensions.parse("--port", "0", "--store", "memory",
                "--route", "typing=dev.switchboard.local.apps.TypingHandler",
                "--route", "crash=dev.switchboard.local.apps.ThrowingHandler",
                "--route", "slow=dev.switchboard.local.apps.SlowHandler",
                "--route", "vote=" + base + "/vote",
                "--route", "down=" + base + "/down",
                "--classpath", Path.of("target", "test-classes").toString(),
                "--route-timeout-ms", "400");
        stack = LocalRuntime.start(LocalRuntimeOptions.parse(parsed.rest()), StaticContent.none(), parsed.extensions());
    }

    @AfterAll
    static void stop() {
        stack.close();
        endpoint.stop(0);
    }

    @Test
    void aHandlerClassAnswersTheCallerWithItsIdentityAndRooms() {
        try (TestSocket alice = TestSocket.open(stack.webSocketUrl())) {
            alice.send("{\"action\":\"join\",\"room\":\"lobby\",\"id\":\"j\"}").next("\"ack\"");
            String reply = alice.send("{\"action\":\"typing\",\"id\":\"t1\",\"data\":{\"room\":\"lobby\"}}")
                    .next("\"reply\"");

            assertThat(reply).contains("\"type\":\"reply\"", "\"id\":\"t1\"", "\"action\":\"typing\"",
                    "\"user\":\"anonymous:", "\"rooms\":{\"lobby\":[", "\"echo\":{\"room\":\"lobby\"}",
                    "\"remainingMs\":true");
        }
    }

    @Test
    void anHttpEndpointReceivesTheEventAsJsonAndItsBodyIsTheReply() {
        try (TestSocket bob = TestSocket.open(stack.webSocketUrl())) {
            String reply = bob.send("{\"action\":\"vote\",\"id\":\"v1\",\"data\":[1,2]}").next("\"reply\"");

            assertThat(reply).isEqualTo("{\"type\":\"reply\",\"id\":\"v1\",\"action\":\"vote\",\"data\":"
                    + "{\"counted\":true}}");
            assertThat(posted).anySatisfy(event -> assertThat(event).startsWith("application/json {")
                    .contains("\"version\":\"1\"", "\"route\":\"vote\"", "\"data\":[1,2]", "\"id\":\"v1\""));
        }
    }

    @Test
    void theApplicationsOwnErrorReachesTheCallerAsAnApplicationError() {
        try (TestSocket carol = TestSocket.open(stack.webSocketUrl())) {
            String error = carol.send("{\"action\":\"typing\",\"id\":\"t2\",\"data\":\"fail\"}").next("\"error\"");

            assertThat(error).contains("\"code\":\"APPLICATION_ERROR\"", "\"id\":\"t2\"",
                    "NOT_TYPING: you are not in that room", "\"temporary\":false");
        }
    }

    @Test
    void aThrowingATimingOutOrADownFunctionGivesAnErrorAndTheConnectionStaysUsable() {
        try (TestSocket dave = TestSocket.open(stack.webSocketUrl())) {
            assertThat(dave.send("{\"action\":\"crash\",\"id\":\"c1\"}").next("\"error\""))
                    .contains("\"code\":\"APPLICATION_ERROR\"", "\"id\":\"c1\"");
            assertThat(dave.send("{\"action\":\"slow\",\"id\":\"s1\"}").next("\"error\""))
                    .contains("\"code\":\"APPLICATION_TIMEOUT\"", "\"id\":\"s1\"", "\"temporary\":true");
            assertThat(dave.send("{\"action\":\"down\",\"id\":\"d1\"}").next("\"error\""))
                    .contains("\"code\":\"APPLICATION_TIMEOUT\"", "\"id\":\"d1\"");

            assertThat(dave.send("{\"action\":\"ping\",\"id\":\"p\"}").next("\"pong\"")).contains("\"id\":\"p\"");
            assertThat(dave.send("{\"action\":\"typing\",\"id\":\"t3\"}").next("\"reply\"")).contains("\"t3\"");
        }
    }

    @Test
    void malformedCallsAndUnknownActionsAreRefusedByTheSwitchboardNotTheApplication() {
        try (TestSocket erin = TestSocket.open(stack.webSocketUrl())) {
            assertThat(erin.send("{\"action\":\"typing\",\"id\":\"bad id\"}").next("\"error\""))
                    .contains("\"code\":\"INVALID_FIELD\"");
            assertThat(erin.send("{\"action\":\"typo\",\"id\":\"u1\"}").next("\"error\""))
                    .contains("\"code\":\"UNKNOWN_ACTION\"", "\"id\":\"u1\"");
        }
    }

    @Test
    void badFlagsAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> LocalExtensions.parse("--route", "send=com.example.Send"))
                .hasMessageContaining("Switchboard's own routes");
        assertThatThrownBy(() -> LocalExtensions.parse("--route", "typing=ftp://example.com/x"))
                .hasMessageContaining("not an http(s) URL");
        assertThatThrownBy(() -> LocalExtensions.parse("--route", "typing=not a class"))
                .hasMessageContaining("neither a class name nor an http(s) URL");
        assertThatThrownBy(() -> LocalExtensions.parse("--hook", "onLeave=com.example.Leave"))
                .hasMessageContaining("onConnect, onJoin or onSend");
        assertThatThrownBy(() -> LocalExtensions.parse("--hook-timeout-ms", "60000"))
                .hasMessageContaining("10000");
        assertThatThrownBy(() -> LocalExtensions.parse("--route", "typing=com.example.Missing").extensions()
                .routeInvokers()).hasMessageContaining("not on the classpath");
        assertThatThrownBy(() -> LocalExtensions.parse("--route", "typing=java.lang.String").extensions()
                .routeInvokers()).hasMessageContaining("does not implement");
    }
}
