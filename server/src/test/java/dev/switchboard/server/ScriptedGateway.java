package dev.switchboard.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server answering as API Gateway's {@code @connections} API does (POST 200, DELETE 204, GET 200;
 * errors with the {@code x-amzn-ErrorType} the SDK maps to its exceptions), with a status scripted per connection
 * id where a test needs the gateway to refuse (410 gone, 429 throttled). Records every request.
 */
final class ScriptedGateway implements AutoCloseable {

    static final String STAGE = "prod";

    /** One request as received. */
    record Request(String method, String connectionId, String body) {
    }

    private final HttpServer server;
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    ScriptedGateway() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/" + STAGE + "/@connections/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + STAGE);
    }

    /** Answers every later request for the connection with this status. */
    ScriptedGateway answer(String connectionId, int status) {
        statuses.put(connectionId, status);
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requests(String method) {
        return requests.stream().filter(r -> r.method().equals(method)).toList();
    }

    void clear() {
        requests.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            String connectionId = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            requests.add(new Request(method, connectionId, body));
            int status = statuses.getOrDefault(connectionId, "DELETE".equals(method) ? 204 : 200);
            String errorType = switch (status) {
                case 410 -> "GoneException";
                case 429 -> "LimitExceededException";
                default -> status >= 400 ? "InternalServerErrorException" : null;
            };
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (errorType != null) {
                exchange.getResponseHeaders().add("x-amzn-ErrorType", errorType);
                byte[] error = ("{\"message\":\"" + errorType + "\"}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, error.length);
                exchange.getResponseBody().write(error);
            } else if ("GET".equals(method)) {
                byte[] info = ("{\"connectedAt\":\"2026-12-03T10:00:00.000Z\",\"lastActiveAt\":"
                        + "\"2026-12-03T10:05:00.000Z\",\"identity\":{\"sourceIp\":\"203.0.113.9\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, info.length);
                exchange.getResponseBody().write(info);
            } else {
                exchange.sendResponseHeaders(status, -1);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
