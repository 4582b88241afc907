package dev.switchboard.loadtest;

import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.client.SwitchboardClientOptions;
import dev.switchboard.protocol.ServerFrame;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * {@code ./switchboard soak}: the local stack, in a JVM of its own as {@code ./switchboard local} runs it
 * ({@link StackProcess}), under steady traffic and churn for a given time, through the Java client library as an
 * application would use it. Each client is in one room; sends go out at a steady rate from random clients; churn
 * drops connections (the client reconnects and resumes), holds connections offline for a while (what is sent
 * meanwhile can only come back by resume) and replaces clients (one leaves once it has everything it is owed, a new
 * one joins in its place).
 *
 * <p>Every acknowledged send has a seq in its room. A membership is owed every acknowledged seq of its room after
 * the seq its join was acknowledged at (up to the room's last acknowledged seq when it was retired); the listener
 * records what the application is given. Lost, duplicated and out-of-order deliveries must all be zero: a message
 * that came back by resume counts as delivered, as it does for the application.
 *
 * <p>The stack's process is read from outside: heap after a full collection ({@code jcmd}), resident memory, open
 * sockets and platform threads ({@code /proc}), idle before the first client, after the warm-up, at the end with
 * every client still connected, and idle again after all closed. See {@link SoakReport}.
 */
public final class Soak {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** How long a retired client, or every client at the end, may take to be given what it is owed. */
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    /** How long the stack may take to close every socket of the clients closed at the end. */
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        SoakOptions options;
        try {
            options = SoakOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(SoakOptions.USAGE);
            System.exit(2);
            return;
        }
        SoakReport report = run(options, System.err::println);
        report.write(options.report());
        System.err.println("report: " + options.report().resolve("soak.md"));
        System.out.print(report.markdown());
        System.out.println(report.json());
        System.exit(report.clean() && report.sendFailures() == 0 ? 0 : 1);
    }

    /** One client's membership of its room, and what it was given. */
    private static final class Member implements SwitchboardClient.Listener {
        final String room;
        final Counters counters;
        final BitSet seen = new BitSet();
        final AtomicInteger pending = new AtomicInteger();
        volatile SwitchboardClient client;
        volatile boolean retiring;
        /** The seq its join was acknowledged at: it is owed what comes after. */
        long joinedAt;
        /** The last seq it is owed; -1 while it is in the room. */
        long owedUntil = -1;
        long last;
        long duplicated;
        long outOfOrder;

        Member(String room, Counters counters) {
            this.room = room;
            this.counters = counters;
        }

        @Override
        public synchronized void onMessage(ServerFrame.Message message) {
            if (!room.equals(message.room())) {
                return;
            }
            int seq = Math.toIntExact(message.seq());
            if (seen.get(seq)) {
                duplicated++;
                return;
            }
            if (seq < last) {
                outOfOrder++;
            }
            seen.set(seq);
            last = Math.max(last, seq);
        }

        @Override
        public void onReset(ServerFrame.Reset reset) {
            counters.resets.incrementAndGet();
        }

        @Override
        public void onStateChange(SwitchboardClient.State state) {
            if (state == SwitchboardClient.State.RECONNECTING) {
                counters.reconnects.incrementAndGet();
            }
        }
    }

    /** Counts over the whole run. */
    private static final class Counters {
        final AtomicLong acked = new AtomicLong();
        final AtomicLong sendFailures = new AtomicLong();
        final AtomicLong resets = new AtomicLong();
        final AtomicLong reconnects = new AtomicLong();
        final AtomicLong drops = new AtomicLong();
        final AtomicLong offline = new AtomicLong();
        final AtomicLong replaced = new AtomicLong();
        final AtomicLong sentWhileOffline = new AtomicLong();
    }

    /** The acknowledged seqs of one room, and how many members are offline now. */
    private static final class Room {
        final BitSet acked = new BitSet();
        final AtomicInteger offline = new AtomicInteger();

        synchronized void ack(long seq) {
            acked.set(Math.toIntExact(seq));
        }

        synchronized long last() {
            return acked.length() - 1;
        }

        /** The acknowledged seqs in (after, until]. */
        synchronized BitSet between(long after, long until) {
            BitSet range = acked.get(0, Math.toIntExact(until) + 1);
            range.clear(0, Math.toIntExact(after) + 1);
            return range;
        }
    }

    public static SoakReport run(SoakOptions options, Consumer<String> progress) throws Exception {
        try (StackProcess stack = StackProcess.start(StackProcess.Build.current(), List.of(), START_TIMEOUT)) {
            return run(options, stack, progress);
        }
    }

    private static SoakReport run(SoakOptions options, StackProcess stack, Consumer<String> progress)
            throws Exception {
        URI url = stack.webSocketUrl();
        SoakReport.Stack idleBefore = snapshot(stack);
        progress.accept("stack up at " + url + "; idle: " + idleBefore);
        Counters counters = new Counters();
        List<Room> rooms = new ArrayList<>();
        for (int r = 0; r < options.rooms(); r++) {
            rooms.add(new Room());
        }
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        AtomicReferenceArray<Member> slots = new AtomicReferenceArray<>(options.clients());
        List<Member> everyMember = new CopyOnWriteArrayList<>();
        for (int slot = 0; slot < options.clients(); slot++) {
            Member member = join(url, roomName(runId, slot % options.rooms()), counters);
            slots.set(slot, member);
            everyMember.add(member);
        }
        progress.accept(options.clients() + " clients joined " + options.rooms() + " rooms");

        long start = System.nanoTime();
        long warmupEnd = start + options.warmup().toNanos();
        long end = start + options.duration().toNanos();
        List<double[]> heapSamples = new ArrayList<>();
        AtomicInteger busy = new AtomicInteger();
        Thread sender = Thread.ofPlatform().name("soak-sender").start(() ->
                send(options, slots, rooms, runId, counters, start, end));
        SoakReport.Stack atStart = null;
        long nextHeap = warmupEnd;
        long nextChurn = start;
        long nextProgress = start + TimeUnit.SECONDS.toNanos(10);
        int event = 0;
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            if (options.churn() > 0 && now >= nextChurn) {
                nextChurn += (long) (1e9 / options.churn());
                churn(event++, url, slots, everyMember, rooms, runId, options, counters, busy);
            }
            if (now >= nextHeap) {
                SoakReport.Stack sample = snapshot(stack);
                if (atStart == null) {
                    atStart = sample;
                    progress.accept("warm-up over; stack: " + sample);
                }
                heapSamples.add(new double[] {(now - start) / 1e9, sample.heapMb()});
                nextHeap += options.heapEvery().toNanos();
            }
            if (now >= nextProgress) {
                nextProgress += TimeUnit.SECONDS.toNanos(10);
                progress.accept(String.format("%d s: acked %d, send failures %d, reconnects %d, drops %d, offline %d,"
                                + " replaced %d, resets %d", (now - start) / 1_000_000_000L, counters.acked.get(),
                        counters.sendFailures.get(), counters.reconnects.get(), counters.drops.get(),
                        counters.offline.get(), counters.replaced.get(), counters.resets.get()));
            }
            long wake = Math.min(Math.min(options.churn() > 0 ? nextChurn : end, nextHeap), Math.min(end,
                    nextProgress));
            long sleep = wake - System.nanoTime();
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
        }
        sender.join();
        // Churn already begun finishes (a replacement waits for its client to catch up), then every send settles.
        awaitZero(busy, CATCH_UP.plus(Duration.ofSeconds(30)));
        for (int slot = 0; slot < slots.length(); slot++) {
            awaitZero(slots.get(slot).pending, CATCH_UP);
        }
        for (int slot = 0; slot < slots.length(); slot++) {
            Member member = slots.get(slot);
            catchUp(member, rooms.get(roomIndex(member.room)).last(), CATCH_UP);
        }
        SoakReport.Stack atEnd = snapshot(stack);
        if (atStart == null) {
            atStart = atEnd;
        }
        heapSamples.add(new double[] {(System.nanoTime() - start) / 1e9, atEnd.heapMb()});
        progress.accept("traffic over; stack: " + atEnd);

        long expected = 0;
        long delivered = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        for (int slot = 0; slot < slots.length(); slot++) {
            Member member = slots.get(slot);
            member.owedUntil = rooms.get(roomIndex(member.room)).last();
        }
        for (Member member : everyMember) {
            synchronized (member) {
                Room room = rooms.get(roomIndex(member.room));
                BitSet owed = room.between(member.joinedAt, member.owedUntil);
                expected += owed.cardinality();
                owed.and(member.seen);
                delivered += owed.cardinality();
                duplicated += member.duplicated;
                outOfOrder += member.outOfOrder;
            }
        }
        for (int slot = 0; slot < slots.length(); slot++) {
            slots.get(slot).client.close();
        }
        SoakReport.Stack idleAfter = settle(stack, idleBefore.sockets());
        progress.accept("clients closed; stack: " + idleAfter);
        return new SoakReport(options.duration().toSeconds(), options.clients(), options.rooms(), options.rate(),
                options.churn(), options.warmup().toSeconds(), counters.acked.get(), counters.sendFailures.get(),
                expected, delivered, expected - delivered, duplicated, outOfOrder, counters.resets.get(),
                counters.drops.get(), counters.offline.get(), counters.replaced.get(), counters.reconnects.get(),
                counters.sentWhileOffline.get(), idleBefore, atStart, atEnd, idleAfter, heapSamples);
    }

    private static String roomName(String runId, int index) {
        return "soak-" + runId + "-" + index;
    }

    private static int roomIndex(String room) {
        return Integer.parseInt(room.substring(room.lastIndexOf('-') + 1));
    }

    /** A new client, connected and in its room; it is owed what comes after the seq its join was acknowledged at. */
    private static Member join(URI url, String room, Counters counters) {
        Member member = new Member(room, counters);
        SwitchboardClient client = SwitchboardClient.create(SwitchboardClientOptions.builder(url)
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofSeconds(2))
                .gapTimeout(Duration.ofMillis(500))
                .build(), member);
        member.client = client;
        client.connect().join();
        client.join(room).join();
        synchronized (member) {
            member.joinedAt = client.position(room);
        }
        return member;
    }

    /** Sends at the run's rate from random clients that are not being retired, until {@code end}. */
    private static void send(SoakOptions options, AtomicReferenceArray<Member> slots, List<Room> rooms,
                             String runId, Counters counters, long start, long end) {
        for (long n = 0; ; n++) {
            long due = start + (long) (n * 1e9 / options.rate());
            if (due >= end) {
                return;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Member member = slots.get(ThreadLocalRandom.current().nextInt(slots.length()));
            // Counted before the check, so that a retirement, which marks the member first and then waits for its
            // sends, never misses one.
            member.pending.incrementAndGet();
            if (member.retiring) {
                member.pending.decrementAndGet();
                continue;
            }
            Room room = rooms.get(roomIndex(member.room));
            member.client.send(member.room, "{\"n\":" + n + ",\"run\":\"" + runId + "\"}").whenComplete((ack, e) -> {
                if (e == null && ack.seq() != null) {
                    room.ack(ack.seq());
                    counters.acked.incrementAndGet();
                    if (room.offline.get() > 0) {
                        counters.sentWhileOffline.incrementAndGet();
                    }
                } else {
                    counters.sendFailures.incrementAndGet();
                }
                member.pending.decrementAndGet();
            });
        }
    }

    /** One churn event, in turn a drop, a connection held offline, and a replaced client; each on its own thread. */
    private static void churn(int event, URI url, AtomicReferenceArray<Member> slots, List<Member> everyMember,
                              List<Room> rooms, String runId, SoakOptions options, Counters counters,
                              AtomicInteger busy) {
        int slot = ThreadLocalRandom.current().nextInt(slots.length());
        Member member = slots.get(slot);
        if (member.retiring) {
            return;
        }
        Room room = rooms.get(roomIndex(member.room));
        switch (event % 3) {
            case 0 -> {
                member.client.dropConnection();
                counters.drops.incrementAndGet();
            }
            case 1 -> {
                CompletableFuture<Void> back = new CompletableFuture<>();
                room.offline.incrementAndGet();
                member.client.dropConnection(back);
                counters.offline.incrementAndGet();
                long offlineMillis = ThreadLocalRandom.current().nextLong(500, 3_000);
                CompletableFuture.delayedExecutor(offlineMillis, TimeUnit.MILLISECONDS).execute(() -> {
                    room.offline.decrementAndGet();
                    back.complete(null);
                });
            }
            default -> {
                member.retiring = true;
                busy.incrementAndGet();
                Thread.ofVirtual().start(() -> {
                    try {
                        awaitZero(member.pending, CATCH_UP);
                        long owed = room.last();
                        catchUp(member, owed, CATCH_UP);
                        synchronized (member) {
                            member.owedUntil = owed;
                        }
                        member.client.close();
                        Member next = join(url, member.room, counters);
                        everyMember.add(next);
                        slots.set(slot, next);
                        counters.replaced.incrementAndGet();
                    } finally {
                        busy.decrementAndGet();
                    }
                });
            }
        }
    }

    /** Waits until the member has been given every seq up to {@code seq} (or the time is up: the rest is lost). */
    private static void catchUp(Member member, long seq, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline && member.client.position(member.room) < seq) {
            sleep(50);
        }
    }

    private static void awaitZero(AtomicInteger count, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (count.get() > 0 && System.nanoTime() < deadline) {
            sleep(50);
        }
    }

    /** Waits until the stack holds no more sockets than when idle (every close handled), then reads it. */
    private static SoakReport.Stack settle(StackProcess stack, int idleSockets) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline && stack.openSockets() > idleSockets) {
            sleep(200);
        }
        return snapshot(stack);
    }

    private static SoakReport.Stack snapshot(StackProcess stack) {
        return new SoakReport.Stack(stack.heapAfterGcMb(), stack.memory().residentMb(), stack.openSockets(),
                stack.threads());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
