package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The onJoin hook (a handler class) and the onSend hook (an HTTP endpoint) end to end on the local runtime, over
 * real sockets: allowing, denying (rooms the open policy would allow), garbage, a timeout, and refusals made before
 * a hook is asked.
 */
class HooksLocalTest {

    private static final List<String> sends = new CopyOnWriteArrayList<>();
    private static HttpServer endpoint;
    private static LocalRuntime stack;

    @BeforeAll
    static void start() throws IOException {
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/send", exchange -> {
            String event = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            sends.add(event);
            String answer = event.contains("\"spam\"") ? "{\"allow\":false,\"reason\":\"looks like spam\"}"
                    : event.contains("\"darn\"") ? "{\"allow\":true,\"data\":\"d**n\"}"
                    : event.contains("\"garbage\"") ? "<html>oops</html>" : "{\"allow\":true}";
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        endpoint.start();
        LocalExtensions.Parsed parsed = LocalExtensions.parse("--port", "0", "--store", "memory",
                "--hook", "onJoin=dev.switchboard.local.apps.JoinGate",
                "--hook", "onSend=http://127.0.0.1:" + endpoint.getAddress().getPort() + "/send",
                "--hook-timeout-ms", "300");
        stack = LocalRuntime.start(LocalRuntimeOptions.parse(parsed.rest()), StaticContent.none(), parsed.extensions());
    }

    @AfterAll
    static void stop() {
        stack.close();
        endpoint.stop(0);
    }

    @Test
    void onJoinAdmitsDeniesAndFailsClosed() {
        try (TestSocket alice = TestSocket.open(stack.webSocketUrl())) {
            assertThat(alice.send("{\"action\":\"join\",\"room\":\"ticket-7\",\"id\":\"1\"}").next("\"id\":\"1\""))
                    .contains("\"type\":\"ack\"");
            assertThat(alice.send("{\"action\":\"join\",\"room\":\"vault\",\"id\":\"2\"}").next("\"id\":\"2\""))
                    .contains("\"code\":\"FORBIDDEN\"", "only the ticket's customer and agent");
            assertThat(alice.send("{\"action\":\"join\",\"room\":\"broken\",\"id\":\"3\"}").next("\"id\":\"3\""))
                    .contains("\"code\":\"FORBIDDEN\"", "no valid answer");
            assertThat(alice.send("{\"action\":\"join\",\"room\":\"slow\",\"id\":\"4\"}").next("\"id\":\"4\""))
                    .contains("\"code\":\"HOOK_FAILED\"", "\"temporary\":true");
            assertThat(alice.send("{\"action\":\"ping\",\"id\":\"6\"}").next("\"id\":\"6\"")).contains("pong");
        }
    }

    @Test
    void onSendAllowsRewritesAndDeniesAndGarbageIsADenial() {
        try (TestSocket bob = TestSocket.open(stack.webSocketUrl())) {
            bob.send("{\"action\":\"join\",\"room\":\"ticket-8\",\"id\":\"j\"}").next("\"ack\"");

            assertThat(bob.send("{\"action\":\"send\",\"room\":\"ticket-8\",\"id\":\"s1\",\"data\":\"hello\"}")
                    .next("\"id\":\"s1\"")).contains("\"type\":\"ack\"");
            assertThat(bob.next("\"hello\"")).contains("\"type\":\"message\"");
            assertThat(bob.send("{\"action\":\"send\",\"room\":\"ticket-8\",\"id\":\"s2\",\"data\":\"darn\"}")
                    .next("\"d**n\"")).contains("\"type\":\"message\"");
            assertThat(bob.send("{\"action\":\"send\",\"room\":\"ticket-8\",\"id\":\"s3\",\"data\":\"spam\"}")
                    .next("\"id\":\"s3\"")).contains("\"code\":\"FORBIDDEN\"", "looks like spam");
            assertThat(bob.send("{\"action\":\"send\",\"room\":\"ticket-8\",\"id\":\"s4\",\"data\":\"garbage\"}")
                    .next("\"id\":\"s4\"")).contains("\"code\":\"FORBIDDEN\"", "no valid answer");
            assertThat(sends).anySatisfy(event -> assertThat(event).contains("\"hook\":\"onSend\"",
                    "\"room\":\"ticket-8\"", "\"id\":\"s1\"", "\"data\":\"hello\""));
        }
    }

    @Test
    void aSendToARoomNotJoinedIsRefusedWithoutAskingTheHook() {
        try (TestSocket carol = TestSocket.open(stack.webSocketUrl())) {
            int before = sends.size();
            assertThat(carol.send("{\"action\":\"send\",\"room\":\"ticket-9\",\"id\":\"x\",\"data\":1}")
                    .next("\"id\":\"x\"")).contains("\"code\":\"NOT_IN_ROOM\"");
            assertThat(sends).hasSize(before);
        }
    }
}
