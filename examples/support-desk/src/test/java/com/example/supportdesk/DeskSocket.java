package com.example.supportdesk;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A customer's or an agent's WebSocket, with the JDK's client: sends frames, waits for the frames it expects. */
final class DeskSocket implements WebSocket.Listener, AutoCloseable {

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> skipped = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket socket;

    static DeskSocket connect(URI webSocketUrl, String token) {
        DeskSocket listener = new DeskSocket();
        listener.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .buildAsync(webSocketUrl, listener).join();
        return listener;
    }

    /** The HTTP status the handshake was refused with, or 101 when it was not. */
    static int handshakeStatus(URI webSocketUrl, String token) {
        try {
            connect(webSocketUrl, token).close();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    DeskSocket send(String frame) {
        socket.sendText(frame, true).join();
        return this;
    }

    /** The answer (reply, ack or error) to the frame with this id. */
    JsonNode answerTo(String id) {
        return next(frame -> id.equals(frame.path("id").asText()) && !"message".equals(frame.path("type").asText()));
    }

    /** The next frame of this type. */
    JsonNode next(String type) {
        return next(frame -> type.equals(frame.path("type").asText()));
    }

    /** The next frame that matches, waiting up to 10 s; frames before it stay for later calls. */
    synchronized JsonNode next(Predicate<JsonNode> wanted) {
        for (Iterator<JsonNode> it = skipped.iterator(); it.hasNext(); ) {
            JsonNode frame = it.next();
            if (wanted.test(frame)) {
                it.remove();
                return frame;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonNode frame;
            try {
                frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (frame == null) {
                throw new AssertionError("no such frame within 10 s; unread: " + skipped);
            }
            if (wanted.test(frame)) {
                return frame;
            }
            skipped.add(frame);
        }
    }

    /** Every frame received and not taken yet. */
    synchronized List<JsonNode> unread() {
        List<JsonNode> all = new ArrayList<>(skipped);
        all.addAll(frames);
        return all;
    }

    /** The close code the server closed the socket with, waiting up to 10 s. */
    int closeCode() {
        return closed.orTimeout(10, TimeUnit.SECONDS).join();
    }

    boolean isOpen() {
        return !closed.isDone();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                frames.add(Json.MAPPER.readTree(partial.toString()));
            } catch (IOException e) {
                throw new AssertionError("the server sent a frame that is not JSON: " + partial, e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        socket.abort();
    }
}
