package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The onConnect hook (an HTTP endpoint) end to end on the local runtime with DynamoDB Local: allowing with
 * attributes that every application route event then carries, denying (403), garbage (403) and a timeout (503).
 */
class ConnectHookLocalTest {

    private static final List<String> events = new CopyOnWriteArrayList<>();
    private static volatile String answer = "{\"allow\":true}";
    private static HttpServer endpoint;
    private static LocalRuntime stack;

    @BeforeAll
    static void start() throws IOException {
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/connect", exchange -> {
            events.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String reply = answer;
            if (reply.equals("slow")) {
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reply = "{\"allow\":true}";
            }
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            try {
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (IOException e) {
                // The runtime gave up waiting: nobody reads this answer.
            }
            exchange.close();
        });
        // Each request on its own thread: a slow answer must not hold up the next handshake's.
        endpoint.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        endpoint.start();
        LocalExtensions.Parsed parsed = LocalExtensions.parse("--port", "0",
                "--hook", "onConnect=http://127.0.0.1:" + endpoint.getAddress().getPort() + "/connect",
                "--route", "typing=dev.switchboard.local.apps.TypingHandler",
                "--hook-timeout-ms", "400");
        stack = LocalRuntime.start(LocalRuntimeOptions.parse(parsed.rest()), StaticContent.none(), parsed.extensions());
    }

    @AfterAll
    static void stop() {
        stack.close();
        endpoint.stop(0);
    }

    @Test
    void attributesTheHookAttachesAreKeptWithTheConnectionAndReachApplicationRoutes() {
        answer = "{\"allow\":true,\"attributes\":{\"plan\":\"gold\",\"ticket\":7}}";
        try (TestSocket alice = TestSocket.open(stack.webSocketUrl())) {
            String reply = alice.send("{\"action\":\"typing\",\"id\":\"t\"}").next("\"reply\"");

            assertThat(reply).contains("\"attributes\":{\"plan\":\"gold\",\"ticket\":7}");
            assertThat(events.getLast()).contains("\"hook\":\"onConnect\"", "\"sourceIp\":\"127.0.0.1\"",
                    "\"user\":\"anonymous:");
        }
    }

    @Test
    void aDenialOrGarbageRefusesTheHandshakeWith403AndATimeoutWith503() {
        answer = "{\"allow\":false,\"reason\":\"banned\"}";
        assertThat(TestSocket.refusalStatus(stack.webSocketUrl(), Map.of())).isEqualTo(403);
        answer = "{\"allow\":true,\"attributes\":\"not an object\"}";
        assertThat(TestSocket.refusalStatus(stack.webSocketUrl(), Map.of())).isEqualTo(403);
        answer = "{\"allow\":true,\"attributes\":{\"big\":\"" + "x".repeat(3_000) + "\"}}";
        assertThat(TestSocket.refusalStatus(stack.webSocketUrl(), Map.of())).isEqualTo(403);
        answer = "slow";
        assertThat(TestSocket.refusalStatus(stack.webSocketUrl(), Map.of())).isEqualTo(503);
        answer = "{\"allow\":true}";
        try (TestSocket after = TestSocket.open(stack.webSocketUrl())) {
            assertThat(after.send("{\"action\":\"ping\",\"id\":\"p\"}").next("\"pong\"")).contains("\"p\"");
        }
    }
}
