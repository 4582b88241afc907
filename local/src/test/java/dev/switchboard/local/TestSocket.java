package dev.switchboard.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A plain JDK WebSocket client for tests: collects text messages and the close status. */
public final class TestSocket implements WebSocket.Listener, AutoCloseable {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    public final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final java.util.List<String> skipped = new java.util.ArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    public WebSocket socket;

    public static TestSocket open(URI url) {
        return open(url, Map.of());
    }

    public static TestSocket open(URI url, Map<String, String> headers) {
        TestSocket listener = new TestSocket();
        // A client of its own: one socket's trouble (e.g. an abort mid-close) cannot stall the next test's.
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        listener.socket = builder.buildAsync(url, listener).join();
        return listener;
    }

    /** The HTTP status a refused handshake answered with. */
    public static int refusalStatus(URI url, Map<String, String> headers) {
        try {
            open(url, headers).close();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    public TestSocket send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    /** Sends one message as continuation frames of at most {@code frameChars} characters each. */
    public TestSocket sendFragmented(String text, int frameChars) {
        for (int start = 0; start < text.length(); start += frameChars) {
            int end = Math.min(text.length(), start + frameChars);
            socket.sendText(text.substring(start, end), end == text.length()).join();
        }
        return this;
    }

    /** The next text message, waiting up to 10 s. */
    public String next() {
        synchronized (skipped) {
            if (!skipped.isEmpty()) {
                return skipped.removeFirst();
            }
        }
        return take();
    }

    private String take() {
        try {
            String message = messages.poll(10, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no message within 10 s");
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The next message whose text contains {@code marker}; messages before it stay queued for later calls (an
     * {@code ack} and a {@code message} may arrive in either order).
     */
    public String next(String marker) {
        synchronized (skipped) {
            for (java.util.Iterator<String> it = skipped.iterator(); it.hasNext(); ) {
                String message = it.next();
                if (message.contains(marker)) {
                    it.remove();
                    return message;
                }
            }
        }
        while (true) {
            String message = take();
            if (message.contains(marker)) {
                return message;
            }
            synchronized (skipped) {
                skipped.add(message);
            }
        }
    }

    /** Every message received and not yet taken by {@link #next()} or {@link #next(String)}, skipped ones included. */
    public java.util.List<String> unread() {
        synchronized (skipped) {
            java.util.List<String> all = new java.util.ArrayList<>(skipped);
            all.addAll(messages);
            return all;
        }
    }

    public int closeStatus() {
        return closed.orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
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
        closed.complete(1006);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }
}
