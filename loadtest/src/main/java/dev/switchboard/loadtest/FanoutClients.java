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
 * <p>Arguments: {@code url room connections}.
 */
public final class FanoutClients {

    private FanoutClients() {
    }

    /** Per marker: how many sockets have it, and when the last one got it. */
    private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> LAST = new ConcurrentHashMap<>();
    private static final AtomicInteger JOINED = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        String room = args[1];
        int connections = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> sockets = new ArrayList<>(connections);
        Semaphore opening = new Semaphore(256);
        List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            opening.acquire();
            CompletableFuture<WebSocket> socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(url, new Counter())
                    .thenCompose(ws -> ws.sendText("{\"action\":\"join\",\"room\":\"" + room + "\"}", true))
                    .whenComplete((ws, e) -> opening.release());
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
