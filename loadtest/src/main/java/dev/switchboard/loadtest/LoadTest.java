package dev.switchboard.loadtest;

import dev.switchboard.core.Quotas;
import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerFrame;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

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
 */
public final class LoadTest {

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

    /** One connection of the run. */
    private static final class Peer implements WebSocket.Listener {
        final int room;
        String joinFrame;
        volatile boolean joined;
        final BitSet seen = new BitSet();
        long lastSeq;
        int duplicates;
        int outOfOrder;
        WebSocket socket;
        private final StringBuilder partial = new StringBuilder();
        private final Run run;

        Peer(int room, Run run) {
            this.room = room;
            this.run = run;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                run.received(this, text);
            }
            webSocket.request(1);
            return null;
        }
    }

    /** State shared by the peers and the publisher. */
    private static final class Run {
        final Recorder latencies = new Recorder(3);
        final Histogram total = new Histogram(3);
        final Map<Integer, Integer> room = new ConcurrentHashMap<>();
        final Map<Integer, AtomicInteger> ackedPerRoom = new ConcurrentHashMap<>();
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger joined = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong acked = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        /** The next measured send's key, in closed loop (the paced loop counts its own). */
        final AtomicInteger keys = new AtomicInteger();
        /** The measured sends acknowledged, by key (the send's position in the run). */
        final BitSet ackedKeys = new BitSet();
        /** Totals at the last per-second report: sent, acked, refused. */
        final long[] lastSecond = new long[3];
        final Map<String, Integer> pendingAcks = new ConcurrentHashMap<>();
        /** Closed loop: each sender's wait for the answer to its last send, by id; completed with the refusal's wait. */
        final Map<String, CompletableFuture<Long>> answers = new ConcurrentHashMap<>();

        synchronized void received(Peer peer, String text) {
            ServerFrame frame;
            try {
                frame = FrameCodec.decodeServer(text).orElse(null);
            } catch (ProtocolException e) {
                return;
            }
            switch (frame) {
                case ServerFrame.Message m -> {
                    int key = keyOf(m.data());
                    long sentMicros = timeOf(m.data());
                    if (key < 0) {
                        return;
                    }
                    if (peer.seen.get(key)) {
                        peer.duplicates++;
                        return;
                    }
                    peer.seen.set(key);
                    if (m.seq() < peer.lastSeq) {
                        peer.outOfOrder++;
                    }
                    peer.lastSeq = Math.max(peer.lastSeq, m.seq());
                    received.incrementAndGet();
                    latencies.recordValue(Math.max(0, micros() - sentMicros));
                }
                case ServerFrame.Ack a when "join".equals(a.action()) -> {
                    if (!peer.joined) {
                        peer.joined = true;
                        joined.incrementAndGet();
                    }
                }
                case ServerFrame.Error e when JOIN_ID.equals(e.id()) && e.temporary() -> rejoin(peer, e);
                case ServerFrame.Ack a when "send".equals(a.action()) -> {
                    answered(a.id(), 0L);
                    Integer roomOfMessage = pendingAcks.remove(a.id());
                    if (roomOfMessage != null) {
                        acked.incrementAndGet();
                        ackedKeys.set(Integer.parseInt(a.id().substring(1)));
                        ackedPerRoom.computeIfAbsent(roomOfMessage, r -> new AtomicInteger()).incrementAndGet();
                    }
                }
                case ServerFrame.Error e -> {
                    answered(e.id(), isRefusal(e) && e.retryAfterMs() != null ? e.retryAfterMs() : 0L);
                    errors.incrementAndGet();
                    Integer roomOfMessage = e.id() == null ? null : pendingAcks.remove(e.id());
                    if (roomOfMessage != null) {
                        (isRefusal(e) ? refused : failed).incrementAndGet();
                    }
                }
                case null, default -> {
                }
            }
        }

        private void answered(String id, long retryAfterMs) {
            CompletableFuture<Long> waiting = id == null ? null : answers.remove(id);
            if (waiting != null) {
                waiting.complete(retryAfterMs);
            }
        }
    }

    private static final String JOIN_ID = "join";
    /** The progress line that marks the start of the measured part (after the warm-up). */
    static final String MEASURING = "measuring for ";
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("loadtest-retry").factory());

    /** Refused at once, before the stack did any of it: past its capacity, or past the connection's frame quota. */
    static boolean isRefusal(ServerFrame.Error error) {
        return error.code() == ErrorCode.OVERLOADED || error.code() == ErrorCode.RATE_LIMITED;
    }

    /** Sends a refused join again after the wait the stack asked for, as a client library would. */
    private static void rejoin(Peer peer, ServerFrame.Error refusal) {
        long wait = refusal.retryAfterMs() == null ? 1_000 : refusal.retryAfterMs();
        LATER.schedule(() -> send(peer, peer.joinFrame), wait, TimeUnit.MILLISECONDS);
    }

    /** Sender and receivers live in this process, so one monotonic clock times both ends. */
    private static final long ORIGIN = System.nanoTime();

    static long micros() {
        return (System.nanoTime() - ORIGIN) / 1_000;
    }

    private static int keyOf(String data) {
        int at = data.indexOf("\"k\":");
        if (at < 0) {
            return -1;
        }
        int end = data.indexOf(',', at);
        return Integer.parseInt(data.substring(at + 4, end < 0 ? data.indexOf('}', at) : end));
    }

    private static long timeOf(String data) {
        int at = data.indexOf("\"t\":");
        int end = data.indexOf('}', at);
        int comma = data.indexOf(',', at);
        return Long.parseLong(data.substring(at + 4, comma > 0 && comma < end ? comma : end));
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

    private static LoadReport execute(LoadOptions options, URI target, Consumer<String> progress)
            throws InterruptedException {
        Run run = new Run();
        HttpClient http = HttpClient.newHttpClient();
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<Peer> peers = new ArrayList<>();
        int connectionErrors = 0;
        long rampStart = System.nanoTime();
        for (int i = 0; i < options.connections(); i++) {
            long due = rampStart + (long) (i * 1e9 / options.rampPerSecond());
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            Peer peer = new Peer(i % options.rooms(), run);
            try {
                peer.socket = connect(http, target, peer);
                peer.joinFrame = "{\"action\":\"join\",\"room\":\"load-" + runId + "-" + peer.room + "\",\"id\":\""
                        + JOIN_ID + "\"}";
                send(peer, peer.joinFrame);
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

        if (!options.warmup().isZero()) {
            warmUp(options, run, peers, runId, progress);
        }

        List<long[]> series = new ArrayList<>();
        progress.accept(MEASURING + options.duration().toSeconds() + " s");
        long start = System.nanoTime();
        long end = start + options.duration().toNanos();
        long nextReport = start + 1_000_000_000L;
        int key = 0;
        if (options.inFlight() > 0) {
            closedLoop(run, peers, options.inFlight(), runId, end, true, () -> series.add(second(run, progress)));
        }
        while (options.inFlight() == 0 && System.nanoTime() < end) {
            pace(start, key, options.rate());
            Peer sender = peers.get(ThreadLocalRandom.current().nextInt(peers.size()));
            String id = "k" + key;
            run.pendingAcks.put(id, sender.room);
            send(sender, "{\"action\":\"send\",\"room\":\"load-" + runId + "-" + sender.room + "\",\"id\":\"" + id
                    + "\",\"data\":{\"k\":" + key + ",\"t\":" + micros() + "}}");
            run.sent.incrementAndGet();
            key++;
            if (System.nanoTime() >= nextReport) {
                nextReport += 1_000_000_000L;
                series.add(second(run, progress));
            }
        }
        long drainUntil = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < drainUntil && !complete(run, peers)) {
            Thread.sleep(20);
        }
        series.add(second(run, progress));
        double seconds = (System.nanoTime() - start) / 1e9;
        peers.forEach(p -> p.socket.abort());
        http.shutdownNow();

        long expected = 0;
        long uniqueReceived = 0;
        int duplicates = 0;
        int outOfOrder = 0;
        for (Peer peer : peers) {
            expected += run.ackedPerRoom.getOrDefault(peer.room, new AtomicInteger()).get();
            uniqueReceived += peer.seen.cardinality();
            duplicates += peer.duplicates;
            outOfOrder += peer.outOfOrder;
        }
        return new LoadReport(options.connections(), peers.size(), connectionErrors, run.sent.get(),
                run.acked.get(), run.refused.get(), run.failed.get(), ackedByThird(run), run.errors.get(), expected,
                uniqueReceived,
                Math.max(0, expected - uniqueReceived), duplicates, outOfOrder, seconds,
                options.duration().toMillis() / 1000.0, options.warmup().toSeconds(), run.total.copy(), series);
    }

    /** How many of the sends of the run's first, middle and last third were acknowledged. */
    private static long[] ackedByThird(Run run) {
        long sent = run.sent.get();
        long[] thirds = new long[3];
        synchronized (run) {
            run.ackedKeys.stream().forEach(key -> thirds[(int) Math.min(2, key * 3L / Math.max(1, sent))]++);
        }
        return thirds;
    }

    /** Opens a socket; a handshake the stack refuses with 429 (over its capacity) is tried again after Retry-After. */
    private static WebSocket connect(HttpClient http, URI target, Peer peer) throws Exception {
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

    /**
     * Sends at the run's rate for the warm-up time, then returns: the stack gets the same load (and the JIT the
     * same code to compile) as in the measured part. These messages carry no key ("k") and ids outside the
     * measured ones, so receivers and the ack count skip them and no figure of the report includes them.
     */
    private static void warmUp(LoadOptions options, Run run, List<Peer> peers, String runId,
                               Consumer<String> progress) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + options.warmup().toNanos();
        if (options.inFlight() > 0) {
            progress.accept("warming up: " + options.inFlight() + " sends in flight for "
                    + options.warmup().toSeconds() + " s, left out of every figure");
            closedLoop(run, peers, options.inFlight(), runId, end, false, () -> { });
            return;
        }
        progress.accept("warming up: " + options.rate() + " messages/s for " + options.warmup().toSeconds()
                + " s, left out of every figure");
        for (int n = 0; System.nanoTime() < end; n++) {
            pace(start, n, options.rate());
            Peer sender = peers.get(ThreadLocalRandom.current().nextInt(peers.size()));
            send(sender, "{\"action\":\"send\",\"room\":\"load-" + runId + "-" + sender.room + "\",\"id\":\"w" + n
                    + "\",\"data\":{\"t\":" + micros() + "}}");
        }
    }

    /** How long a closed-loop sender waits for an answer before it counts the send unanswered and stops. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Until {@code end}, {@code inFlight} senders each send a message from a random connection and the next as soon
     * as it is answered (after the wait a refusal names): the stack is never offered more than it serves, and never
     * more than {@code inFlight} sends at once. Measured sends carry a key and count in every figure, warm-up sends
     * do not. Calls {@code everySecond} once a second meanwhile.
     */
    private static void closedLoop(Run run, List<Peer> peers, int inFlight, String runId, long end,
                                   boolean measured, Runnable everySecond) throws InterruptedException {
        AtomicInteger warmUps = new AtomicInteger();
        ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
        for (int s = 0; s < inFlight; s++) {
            senders.execute(() -> {
                while (System.nanoTime() < end) {
                    Peer peer = peers.get(ThreadLocalRandom.current().nextInt(peers.size()));
                    CompletableFuture<Long> answered = new CompletableFuture<>();
                    String room = "load-" + runId + "-" + peer.room;
                    if (measured) {
                        int key = run.keys.getAndIncrement();
                        String id = "k" + key;
                        run.answers.put(id, answered);
                        run.pendingAcks.put(id, peer.room);
                        send(peer, "{\"action\":\"send\",\"room\":\"" + room + "\",\"id\":\"" + id
                                + "\",\"data\":{\"k\":" + key + ",\"t\":" + micros() + "}}");
                        run.sent.incrementAndGet();
                    } else {
                        String id = "w" + warmUps.getAndIncrement();
                        run.answers.put(id, answered);
                        send(peer, "{\"action\":\"send\",\"room\":\"" + room + "\",\"id\":\"" + id
                                + "\",\"data\":{\"t\":" + micros() + "}}");
                    }
                    try {
                        long retryAfterMs = answered.get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        if (retryAfterMs > 0) {
                            Thread.sleep(retryAfterMs);
                        }
                    } catch (TimeoutException | ExecutionException e) {
                        return;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
        }
        long next = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) {
            long wait = Math.min(next, end) - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            if (System.nanoTime() >= next) {
                next += 1_000_000_000L;
                everySecond.run();
            }
        }
        senders.shutdown();
        if (!senders.awaitTermination(ANSWER_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) {
            senders.shutdownNow();
        }
    }

    /** Sleeps until message {@code n} of a run paced at {@code rate} per second from {@code start} is due. */
    private static void pace(long start, int n, int rate) throws InterruptedException {
        long due = start + (long) (n * 1e9 / rate);
        long now = System.nanoTime();
        if (due > now) {
            Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
        }
    }

    private static void send(Peer sender, String frame) {
        synchronized (sender) {
            sender.socket.sendText(frame, true).join();
        }
    }

    private static boolean complete(Run run, List<Peer> peers) {
        long expected = 0;
        long seen = 0;
        for (Peer peer : peers) {
            expected += run.ackedPerRoom.getOrDefault(peer.room, new AtomicInteger()).get();
            seen += peer.seen.cardinality();
        }
        return run.pendingAcks.isEmpty() && seen >= expected;
    }

    /**
     * Closes one second of the time series: {elapsed s, messages received, p99 µs, sends offered, acked, refused};
     * prints progress.
     */
    private static long[] second(Run run, Consumer<String> progress) {
        Histogram interval = run.latencies.getIntervalHistogram();
        run.total.add(interval);
        long[] totals = {run.sent.get(), run.acked.get(), run.refused.get()};
        long[] point = {0, interval.getTotalCount(), interval.getTotalCount() == 0 ? 0
                : interval.getValueAtPercentile(99), totals[0] - run.lastSecond[0], totals[1] - run.lastSecond[1],
                totals[2] - run.lastSecond[2]};
        System.arraycopy(totals, 0, run.lastSecond, 0, 3);
        progress.accept(String.format("this second: offered %d, acked %d, refused %d; %d deliveries, p99 %.1f ms "
                        + "(so far: sent %d, acked %d, refused %d, received %d)", point[3], point[4], point[5],
                point[1], point[2] / 1000.0, totals[0], totals[1], totals[2], run.received.get()));
        return point;
    }

}
