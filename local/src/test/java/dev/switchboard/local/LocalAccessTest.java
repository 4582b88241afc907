package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local stack serves this machine only: its sockets listen on loopback, and a web page the developer happens to
 * visit cannot use it, neither by sending requests to localhost (its {@code Origin} gives it away) nor by having its
 * own domain re-bound to 127.0.0.1 (its {@code Host} does). The stack's own demo page and clients that are not
 * browsers keep working.
 */
class LocalAccessTest {

    private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n" + KEY
            + "Sec-WebSocket-Version: 13\r\n";
    private static final String PUBLISH_BODY = "{\"room\":\"lobby\",\"data\":\"hi\"}";

    private static LocalRuntime stack;
    private static LocalRuntime widened;

    @BeforeAll
    static void start() {
        stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withMemoryStore(true),
                DemoPage.fromClasspath());
        widened = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withMemoryStore(true)
                .withAllowedOrigins(List.of("http://localhost:5173")).withAllowedHosts(List.of("dev.test")));
    }

    @AfterAll
    static void stop() {
        stack.close();
        widened.close();
    }

    /** One raw HTTP/1.1 exchange, so the test sets {@code Host} and {@code Origin} itself. */
    private record Answer(int status, String body) {
    }

    private static Answer http(LocalRuntime target, String method, String path, String headers, String body)
            throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), target.gateway().port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            out.write((method + " " + path + " HTTP/1.1\r\n" + headers + "Content-Length: " + content.length
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                all.write(buffer, 0, n);
                String text = all.toString(StandardCharsets.UTF_8);
                int head = text.indexOf("\r\n\r\n");
                // The head and as much body as it announces (a 101 has none and keeps the connection open).
                if (head >= 0 && text.length() - head - 4 >= contentLength(text.substring(0, head))) {
                    return new Answer(Integer.parseInt(text.substring(9, 12)), text.substring(head + 4));
                }
            }
            throw new IOException("the gateway closed without a complete answer: " + all);
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }

    private static String host(LocalRuntime target, String name) {
        return "Host: " + name + ":" + target.gateway().port() + "\r\n";
    }

    private static Answer handshake(LocalRuntime target, String headers) throws IOException {
        return http(target, "GET", "/local", headers + UPGRADE, "");
    }

    @Test
    void theDemoPagesOwnOriginAndClientsWithoutAnOriginMayConnect() throws IOException {
        int port = stack.gateway().port();
        for (String name : List.of("localhost", "127.0.0.1", "[::1]")) {
            assertThat(handshake(stack, host(stack, name) + "Origin: http://" + name + ":" + port + "\r\n").status())
                    .as("the page served at http://%s:%d", name, port).isEqualTo(101);
        }
        assertThat(handshake(stack, host(stack, "localhost")).status()).as("no Origin: not a browser").isEqualTo(101);
        try (TestSocket client = TestSocket.open(stack.webSocketUrl())) {
            client.send("{\"action\":\"ping\",\"id\":\"p\"}");
            assertThat(client.next("\"pong\"")).contains("\"id\":\"p\"");
        }
        try (TestSocket page = TestSocket.open(stack.webSocketUrl(),
                Map.of("Origin", "http://127.0.0.1:" + port))) {
            page.send("{\"action\":\"ping\",\"id\":\"q\"}");
            assertThat(page.next("\"pong\"")).contains("\"id\":\"q\"");
        }
    }

    @Test
    void aPageFromAnotherOriginCannotConnectOrPublish() throws IOException {
        int before = stack.gateway().openConnections();
        for (String origin : List.of("https://evil.example", "http://localhost:1", "null")) {
            Answer refused = handshake(stack, host(stack, "localhost") + "Origin: " + origin + "\r\n");

            assertThat(refused.status()).as(origin).isEqualTo(403);
            assertThat(refused.body()).contains("Origin '" + origin + "'", "--allow-origin");
            Answer publish = http(stack, "POST", "/publish", host(stack, "localhost") + "Origin: " + origin
                    + "\r\nContent-Type: application/json\r\n", PUBLISH_BODY);
            assertThat(publish.status()).as(origin).isEqualTo(403);
        }
        assertThat(TestSocket.refusalStatus(stack.webSocketUrl(), Map.of("Origin", "https://evil.example")))
                .isEqualTo(403);
        assertThat(stack.gateway().openConnections()).as("no refused handshake got a connection").isEqualTo(before);
    }

    @Test
    void aForeignHostIsRefusedWhateverItAsksFor() throws IOException {
        // DNS rebinding: evil.example now resolves to 127.0.0.1, and the page's requests say Host: evil.example.
        String rebound = host(stack, "evil.example") + "Origin: http://evil.example:" + stack.gateway().port()
                + "\r\n";
        Answer upgrade = handshake(stack, rebound);
        assertThat(upgrade.status()).isEqualTo(403);
        assertThat(upgrade.body()).contains("Host 'evil.example:", "--allow-host");
        assertThat(http(stack, "POST", "/publish", rebound + "Content-Type: application/json\r\n", PUBLISH_BODY)
                .status()).isEqualTo(403);
        assertThat(http(stack, "GET", "/", rebound, "").status()).isEqualTo(403);
        assertThat(http(stack, "GET", "/local/@connections/someone", rebound, "").status()).isEqualTo(403);
        assertThat(http(stack, "GET", "/", "Host: localhost:1\r\n", "").status()).as("another port").isEqualTo(403);
        assertThat(http(stack, "GET", "/", "", "").status()).as("no Host at all").isEqualTo(403);
        assertThat(http(stack, "GET", "/", host(stack, "localhost"), "").status()).isEqualTo(200);
    }

    @Test
    void publishTakesJsonDeclaredAsJsonOnly() throws IOException {
        String local = host(stack, "127.0.0.1");
        Answer untyped = http(stack, "POST", "/publish", local, PUBLISH_BODY);
        assertThat(untyped.status()).isEqualTo(415);
        assertThat(untyped.body()).contains("Content-Type: application/json");
        // What an HTML form can send from any page without asking first.
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")) {
            assertThat(http(stack, "POST", "/publish", local + "Content-Type: " + type + "\r\n", PUBLISH_BODY)
                    .status()).as(type).isEqualTo(415);
        }
        assertThat(http(stack, "POST", "/publish", local + "Content-Type: application/json; charset=utf-8\r\n",
                PUBLISH_BODY).status()).isEqualTo(202);
        assertThat(http(stack, "POST", "/publish", local + "Origin: http://127.0.0.1:" + stack.gateway().port()
                + "\r\nContent-Type: Application/JSON\r\n", PUBLISH_BODY).status())
                .as("from the demo page").isEqualTo(202);
    }

    @Test
    void flagsAllowMoreOriginsAndHosts() throws IOException {
        assertThat(handshake(widened, host(widened, "localhost") + "Origin: http://localhost:5173\r\n").status())
                .isEqualTo(101);
        assertThat(handshake(widened, host(widened, "dev.test")).status()).isEqualTo(101);
        assertThat(handshake(widened, host(widened, "dev.test") + "Origin: http://dev.test:" + widened.gateway().port()
                + "\r\n").status()).as("a page served under the allowed name").isEqualTo(101);
        assertThat(handshake(widened, host(widened, "localhost") + "Origin: http://localhost:5174\r\n").status())
                .isEqualTo(403);
        assertThat(handshake(stack, host(stack, "localhost") + "Origin: http://localhost:5173\r\n").status())
                .as("not on a stack without the flag").isEqualTo(403);
    }

    @Test
    void theStackListensOnLoopbackOnly() {
        List<InetAddress> network = NetworkAddresses.nonLoopback();
        assumeFalse(network.isEmpty(), "this machine has no address but loopback");
        LocalRuntime withDynamoDb = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0));
        try {
            for (int port : List.of(withDynamoDb.gateway().port(), withDynamoDb.dynamoDbEndpoint().getPort())) {
                assertThat(NetworkAddresses.accepts(InetAddress.getLoopbackAddress(), port)).isTrue();
                assertThat(network).as("port %d", port).noneMatch(address -> NetworkAddresses.accepts(address, port));
            }
        } finally {
            withDynamoDb.close();
        }
    }
}
