package dev.switchboard.loadtest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What a load run sends, from random peers to their rooms: paced at a rate whatever the answers (open loop), or a
 * fixed number of sends outstanding, the next as soon as one is answered (closed loop); first unmeasured for the
 * warm-up, then measured. A measured message carries its key ("k", its position in the run) and the time it was
 * sent ("t"); a warm-up message only the time, so receivers and the ack count leave it out of every figure.
 */
final class LoadTraffic {

    /** How long a closed-loop sender waits for an answer before it counts the send unanswered and stops. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final LoadOptions options;
    private final LoadRun run;
    private final List<LoadPeer> peers;

    LoadTraffic(LoadOptions options, LoadRun run, List<LoadPeer> peers) {
        this.options = options;
        this.run = run;
        this.peers = peers;
    }

    /**
     * Sends at the run's rate (or in its closed loop) for the warm-up time, then returns: the stack gets the same
     * load (and the JIT the same code to compile) as in the measured part, and no figure of the report includes it.
     */
    void warmUp(Consumer<String> progress) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + options.warmup().toNanos();
        if (options.inFlight() > 0) {
            progress.accept("warming up: " + options.inFlight() + " sends in flight for "
                    + options.warmup().toSeconds() + " s, left out of every figure");
            closedLoop(end, false, () -> { });
            return;
        }
        progress.accept("warming up: " + options.rate() + " messages/s for " + options.warmup().toSeconds()
                + " s, left out of every figure");
        for (int n = 0; System.nanoTime() < end; n++) {
            pace(start, n, options.rate());
            LoadPeer sender = randomPeer();
            sender.send("{\"action\":\"send\",\"room\":\"" + sender.roomName + "\",\"id\":\"w" + n
                    + "\",\"data\":{\"t\":" + LoadRun.micros() + "}}");
        }
    }

    /** The measured sends, from {@code start} for the run's duration; calls {@code everySecond} once a second. */
    void measure(long start, Runnable everySecond) throws InterruptedException {
        long end = start + options.duration().toNanos();
        if (options.inFlight() > 0) {
            closedLoop(end, true, everySecond);
            return;
        }
        long nextReport = start + 1_000_000_000L;
        for (int key = 0; System.nanoTime() < end; key++) {
            pace(start, key, options.rate());
            LoadPeer sender = randomPeer();
            String id = "k" + key;
            run.pendingAcks.put(id, sender.room);
            sender.send("{\"action\":\"send\",\"room\":\"" + sender.roomName + "\",\"id\":\"" + id
                    + "\",\"data\":{\"k\":" + key + ",\"t\":" + LoadRun.micros() + "}}");
            run.sent.incrementAndGet();
            if (System.nanoTime() >= nextReport) {
                nextReport += 1_000_000_000L;
                everySecond.run();
            }
        }
    }

    /**
     * Until {@code end}, the run's {@code inFlight} senders each send a message from a random connection and the
     * next as soon as it is answered (after the wait a refusal names): the stack is never offered more than it
     * serves, and never more than {@code inFlight} sends at once. Measured sends carry a key and count in every
     * figure, warm-up sends do not. Calls {@code everySecond} once a second meanwhile.
     */
    private void closedLoop(long end, boolean measured, Runnable everySecond) throws InterruptedException {
        AtomicInteger warmUps = new AtomicInteger();
        ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
        for (int s = 0; s < options.inFlight(); s++) {
            senders.execute(() -> {
                while (System.nanoTime() < end) {
                    LoadPeer peer = randomPeer();
                    CompletableFuture<Long> answered = new CompletableFuture<>();
                    if (measured) {
                        int key = run.keys.getAndIncrement();
                        String id = "k" + key;
                        run.answers.put(id, answered);
                        run.pendingAcks.put(id, peer.room);
                        peer.send("{\"action\":\"send\",\"room\":\"" + peer.roomName + "\",\"id\":\"" + id
                                + "\",\"data\":{\"k\":" + key + ",\"t\":" + LoadRun.micros() + "}}");
                        run.sent.incrementAndGet();
                    } else {
                        String id = "w" + warmUps.getAndIncrement();
                        run.answers.put(id, answered);
                        peer.send("{\"action\":\"send\",\"room\":\"" + peer.roomName + "\",\"id\":\"" + id
                                + "\",\"data\":{\"t\":" + LoadRun.micros() + "}}");
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

    private LoadPeer randomPeer() {
        return peers.get(ThreadLocalRandom.current().nextInt(peers.size()));
    }

    /** Sleeps until message {@code n} of a run paced at {@code rate} per second from {@code start} is due. */
    private static void pace(long start, int n, int rate) throws InterruptedException {
        long due = start + (long) (n * 1e9 / rate);
        long now = System.nanoTime();
        if (due > now) {
            Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
        }
    }
}
