package dev.switchboard.loadtest;

import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code ./switchboard bench crossover [--sizes 250,1000,4000] [--shards 4] [--latency-ms 15] [--rounds 3]}: for
 * each room size, one message delivered to every member (real sockets in a second JVM) two ways on the local
 * stack: <em>inline</em> (one shard; the publishing invocation posts to everyone) and <em>spread</em> (the room's
 * membership in S shards; the publishing invocation posts to shard 0 and S - 1 fan-out workers take one shard
 * each). Every {@code @connections} answer is delayed by the given latency, standing in for the network between
 * Lambda and API Gateway. Medians of the rounds; the last line printed is the JSON summary (also in
 * {@code loadtest/target/crossover.json}).
 */
public final class CrossoverBenchmark {

    /** One room size measured both ways (median seconds from publish to the last member's arrival). */
    public record Row(int connections, double inlineSeconds, double spreadSeconds, int lost) {
        double ratio() {
            return spreadSeconds > 0 ? inlineSeconds / spreadSeconds : 0;
        }
    }

    /** A run: its settings, a row per size, and the smallest size at which spreading was faster. */
    public record Result(int shards, int latencyMillis, int rounds, List<Row> rows) {
        Integer crossover() {
            return rows.stream().filter(r -> r.spreadSeconds() < r.inlineSeconds()).map(Row::connections).findFirst()
                    .orElse(null);
        }

        String json() {
            String rowsJson = rows.stream().map(r -> String.format(Locale.ROOT,
                            "{\"connections\":%d,\"inline_seconds\":%.3f,\"spread_seconds\":%.3f,\"ratio\":%.2f,"
                                    + "\"lost\":%d}", r.connections(), r.inlineSeconds(), r.spreadSeconds(), r.ratio(),
                            r.lost()))
                    .collect(Collectors.joining(","));
            return String.format(Locale.ROOT, "{\"shards\":%d,\"latency_ms\":%d,\"rounds\":%d,\"rows\":[%s],"
                    + "\"crossover\":%s}", shards, latencyMillis, rounds, rowsJson, crossover());
        }
    }

    private CrossoverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(250, 1000, 4000);
        int shards = 4;
        int latency = 15;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = i + 1 < args.length ? args[++i] : "";
            switch (flag) {
                case "--sizes" -> sizes = Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt)
                        .toList();
                case "--shards" -> shards = Integer.parseInt(value);
                case "--latency-ms" -> latency = Integer.parseInt(value);
                case "--rounds" -> rounds = Integer.parseInt(value);
                default -> {
                    System.err.println("usage: ./switchboard bench crossover [--sizes N,N,...] [--shards S]"
                            + " [--latency-ms L] [--rounds R]");
                    System.exit(2);
                }
            }
        }
        Result result = run(sizes, shards, latency, rounds, System.out::println);
        Path out = Path.of("loadtest/target/crossover.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, result.json() + "\n");
        System.out.println(result.json());
        System.exit(0);
    }

    /** Measures every size both ways; {@code progress} gets human-readable lines. */
    public static Result run(List<Integer> sizes, int shards, int latencyMillis, int rounds,
                             Consumer<String> progress) throws Exception {
        if (shards < 2) {
            throw new IllegalArgumentException("spreading needs at least 2 shards");
        }
        // Posts over HTTP, signed, as a Lambda makes them (the stack's default hands them over in-process).
        LocalRuntimeOptions base = LocalRuntimeOptions.defaults().withPort(0).withOverHttp(true)
                .withPostLatency(Duration.ofMillis(latencyMillis));
        // The spread stack sends every room to the workers (threshold 1): the crossover is what is measured.
        LocalRuntimeOptions spread = base.withRoomShards(shards).withFanout(shards - 1, 1);
        List<Row> rows = new ArrayList<>();
        for (int size : sizes) {
            Median inline = measure(base, size, rounds, "inline", progress);
            Median spreadOut = measure(spread, size, rounds, "spread", progress);
            Row row = new Row(size, inline.seconds(), spreadOut.seconds(), inline.lost() + spreadOut.lost());
            progress.accept(String.format(Locale.ROOT, "%d members: inline %.3f s, spread over %d shards %.3f s"
                    + " (inline/spread %.2f)", size, row.inlineSeconds(), shards, row.spreadSeconds(), row.ratio()));
            rows.add(row);
        }
        return new Result(shards, latencyMillis, rounds, rows);
    }

    private record Median(double seconds, int lost) {
    }

    private static Median measure(LocalRuntimeOptions options, int size, int rounds, String name,
                                  Consumer<String> progress) throws Exception {
        String room = "crossover";
        try (LocalRuntime stack = LocalRuntime.start(options);
             ClientProcess clients = ClientProcess.start(stack.webSocketUrl(), room, size)) {
            List<Double> seconds = new ArrayList<>();
            int lost = 0;
            for (int round = 0; round < rounds; round++) {
                ClientProcess.Round broadcast = clients.broadcast(stack.publishUrl(), room,
                        "fanout-" + name + "-" + size + "-" + round, 60_000);
                seconds.add(broadcast.seconds());
                lost += size - broadcast.count();
                progress.accept(String.format(Locale.ROOT, "  %s, %d members, round %d: %d delivered in %.3f s",
                        name, size, round + 1, broadcast.count(), broadcast.seconds()));
            }
            return new Median(ClientProcess.median(seconds), lost);
        }
    }
}
