package dev.switchboard.loadtest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiving side of the fan-out benchmark, in its own JVM (one process may hold only 20,000 files here, and
 * the server side needs one per socket too). Opens N sockets, joins them to a room, then reports on stdout when
 * every socket has received a message containing a given marker: {@code ALL <marker> <count> <epochMillis>}.
 * Commands on stdin: {@code WAIT <marker> <timeoutMillis>}, {@code EXIT}.
 *
 * <p>At most {@value #OPENING} sockets are between opening and their join's {@code ack} at a time, so the stack's
 * admission never refuses the benchmark's set-up; a join refused anyway ({@code OVERLOADED}) is sent again after
 * the {@code retryAfterMs} it names.
 *
 * <p>Arguments: {@code url room connections}.
 */
public final class FanoutClients {

    private FanoutClients() {
    }

    /** Per marker: how many sockets have it, and when the last one got it. */
    private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> LAST = new ConcurrentHashMap<>();
    private static final AtomicInteger JOINED = new AtomicInteger();
    /** Sockets between opening and their join's ack, at most: below what the local stack admits at once. */
    private static final int OPENING = 128;
    private static final Semaphore SEATING = new Semaphore(OPENING);
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor();
    private static String joinFrame;

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        String room = args[1];
        int connections = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> sockets = new ArrayList<>(connections);
        joinFrame = "{\"action\":\"join\",\"room\":\"" + room + "\"}";
        List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            SEATING.acquire();
            CompletableFuture<WebSocket> socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(url, new Counter())
                    .thenCompose(ws -> ws.sendText(joinFrame, true))
                    .whenComplete((ws, e) -> {
                        if (e != null) {
                            SEATING.release();
                        }
                    });
            pending.add(socket);
        }
        for (CompletableFuture<WebSocket> socket : pending) {
            sockets.add(socket.get(60, TimeUnit.SECONDS));
        }
        long deadline = System.currentTimeMillis() + 120_000;
        while (JOINED.get() < connections && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        System.out.println("READY " + JOINED.get());
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null) {
            String[] parts = command.split(" ");
            if (parts[0].equals("EXIT")) {
                break;
            }
            String marker = parts[1];
            long until = System.currentTimeMillis() + Long.parseLong(parts[2]);
            AtomicInteger count = COUNTS.computeIfAbsent(marker, m -> new AtomicInteger());
            while (count.get() < connections && System.currentTimeMillis() < until) {
                Thread.sleep(2);
            }
            AtomicLong last = LAST.computeIfAbsent(marker, m -> new AtomicLong());
            System.out.println("ALL " + marker + " " + count.get() + " " + last.get());
        }
        sockets.forEach(WebSocket::abort);
        System.exit(0);
    }

    /** Counts acks of the join and messages by marker. */
    private static final class Counter implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (text.contains("\"type\":\"ack\"") && text.contains("\"action\":\"join\"")) {
                    JOINED.incrementAndGet();
                    SEATING.release();
                } else if (Refusals.overloaded(text).isPresent()) {
                    LATER.schedule(() -> webSocket.sendText(joinFrame, true), Refusals.overloaded(text).getAsLong(),
                            TimeUnit.MILLISECONDS);
                } else if (text.contains("\"type\":\"message\"")) {
                    int start = text.indexOf("fanout-");
                    if (start >= 0) {
                        String marker = text.substring(start, text.indexOf('"', start));
                        COUNTS.computeIfAbsent(marker, m -> new AtomicInteger()).incrementAndGet();
                        LAST.computeIfAbsent(marker, m -> new AtomicLong()).accumulateAndGet(
                                System.currentTimeMillis(), Math::max);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
