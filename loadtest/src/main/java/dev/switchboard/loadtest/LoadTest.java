package dev.switchboard.loadtest;

import dev.switchboard.core.Quotas;
import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The load tool: opens N connections at a ramp rate, joins them to R rooms, publishes at a rate from random
 * members, and measures end-to-end latency (send to receive, HdrHistogram), throughput, connection errors, and
 * lost, duplicated and out-of-order messages. Against the local stack (started in-process when no URL is given) or
 * a deployed {@code wss://} URL with a token.
 *
 * <p>Every send is answered: acknowledged, or refused at once with a temporary error ({@code OVERLOADED} when the
 * stack is past its capacity, {@code RATE_LIMITED} past a connection's frame quota). A refusal is counted as such
 * (the tool offers load, it does not retry it); a send with no answer, or a failure, makes the run fail. Each
 * second it prints what was offered, acknowledged (goodput) and refused.
 *
 * <p>Its parts: {@link LoadPeer} (one connection), {@link LoadTraffic} (what is sent, and when) and
 * {@link LoadRun} (the tally, and the report made of it).
 */
public final class LoadTest {

    /** The progress line that marks the start of the measured part (after the warm-up). */
    static final String MEASURING = "measuring for ";

    private LoadTest() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        LoadReport report = run(options, System.err::println);
        report.write(options.reportDirectory());
        System.err.println("report: " + options.reportDirectory().resolve("report.html"));
        System.out.println(report.json());
        // Lost = acknowledged by the server but never delivered; an unanswered or failed send is a failure too. A
        // refused send was answered: the stack said at once that it could not take it.
        System.exit(report.lost() == 0 && report.duplicated() == 0 && report.everySendAnswered() ? 0 : 1);
    }

    public static LoadReport run(LoadOptions options, Consumer<String> progress) throws Exception {
        LocalRuntime stack = options.url().isEmpty()
                ? LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withMemoryStore(options.memoryStore())
                        .withQuotas(quotasFor(options)))
                : null;
        int perConnection = perConnectionRate(options);
        if (stack == null && options.inFlight() == 0 && perConnection > Quotas.DEFAULT_FRAME_RATE) {
            progress.accept("note: " + options.rate() + " sends/s over " + options.connections() + " connections is"
                    + " up to " + perConnection + " frames/s per connection, over the default quota of "
                    + Quotas.DEFAULT_FRAME_RATE + "/s: a stack with the default frameRate refuses the excess with "
                    + "RATE_LIMITED (counted as refused)");
        }
        try {
            URI url = options.url().orElseGet(() -> stack.webSocketUrl());
            URI target = options.token().map(t -> URI.create(url + (url.getQuery() == null ? "?" : "&") + "token="
                    + URLEncoder.encode(t, StandardCharsets.UTF_8))).orElse(url);
            return execute(options, target, progress);
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    /**
     * The frame quotas of the stack the tool starts: enough that no connection hits its own quota at the offered
     * rate (senders are picked at random, so some send more than the average), so that what the run measures is
     * the stack's capacity, not one connection's quota. The defaults, when they are enough.
     */
    static Quotas quotasFor(LoadOptions options) {
        int rate = options.inFlight() > 0 ? CLOSED_LOOP_FRAME_RATE
                : Math.max(Quotas.DEFAULT_FRAME_RATE, perConnectionRate(options));
        return Quotas.defaults().withFrames(rate, Math.max(Quotas.DEFAULT_FRAME_BURST, 2 * rate));
    }

    /** A closed loop sends as fast as the stack answers: its quota is never what limits it. */
    private static final int CLOSED_LOOP_FRAME_RATE = 10_000;

    /** Frames per second one connection may send: four times the average, for the random choice of senders. */
    private static int perConnectionRate(LoadOptions options) {
        return (int) Math.ceil(4.0 * options.rate() / options.connections());
    }

    /**
     * Opens the connections at the ramp rate and joins them to their rooms, warms up, measures, then waits (10 s at
     * most) for the last answers and deliveries.
     */
    private static LoadReport execute(LoadOptions options, URI target, Consumer<String> progress)
            throws InterruptedException {
        LoadRun run = new LoadRun();
        HttpClient http = HttpClient.newHttpClient();
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<LoadPeer> peers = new ArrayList<>();
        int connectionErrors = 0;
        long rampStart = System.nanoTime();
        for (int i = 0; i < options.connections(); i++) {
            long due = rampStart + (long) (i * 1e9 / options.rampPerSecond());
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            LoadPeer peer = new LoadPeer(i % options.rooms(), runId, run);
            try {
                peer.socket = connect(http, target, peer);
                peer.send(peer.joinFrame());
                peers.add(peer);
            } catch (Exception e) {
                connectionErrors++;
            }
            if (i % 500 == 499) {
                progress.accept("connected " + peers.size() + " of " + options.connections());
            }
        }
        long joinDeadline = System.currentTimeMillis() + 60_000;
        while (run.joined.get() < peers.size() && System.currentTimeMillis() < joinDeadline) {
            Thread.sleep(10);
        }
        progress.accept("joined " + run.joined.get() + " connections to " + options.rooms() + " rooms; sending "
                + options.rate() + " messages/s for " + options.duration().toSeconds() + " s");

        LoadTraffic traffic = new LoadTraffic(options, run, peers);
        if (!options.warmup().isZero()) {
            traffic.warmUp(progress);
        }

        List<long[]> series = new ArrayList<>();
        progress.accept(MEASURING + options.duration().toSeconds() + " s");
        long start = System.nanoTime();
        traffic.measure(start, () -> series.add(run.second(progress)));
        long drainUntil = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < drainUntil && !run.complete(peers)) {
            Thread.sleep(20);
        }
        series.add(run.second(progress));
        double seconds = (System.nanoTime() - start) / 1e9;
        peers.forEach(p -> p.socket.abort());
        http.shutdownNow();
        return run.report(options, peers, connectionErrors, seconds, series);
    }

    /** Opens a socket; a handshake the stack refuses with 429 (over its capacity) is tried again after Retry-After. */
    private static WebSocket connect(HttpClient http, URI target, LoadPeer peer) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                        .buildAsync(target, peer).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (attempt < 5 && e.getCause() instanceof WebSocketHandshakeException refused
                        && refused.getResponse().statusCode() == 429) {
                    long seconds = refused.getResponse().headers().firstValueAsLong("Retry-After").orElse(1);
                    Thread.sleep(Math.max(1, seconds) * 1_000);
                } else {
                    throw e;
                }
            }
        }
    }
}
