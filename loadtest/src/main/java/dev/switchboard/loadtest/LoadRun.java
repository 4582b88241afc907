package dev.switchboard.loadtest;

import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerFrame;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The tally of one load run, shared by its peers and senders: what was sent, what each answer said, what each
 * peer received, and the latencies. It reads every frame the peers get, and turns the counts into a second of the
 * time series and, at the end, the {@link LoadReport}.
 */
final class LoadRun {

    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("loadtest-retry").factory());
    /** Sender and receivers live in this process, so one monotonic clock times both ends. */
    private static final long ORIGIN = System.nanoTime();

    final Recorder latencies = new Recorder(3);
    final Histogram total = new Histogram(3);
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
    /** Measured sends not answered yet: the room of each, by id. */
    final Map<String, Integer> pendingAcks = new ConcurrentHashMap<>();
    /** Closed loop: each sender's wait for the answer to its last send, by id; completed with the refusal's wait. */
    final Map<String, CompletableFuture<Long>> answers = new ConcurrentHashMap<>();

    /** Microseconds on the run's clock, which timestamps sends and receipts alike. */
    static long micros() {
        return (System.nanoTime() - ORIGIN) / 1_000;
    }

    /** Refused at once, before the stack did any of it: past its capacity, or past the connection's frame quota. */
    static boolean isRefusal(ServerFrame.Error error) {
        return error.code() == ErrorCode.OVERLOADED || error.code() == ErrorCode.RATE_LIMITED;
    }

    synchronized void received(LoadPeer peer, String text) {
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
            case ServerFrame.Error e when LoadPeer.JOIN_ID.equals(e.id()) && e.temporary() -> rejoin(peer, e);
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

    /** Sends a refused join again after the wait the stack asked for, as a client library would. */
    private static void rejoin(LoadPeer peer, ServerFrame.Error refusal) {
        long wait = refusal.retryAfterMs() == null ? 1_000 : refusal.retryAfterMs();
        LATER.schedule(() -> peer.send(peer.joinFrame()), wait, TimeUnit.MILLISECONDS);
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

    /** Every measured send answered, and every peer got every acknowledged message of its room. */
    boolean complete(List<LoadPeer> peers) {
        long expected = 0;
        long seen = 0;
        for (LoadPeer peer : peers) {
            expected += ackedPerRoom.getOrDefault(peer.room, new AtomicInteger()).get();
            seen += peer.seen.cardinality();
        }
        return pendingAcks.isEmpty() && seen >= expected;
    }

    /**
     * Closes one second of the time series: {elapsed s, messages received, p99 µs, sends offered, acked, refused};
     * prints progress.
     */
    long[] second(Consumer<String> progress) {
        Histogram interval = latencies.getIntervalHistogram();
        total.add(interval);
        long[] totals = {sent.get(), acked.get(), refused.get()};
        long[] point = {0, interval.getTotalCount(), interval.getTotalCount() == 0 ? 0
                : interval.getValueAtPercentile(99), totals[0] - lastSecond[0], totals[1] - lastSecond[1],
                totals[2] - lastSecond[2]};
        System.arraycopy(totals, 0, lastSecond, 0, 3);
        progress.accept(String.format("this second: offered %d, acked %d, refused %d; %d deliveries, p99 %.1f ms "
                        + "(so far: sent %d, acked %d, refused %d, received %d)", point[3], point[4], point[5],
                point[1], point[2] / 1000.0, totals[0], totals[1], totals[2], received.get()));
        return point;
    }

    /**
     * The run's figures. Every peer of a room should have received each of the room's acknowledged messages once:
     * what is missing is lost.
     */
    LoadReport report(LoadOptions options, List<LoadPeer> peers, int connectionErrors, double seconds,
                      List<long[]> series) {
        long expected = 0;
        long uniqueReceived = 0;
        int duplicates = 0;
        int outOfOrder = 0;
        for (LoadPeer peer : peers) {
            expected += ackedPerRoom.getOrDefault(peer.room, new AtomicInteger()).get();
            uniqueReceived += peer.seen.cardinality();
            duplicates += peer.duplicates;
            outOfOrder += peer.outOfOrder;
        }
        return new LoadReport(options.connections(), peers.size(), connectionErrors, sent.get(), acked.get(),
                refused.get(), failed.get(), ackedByThird(), errors.get(), expected, uniqueReceived,
                Math.max(0, expected - uniqueReceived), duplicates, outOfOrder, seconds,
                options.duration().toMillis() / 1000.0, options.warmup().toSeconds(), total.copy(), series);
    }

    /** How many of the sends of the run's first, middle and last third were acknowledged. */
    private long[] ackedByThird() {
        long sentInAll = sent.get();
        long[] thirds = new long[3];
        synchronized (this) {
            ackedKeys.stream().forEach(key -> thirds[(int) Math.min(2, key * 3L / Math.max(1, sentInAll))]++);
        }
        return thirds;
    }
}
