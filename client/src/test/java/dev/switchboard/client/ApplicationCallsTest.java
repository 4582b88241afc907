package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.local.LocalExtensions;
import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import dev.switchboard.local.StaticContent;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerFrame;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SwitchboardClient#call} against the local stack with application routes served by HTTP endpoints here: one
 * that answers with the event it received, one that refuses, one that is down, and one that holds its answer until
 * the test ends (to have a call in flight while the connection drops).
 */
class ApplicationCallsTest {

    /** Every call the held route received, as the event's JSON. */
    private static final List<String> held = new CopyOnWriteArrayList<>();
    private static final CountDownLatch release = new CountDownLatch(1);
    private static ExecutorService endpointThreads;
    private static HttpServer endpoint;
    private static LocalRuntime stack;

    private final List<SwitchboardClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpointThreads = Executors.newCachedThreadPool();
        endpoint.setExecutor(endpointThreads);
        endpoint.createContext("/echo", exchange -> answer(exchange, 200,
                "{\"data\":" + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + "}"));
        endpoint.createContext("/refuse", exchange -> answer(exchange, 200,
                "{\"error\":{\"code\":\"NOT_ASSIGNEE\",\"message\":\"only the ticket's agent\"}}"));
        endpoint.createContext("/down", exchange -> answer(exchange, 503, ""));
        endpoint.createContext("/hold", exchange -> {
            held.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "{\"data\":\"late\"}");
        });
        endpoint.start();
        String base = "http://127.0.0.1:" + endpoint.getAddress().getPort();
        LocalExtensions routes = LocalExtensions.none()
                .withRoute("echo", base + "/echo")
                .withRoute("refuse", base + "/refuse")
                .withRoute("down", base + "/down")
                .withRoute("hold", base + "/hold");
        stack = LocalRuntime.start(LocalRuntimeOptions.parse("--port", "0", "--store", "memory"), StaticContent.none(),
                routes);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @AfterAll
    static void stop() {
        release.countDown();
        stack.close();
        endpoint.stop(0);
        endpointThreads.shutdownNow();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(SwitchboardClient::close);
    }

    private SwitchboardClient client(Duration requestTimeout) {
        SwitchboardClient client = SwitchboardClient.create(SwitchboardClientOptions.builder(stack.webSocketUrl())
                .requestTimeout(requestTimeout)
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build());
        clients.add(client);
        client.connect().join();
        return client;
    }

    private SwitchboardClient client() {
        return client(SwitchboardClientOptions.DEFAULT_REQUEST_TIMEOUT);
    }

    private static <T extends SwitchboardException> T failure(CompletableFuture<?> call, Class<T> type) {
        CompletionException failed = catchThrowableOfType(CompletionException.class, call::join);
        assertThat(failed).as("the call failed").isNotNull();
        assertThat(failed.getCause()).isInstanceOf(type);
        return type.cast(failed.getCause());
    }

    private static String marker() {
        return "\"m-" + UUID.randomUUID() + "\"";
    }

    @Test
    void aCallCompletesWithTheDataTheApplicationAnswered() {
        SwitchboardClient alice = client();

        ServerFrame.Reply reply = alice.call("echo", "{ \"text\" : \"hi\" }").join();

        assertThat(reply.action()).isEqualTo("echo");
        // The echo endpoint answers with the event it was given: the route, the caller and the call's data.
        assertThat(reply.data()).contains("\"route\":\"echo\"", "\"user\":\"anonymous:", "\"data\":{\"text\":\"hi\"}");
        assertThat(alice.call("echo").join().data()).contains("\"data\":null");
    }

    @Test
    void theApplicationsRefusalFailsTheCallWithItsCodeAndMessage() {
        ServerErrorException refused = failure(client().call("refuse", "{}"), ServerErrorException.class);

        assertThat(refused.code()).isEqualTo(ErrorCode.APPLICATION_ERROR);
        assertThat(refused.temporary()).isFalse();
        assertThat(refused).hasMessage("NOT_ASSIGNEE: only the ticket's agent");
    }

    @Test
    void aFunctionThatCannotBeReachedFailsTheCallAsATemporaryTimeoutAndTheConnectionStaysUsable() {
        SwitchboardClient alice = client();

        ServerErrorException timedOut = failure(alice.call("down", "1"), ServerErrorException.class);

        assertThat(timedOut.code()).isEqualTo(ErrorCode.APPLICATION_TIMEOUT);
        assertThat(timedOut.temporary()).isTrue();
        assertThat(alice.call("echo", "2").join().data()).contains("\"data\":2");
    }

    @Test
    void aCallWithoutAReplyWithinTheRequestTimeoutFailsOnTheClientsSideAsTemporary() {
        SwitchboardClient alice = client(Duration.ofMillis(300));

        ClientSideException late = failure(alice.call("hold", marker()), ClientSideException.class);

        assertThat(late.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(late.temporary()).isTrue();
        assertThat(late).hasMessage("no reply within 300 ms");
    }

    @Test
    void anActionNoRouteServesIsTheServersUnknownAction() {
        ServerErrorException unknown = failure(client().call("typo", "{}"), ServerErrorException.class);

        assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_ACTION);
    }

    @Test
    void aCallInFlightWhenTheConnectionDropsFailsAndIsNotSentAgainAfterTheReconnect() {
        SwitchboardClient alice = client();
        String marker = marker();
        CompletableFuture<ServerFrame.Reply> inFlight = alice.call("hold", marker);
        await().until(() -> held.stream().anyMatch(event -> event.contains(marker)));

        CompletableFuture<Void> networkBack = new CompletableFuture<>();
        alice.dropConnection(networkBack);
        // Made while the network is down, so never sent: it goes out once the connection is back.
        CompletableFuture<ServerFrame.Reply> queued = alice.call("echo", "4");
        networkBack.complete(null);
        ClientSideException lost = failure(inFlight, ClientSideException.class);

        assertThat(lost.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(lost.temporary()).isTrue();
        assertThat(lost).hasMessage("connection lost before the reply");
        assertThat(queued.join().data()).contains("\"data\":4");
        assertThat(alice.state()).isEqualTo(SwitchboardClient.State.OPEN);
        // A resend would have gone out with the queued call, before its reply.
        assertThat(alice.call("echo", "5").join().data()).contains("\"data\":5");
        assertThat(held).filteredOn(event -> event.contains(marker)).hasSize(1);
    }
}
