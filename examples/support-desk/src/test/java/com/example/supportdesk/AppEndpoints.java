package com.example.supportdesk;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The desk's handler classes served over loopback HTTP, as the local runtime's {@code --route NAME=URL},
 * {@code --hook onJoin=URL} and {@code --events URL} call them: each POST body goes to the class's
 * {@code handleRequest} and its output is the answer, as Lambda would pass them. A handler that throws answers 500,
 * as a failed invocation. The handlers are the ones deployed; only the transport is the test's.
 */
final class AppEndpoints implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, RequestStreamHandler> handlers = new ConcurrentHashMap<>();
    /** Every request body, by path: what the runtime sent. */
    private final Map<String, List<String>> received = new ConcurrentHashMap<>();

    AppEndpoints() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves the handler at {@code /path}; the URL to give the runtime. */
    URI serve(String path, RequestStreamHandler handler) {
        handlers.put("/" + path, handler);
        return url(path);
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + path);
    }

    List<String> received(String path) {
        return List.copyOf(received.getOrDefault("/" + path, List.of()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
                    .add(new String(body, StandardCharsets.UTF_8));
            RequestStreamHandler handler = handlers.get(path);
            if (handler == null || !"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                handler.handleRequest(new ByteArrayInputStream(body), answer, null);
            } catch (RuntimeException e) {
                byte[] error = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(500, error.length);
                exchange.getResponseBody().write(error);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.size());
            exchange.getResponseBody().write(answer.toByteArray());
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
