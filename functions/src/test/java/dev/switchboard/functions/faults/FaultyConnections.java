package dev.switchboard.functions.faults;

import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * API Gateway's {@code @connections} as the HTTP client of the handlers' real management API SDK client, answering
 * as the gateway does (status, {@code x-amzn-ErrorType}, JSON body) and failing at random:
 * <ul>
 *   <li>a set fraction of posts is answered 429 {@code LimitExceededException} or 500, half each; half of those 500s
 *       come after the frame reached the socket (the client gets it, the sender hears of a failure);</li>
 *   <li>at a small rate a post finds its connection dropped (the client's network went away): 410 from then on,
 *       for that post and every later one.</li>
 * </ul>
 * Records what each connection received, and which invocation posted it. Draws are keyed by connection, message and
 * attempt, so concurrent broadcasts draw the same faults in every run with the same seed.
 */
final class FaultyConnections implements SdkHttpClient {

    static final String STAGE = "faults";
    static final URI ENDPOINT = URI.create("https://connections.invalid/" + STAGE);
    private static final String PATH = "/" + STAGE + "/@connections/";

    /** One frame a connection received, and whether a send's own broadcast posted it or the fan-out worker did. */
    record Delivery(byte[] payload, Scope.Kind via) {
    }

    private final Draws draws;
    private final double faultRate;
    private final double dropRate;
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private final Queue<String> dropped = new ConcurrentLinkedQueue<>();
    private final Map<String, Queue<Delivery>> inboxes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private final AtomicInteger deliveredThenFailed = new AtomicInteger();
    private final AtomicInteger gone = new AtomicInteger();

    FaultyConnections(Draws draws, double faultRate, double dropRate) {
        this.draws = draws;
        this.faultRate = faultRate;
        this.dropRate = dropRate;
    }

    /** The socket exists: {@code $connect} answered 200. */
    void opened(String connectionId) {
        open.add(connectionId);
        inboxes.putIfAbsent(connectionId, new ConcurrentLinkedQueue<>());
    }

    boolean isOpen(String connectionId) {
        return open.contains(connectionId);
    }

    /** Connections dropped since the last call, in the order they dropped. */
    List<String> takeDropped() {
        List<String> taken = new ArrayList<>();
        for (String id; (id = dropped.poll()) != null; ) {
            taken.add(id);
        }
        return taken;
    }

    /** What the connection received since the last call. */
    List<Delivery> take(String connectionId) {
        Queue<Delivery> inbox = inboxes.get(connectionId);
        List<Delivery> taken = new ArrayList<>();
        for (Delivery delivery; inbox != null && (delivery = inbox.poll()) != null; ) {
            taken.add(delivery);
        }
        return taken;
    }

    int posts() {
        return posts.get();
    }

    int delivered() {
        return delivered.get();
    }

    int throttled() {
        return throttled.get();
    }

    int serverErrors() {
        return serverErrors.get();
    }

    int deliveredThenFailed() {
        return deliveredThenFailed.get();
    }

    int gone() {
        return gone.get();
    }

    /** Distinct (connection, frame) pairs posted: posts beyond these were retries. */
    int distinctPosts() {
        return attempts.size();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                return execute(request);
            }

            @Override
            public void abort() {
                // Answered on the caller's thread.
            }
        };
    }

    private HttpExecuteResponse execute(HttpExecuteRequest request) throws IOException {
        String path = request.httpRequest().encodedPath();
        if (!path.startsWith(PATH)) {
            return answer(403, "ForbiddenException");
        }
        String connectionId = URLDecoder.decode(path.substring(PATH.length()), StandardCharsets.UTF_8);
        SdkHttpMethod method = request.httpRequest().method();
        if (method == SdkHttpMethod.DELETE) {
            return open.remove(connectionId) ? answer(204, null) : answer(410, "GoneException");
        }
        if (method == SdkHttpMethod.GET) {
            return open.contains(connectionId) ? info() : answer(410, "GoneException");
        }
        byte[] payload;
        try (InputStream in = request.contentStreamProvider().orElseThrow().newStream()) {
            payload = in.readAllBytes();
        }
        return post(connectionId, payload);
    }

    private HttpExecuteResponse post(String connectionId, byte[] payload) {
        posts.incrementAndGet();
        String frame = describe(payload);
        String key = connectionId + "|" + frame;
        int attempt = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        String draw = key + "@" + attempt;
        if (open.contains(connectionId) && draws.chance(draw + "/drop", dropRate) && open.remove(connectionId)) {
            dropped.add(connectionId);
        }
        if (!open.contains(connectionId)) {
            gone.incrementAndGet();
            return answer(410, "GoneException");
        }
        if (draws.chance(draw + "/fault", faultRate)) {
            if (draws.chance(draw + "/throttle", 0.5)) {
                throttled.incrementAndGet();
                return answer(429, "LimitExceededException");
            }
            serverErrors.incrementAndGet();
            if (draws.chance(draw + "/after", 0.5)) {
                deliveredThenFailed.incrementAndGet();
                deliver(connectionId, payload);
            }
            return answer(500, "InternalServerErrorException");
        }
        delivered.incrementAndGet();
        deliver(connectionId, payload);
        return answer(200, null);
    }

    private void deliver(String connectionId, byte[] payload) {
        inboxes.computeIfAbsent(connectionId, id -> new ConcurrentLinkedQueue<>())
                .add(new Delivery(payload, Scope.current().kind()));
    }

    /** Names a frame by what the test put in it (a message's data is unique per send), not by ids or times. */
    private static String describe(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        return FrameCodec.decodeServer(text)
                .map(frame -> frame instanceof ServerFrame.Message message ? "message " + message.data() : text)
                .orElse(text);
    }

    private static HttpExecuteResponse info() {
        return response(200, null, "{\"connectedAt\":\"2026-12-01T10:00:00.000Z\",\"lastActiveAt\":"
                + "\"2026-12-01T10:05:00.000Z\",\"identity\":{\"sourceIp\":\"203.0.113.9\",\"userAgent\":\"sim\"}}");
    }

    private static HttpExecuteResponse answer(int status, String errorType) {
        return response(status, errorType, errorType == null ? "" : "{\"message\":\"" + errorType + "\"}");
    }

    private static HttpExecuteResponse response(int status, String errorType, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        SdkHttpResponse.Builder response = SdkHttpResponse.builder()
                .statusCode(status)
                .putHeader("x-amzn-RequestId", "simulated")
                .putHeader("Content-Length", Integer.toString(body.length));
        if (body.length > 0) {
            response.putHeader("Content-Type", "application/json");
        }
        if (errorType != null) {
            response.putHeader("x-amzn-ErrorType", errorType);
        }
        return HttpExecuteResponse.builder().response(response.build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body))).build();
    }

    @Override
    public String clientName() {
        return "SimulatedConnections";
    }

    @Override
    public void close() {
        // Nothing held.
    }
}
