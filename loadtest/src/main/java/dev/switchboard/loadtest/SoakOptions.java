package dev.switchboard.loadtest;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of a soak run.
 *
 * <pre>{@code
 * ./switchboard soak --duration 1800 --clients 40 --rooms 8 --rate 40 --churn 1
 * }</pre>
 *
 * @param duration   how long traffic and churn run, warm-up included
 * @param clients    clients connected at any time (a replaced one is followed by a new one at once)
 * @param rooms      rooms; each client is in one, {@code clients / rooms} members per room
 * @param rate       sends per second over all clients
 * @param churn      churn events per second: in turn a dropped connection (the client reconnects and resumes at
 *                   once), a connection held offline for 0.5 to 3 s (what was sent meanwhile can only come by
 *                   resume), and a client replaced (closed once it has everything, a new one joins in its place)
 * @param warmup     traffic and churn before the first heap reading (classes loaded, code compiled, caches full)
 * @param heapEvery  how often the stack's heap after a full collection is read between the first and the last
 * @param report     where {@code soak.json} and {@code soak.md} go
 */
public record SoakOptions(Duration duration, int clients, int rooms, int rate, double churn, Duration warmup,
                          Duration heapEvery, Path report) {

    public static final String USAGE = """
            usage: ./switchboard soak [--duration SECONDS] [--clients N] [--rooms R] [--rate SENDS_PER_SECOND]
                                      [--churn EVENTS_PER_SECOND] [--warmup SECONDS] [--heap-every SECONDS]
                                      [--report DIR]
              runs the local stack in a JVM of its own (as ./switchboard local does) under steady traffic and churn
              (drops, connections held offline, clients replaced), then reports its heap after a full collection
              at the start and the end, its sockets and threads, and what was lost, duplicated or out of order
            """;

    public SoakOptions {
        if (duration.isNegative() || duration.isZero() || clients < 2 || rooms < 1 || rooms > clients / 2
                || rate < 1 || churn < 0 || warmup.isNegative() || warmup.compareTo(duration) >= 0
                || heapEvery.isNegative() || heapEvery.isZero()) {
            throw new IllegalArgumentException("need duration > warmup >= 0, clients >= 2 rooms (two members a room"
                    + " at least), rooms >= 1, rate >= 1, churn >= 0, heap-every > 0");
        }
    }

    public static SoakOptions defaults() {
        return new SoakOptions(Duration.ofMinutes(10), 40, 8, 40, 1, Duration.ofSeconds(60), Duration.ofMinutes(2),
                Path.of("loadtest/target/soak"));
    }

    /** Reads the flags in any order; the combination is checked once all are read. The warm-up follows a short run. */
    public static SoakOptions parse(String... args) {
        SoakOptions d = defaults();
        Duration duration = d.duration;
        int clients = d.clients;
        int rooms = d.rooms;
        int rate = d.rate;
        double churn = d.churn;
        Duration warmup = null;
        Duration heapEvery = d.heapEvery;
        Path report = d.report;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            try {
                switch (flag) {
                    case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(value));
                    case "--clients" -> clients = Integer.parseInt(value);
                    case "--rooms" -> rooms = Integer.parseInt(value);
                    case "--rate" -> rate = Integer.parseInt(value);
                    case "--churn" -> churn = Double.parseDouble(value);
                    case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(value));
                    case "--heap-every" -> heapEvery = Duration.ofSeconds(Long.parseLong(value));
                    case "--report" -> report = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got '" + value + "'");
            }
        }
        if (warmup == null) {
            // A tenth of the run, one minute at most: enough for the JIT and the caches, little of a short run.
            warmup = Duration.ofSeconds(Math.min(60, Math.max(1, duration.toSeconds() / 10)));
        }
        return new SoakOptions(duration, clients, rooms, rate, churn, warmup, heapEvery, report);
    }
}
