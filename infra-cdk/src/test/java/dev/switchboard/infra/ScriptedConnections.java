package dev.switchboard.infra;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * API Gateway's {@code @connections} API for one stage on a loopback port: POST 200 (410 GoneException for
 * connections marked gone, 429 for those marked throttled), GET 200 with the connection's details (410 when
 * gone), DELETE 204; records each request's method. Stands in for the gateway when the tests drive the
 * grants a function holds against what its handler really calls.
 */
final class ScriptedConnections implements AutoCloseable {
    private final HttpServer server;
    private final String stage;
    private final Set<String> gone = ConcurrentHashMap.newKeySet();
    private final Set<String> throttled = ConcurrentHashMap.newKeySet();
    final List<String> received = new CopyOnWriteArrayList<>();

    ScriptedConnections(String stage) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.stage = stage;
        server.createContext("/" + stage + "/@connections/", this::answer);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + stage);
    }

    void gone(String... users) {
        for (String user : users) {
            gone.add(user + "-connection");
        }
    }

    void throttled(String... users) {
        for (String user : users) {
            throttled.add(user + "-connection");
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            String connectionId = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1),
                    StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            received.add(method);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (gone.contains(connectionId)) {
                byte[] error = "{\"message\":\"GoneException\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("x-amzn-ErrorType", "GoneException");
                exchange.sendResponseHeaders(410, error.length);
                exchange.getResponseBody().write(error);
            } else if (throttled.contains(connectionId) && "POST".equals(method)) {
                byte[] error = "{\"message\":\"LimitExceededException\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("x-amzn-ErrorType", "LimitExceededException");
                exchange.sendResponseHeaders(429, error.length);
                exchange.getResponseBody().write(error);
            } else if ("GET".equals(method)) {
                byte[] info = ("{\"connectedAt\":\"2026-12-03T10:00:00.000Z\",\"lastActiveAt\":"
                        + "\"2026-12-03T10:05:00.000Z\",\"identity\":{\"sourceIp\":\"203.0.113.9\","
                        + "\"userAgent\":\"test\"}}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, info.length);
                exchange.getResponseBody().write(info);
            } else {
                exchange.sendResponseHeaders("DELETE".equals(method) ? 204 : 200, -1);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
