package dev.switchboard.functions.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server that answers like API Gateway's {@code @connections} API, scriptable per connection id:
 * statuses are served in order and the last one repeats. Errors carry the body and {@code x-amzn-ErrorType}
 * header API Gateway sends, so the real SDK maps them to its modelled exceptions.
 */
public final class FakeConnectionsApi implements AutoCloseable {

    static final String STAGE = "test";
    private static final int MAX_PAYLOAD = 128 * 1024;

    /** One request as received. */
    public record Received(String method, String connectionId, byte[] body, String authorization) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final Map<String, Deque<Integer>> scripts = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private volatile long latencyMillis;

    public FakeConnectionsApi() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/" + STAGE + "/@connections/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + STAGE);
    }

    /** Statuses to answer for a connection, in order; the last repeats. Unscripted ids get 200. */
    public FakeConnectionsApi script(String connectionId, Integer... statuses) {
        scripts.put(connectionId, new ArrayDeque<>(List.of(statuses)));
        return this;
    }

    void latency(long millis) {
        latencyMillis = millis;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    long requestsFor(String connectionId) {
        return received.stream().filter(r -> r.connectionId().equals(connectionId)).count();
    }

    int peakInFlight() {
        return peakInFlight.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            // Counted from a full request to just before the answer: once the client has the answer it may send
            // its next request, which must not overlap this one in the count.
            int now = inFlight.incrementAndGet();
            peakInFlight.accumulateAndGet(now, Math::max);
            String path = exchange.getRequestURI().getRawPath();
            String connectionId = java.net.URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1),
                    StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), connectionId, body,
                    exchange.getRequestHeaders().getFirst("Authorization")));
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            int status = body.length > MAX_PAYLOAD ? 413 : nextStatus(connectionId);
            inFlight.decrementAndGet();
            respond(exchange, status, exchange.getRequestMethod());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int nextStatus(String connectionId) {
        Deque<Integer> script = scripts.get(connectionId);
        if (script == null) {
            return 200;
        }
        synchronized (script) {
            return script.size() > 1 ? script.poll() : script.peek();
        }
    }

    private static void respond(HttpExchange exchange, int status, String method) throws IOException {
        String errorType = switch (status) {
            case 403 -> "ForbiddenException";
            case 410 -> "GoneException";
            case 413 -> "PayloadTooLargeException";
            case 429 -> "LimitExceededException";
            default -> status >= 500 ? "InternalServerErrorException" : null;
        };
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("x-amzn-RequestId", "fake-request");
        if (errorType != null) {
            exchange.getResponseHeaders().add("x-amzn-ErrorType", errorType);
            byte[] error = ("{\"message\":\"" + errorType + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, error.length);
            exchange.getResponseBody().write(error);
        } else if ("GET".equals(method)) {
            byte[] info = ("{\"connectedAt\":\"2026-11-24T10:00:00.000Z\",\"lastActiveAt\":\"2026-11-24T10:05:00.000Z\","
                    + "\"identity\":{\"sourceIp\":\"203.0.113.9\",\"userAgent\":\"test\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, info.length);
            exchange.getResponseBody().write(info);
        } else if ("DELETE".equals(method)) {
            exchange.sendResponseHeaders(204, -1);
        } else {
            exchange.sendResponseHeaders(status, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
