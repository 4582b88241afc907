package dev.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.local.DemoPage;
import dev.switchboard.local.LocalExtensions;
import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import dev.switchboard.local.LocalTokens;
import dev.switchboard.protocol.ApplicationRoutes;
import dev.switchboard.protocol.Route;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the JavaScript client's Node tests and the Chromium end-to-end test of the demo page against two local stacks
 * started here (each serving the page at its root): one without authentication, as {@code ./switchboard local}
 * runs, and one with {@code --auth}. So {@code ./mvnw verify} covers the web client too.
 */
class WebClientTest {

    private static final Path WEB = Path.of("").toAbsolutePath();
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    private static LocalRuntime stack;
    private static LocalRuntime authStack;
    private static HttpServer routeEndpoints;
    private static ExecutorService routeThreads;
    /** Every call the held route received, as the event's JSON. */
    private static final List<String> held = new CopyOnWriteArrayList<>();
    private static final CountDownLatch release = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        startRoutes();
        String base = routesUrl();
        LocalExtensions routes = LocalExtensions.none()
                .withRoute("echo", base + "/echo")
                .withRoute("refuse", base + "/refuse")
                .withRoute("down", base + "/down")
                .withRoute("hold", base + "/hold");
        stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0), DemoPage.fromClasspath(), routes);
        authStack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withAuth(true),
                DemoPage.fromClasspath());
        if (!Files.isDirectory(WEB.resolve("node_modules/playwright-core"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300);
        }
    }

    @AfterAll
    static void stop() {
        release.countDown();
        stack.close();
        authStack.close();
        routeEndpoints.stop(0);
        routeThreads.shutdownNow();
    }

    /**
     * The application routes of the stack without authentication, served here: {@code echo} answers with the event
     * it was given, {@code refuse} with an error of the application's, {@code down} with 503 (the function cannot be
     * reached), and {@code hold} answers only when the tests are over, so a call can be in flight while its connection
     * drops; {@code GET /held?marker=...} says how many held calls carried that marker.
     */
    private static void startRoutes() throws IOException {
        routeEndpoints = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        routeThreads = Executors.newCachedThreadPool();
        routeEndpoints.setExecutor(routeThreads);
        routeEndpoints.createContext("/echo", exchange -> answer(exchange, 200,
                "{\"data\":" + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + "}"));
        routeEndpoints.createContext("/refuse", exchange -> answer(exchange, 200,
                "{\"error\":{\"code\":\"NOT_ASSIGNEE\",\"message\":\"only the ticket's agent\"}}"));
        routeEndpoints.createContext("/down", exchange -> answer(exchange, 503, ""));
        routeEndpoints.createContext("/hold", exchange -> {
            held.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "{\"data\":\"late\"}");
        });
        routeEndpoints.createContext("/held", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            String marker = query == null ? "" : query.replaceFirst("^marker=", "");
            long count = marker.isEmpty() ? 0 : held.stream().filter(event -> event.contains("\"" + marker + "\""))
                    .count();
            answer(exchange, 200, Long.toString(count));
        });
        routeEndpoints.start();
    }

    private static String routesUrl() {
        return "http://127.0.0.1:" + routeEndpoints.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private static String httpBase(LocalRuntime target) {
        return "http://localhost:" + target.gateway().port();
    }

    private static String run(List<String> command, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(WEB.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s:\n" + output);
        }
        System.out.println(output);
        assertThat(process.exitValue()).as(command + " failed:\n" + output).isZero();
        return output;
    }

    @Test
    void javaScriptClientTestsPassAgainstTheLocalRuntime() throws Exception {
        String output = run(List.of("node", "--experimental-websocket", "--test", "test/client.test.mjs"), Map.of(
                "SWITCHBOARD_WS_URL", stack.webSocketUrl().toString(),
                "SWITCHBOARD_ROUTES_URL", routesUrl(),
                // The client's copy of the rule for route names is checked against the protocol's.
                "SWITCHBOARD_ROUTE_NAME_PATTERN", ApplicationRoutes.NAME.pattern(),
                "SWITCHBOARD_ROUTE_KEYS", Arrays.stream(Route.values()).map(Route::key)
                        .collect(Collectors.joining(","))), 300);
        assertThat(output).contains("# fail 0", "# skipped 0").doesNotContain("# pass 0");
    }

    @Test
    void javaScriptClientTokenTestsPassAgainstTheLocalRuntimeWithAuth() throws Exception {
        String output = run(List.of("node", "--experimental-websocket", "--test", "test/auth.test.mjs"), Map.of(
                "SWITCHBOARD_AUTH_WS_URL", authStack.webSocketUrl().toString(),
                "SWITCHBOARD_JWT_SECRET", authStack.jwtSecret().orElseThrow(),
                "SWITCHBOARD_JWT_ISSUER", LocalTokens.ISSUER), 300);
        assertThat(output).contains("# fail 0", "# skipped 0").doesNotContain("# pass 0");
    }

    @Test
    void theDemoPageIsServedWithTheClient() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(httpBase(stack) + "/")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("Switchboard chat");
        var script = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(httpBase(stack) + "/switchboard-client.mjs")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(script.headers().firstValue("content-type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/javascript"));
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(httpBase(stack) + "/../pom.xml")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isNotEqualTo(200);
    }

    @Test
    void twoBrowserPagesChatAndADroppedPageRecoversEveryMessageInChromium() throws Exception {
        skipWithoutChromium();
        String output = run(List.of("node", "e2e/chat.e2e.mjs"), Map.of(
                "SWITCHBOARD_HTTP_URL", httpBase(stack),
                "CHROMIUM", CHROMIUM.toString(),
                "SCREENSHOT", "target/chat.png"), 180);
        assertThat(output).contains("bob shows all 4 messages once, in order").doesNotContain("FAIL");
        assertThat(WEB.resolve("target/chat.png")).isNotEmptyFile();
    }

    @Test
    void theDemoPageWorksWithAuthenticationThroughATokenInItsUrl() throws Exception {
        skipWithoutChromium();
        String secret = authStack.jwtSecret().orElseThrow();
        String output = run(List.of("node", "e2e/chat.e2e.mjs"), Map.of(
                "SWITCHBOARD_HTTP_URL", httpBase(authStack),
                "ALICE_TOKEN", LocalTokens.mint(secret, "alice", Duration.ofHours(1)),
                "BOB_TOKEN", LocalTokens.mint(secret, "bob", Duration.ofHours(1)),
                "CHROMIUM", CHROMIUM.toString(),
                "SCREENSHOT", "target/chat-auth.png"), 180);
        assertThat(output).contains("bob shows all 4 messages once, in order", "messages show their senders")
                .doesNotContain("FAIL");
        assertThat(WEB.resolve("target/chat-auth.png")).isNotEmptyFile();
    }

    private static void skipWithoutChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            System.err.println("""
                    ****************************************************************************
                    *  SKIPPING the Chromium test: no browser at %s.
                    *  Install it with: apt-get install -y chromium   (.ci/run does this)
                    ****************************************************************************"""
                    .formatted(CHROMIUM));
            Assumptions.abort("Chromium is not installed at " + CHROMIUM);
        }
    }
}
