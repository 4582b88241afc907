package dev.switchboard.server;

import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A client on a real WebSocket (the JDK's): sends frames, hands over the frames it receives, notes its close. */
final class ClientSocket implements WebSocket.Listener, AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final BlockingQueue<ServerFrame> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final WebSocket socket;

    private ClientSocket(URI url) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(url, this).join();
    }

    static ClientSocket open(URI url) {
        return new ClientSocket(url);
    }

    void send(String frame) {
        socket.sendText(frame, true).join();
    }

    /** The first frame received from now on that matches, skipping others; fails after a generous wait. */
    <T extends ServerFrame> T next(Class<T> type, Predicate<T> matching) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (true) {
                ServerFrame frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (frame == null) {
                    throw new AssertionError("no " + type.getSimpleName() + " frame arrived");
                }
                if (type.isInstance(frame) && matching.test(type.cast(frame))) {
                    return type.cast(frame);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    <T extends ServerFrame> T next(Class<T> type) {
        return next(type, frame -> true);
    }

    /** The close status the server closed the socket with; fails when it stays open. */
    int awaitClosed() {
        try {
            return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the socket was not closed", e);
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            FrameCodec.decodeServer(partial.toString()).ifPresent(frames::add);
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
        closed.complete(-1);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
        }
        socket.abort();
    }
}
