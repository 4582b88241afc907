package dev.switchboard.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code ./switchboard bench overload [--connections N] [--duration S] [--warmup S] [--rounds R]
 * [--multiples 1,2,5] [--in-flight K] [--store dynamodb|memory]}: the local stack's goodput when it is offered more than it can
 * serve. The stack runs as {@code ./switchboard local} runs it, in a JVM of its own ({@link StackProcess}); the load
 * comes from {@link LoadTest} in this one, each connection in a room of its own (one delivery per send).
 *
 * <p>Each round first measures the stack's capacity: a closed loop of K sends in flight (64 by default), each
 * followed by the next as soon as it is answered, so the stack is never offered more than it serves; capacity is the
 * rate of acknowledged sends. Then it offers each multiple of that capacity, sends paced at the rate whatever the answers,
 * and counts what is acknowledged and what is refused at once ({@code OVERLOADED}). Every point of a round is
 * measured against the capacity of the same round, minutes apart at most, because the machine's other load moves
 * both. The frame quotas are lifted, so that the stack's admission is what refuses, not one connection's quota.
 * Each point also reports acknowledged sends per second of CPU the stack's process used (from {@code /proc}): the
 * machine's other load moves every rate, not what the stack's work buys, so this shows whether refusing the excess
 * costs the stack its goodput even when the wall-clock figures wander.
 *
 * <p>Before the first round, {@value #JVM_WARMUP_SECONDS} s of closed-loop load that no figure includes let the
 * stack's JIT compile its hot path. Prints one line per point and, at the end, a Markdown table (also written to
 * {@code loadtest/target/overload.md}); each point's load report goes to {@code loadtest/target/overload/}. Nothing here asserts the figures; {@code OverloadSmokeTest} checks the
 * behaviour (a share acknowledged all along, the rest refused at once, nothing unanswered or lost).
 */
public final class OverloadBenchmark {

    static final String USAGE = "usage: ./switchboard bench overload [--connections N] [--duration S] [--warmup S]"
            + " [--rounds R] [--multiples 1,2,5] [--in-flight K] [--store dynamodb|memory]";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** Closed-loop load before the first round, measured nowhere: the JIT's work is done by then. */
    static final long JVM_WARMUP_SECONDS = 30;
    static final Duration JVM_WARMUP = Duration.ofSeconds(JVM_WARMUP_SECONDS);
    /** Frames per second and per window a connection may send: far above any point's share, so never reached. */
    private static final String LIFTED_FRAME_RATE = "100000";
    private static final String LIFTED_FRAME_BURST = "200000";

    /** What to run. */
    record Options(int connections, Duration duration, Duration warmup, int rounds, List<Double> multiples,
                   String store, int inFlight) {
        Options {
            multiples = List.copyOf(multiples);
            if (connections < 1 || inFlight < 1 || duration.isZero() || duration.isNegative() || warmup.isNegative()
                    || rounds < 1
                    || multiples.isEmpty() || multiples.stream().anyMatch(m -> m <= 0)) {
                throw new IllegalArgumentException("need --connections >= 1, --in-flight >= 1, --duration > 0,"
                        + " --warmup >= 0, --rounds >= 1 and positive --multiples");
            }
            if (!store.equals("dynamodb") && !store.equals("memory")) {
                throw new IllegalArgumentException("--store must be 'dynamodb' or 'memory'");
            }
        }

        static Options defaults() {
            return new Options(200, Duration.ofSeconds(20), Duration.ofSeconds(5), 2, List.of(1.0, 2.0, 5.0),
                    "dynamodb", 64);
        }

        static Options parse(String... args) {
            Options o = defaults();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                try {
                    o = switch (flag) {
                        case "--connections" -> new Options(Integer.parseInt(value), o.duration, o.warmup, o.rounds,
                                o.multiples, o.store, o.inFlight);
                        case "--duration" -> new Options(o.connections, Duration.ofSeconds(Long.parseLong(value)),
                                o.warmup, o.rounds, o.multiples, o.store, o.inFlight);
                        case "--warmup" -> new Options(o.connections, o.duration,
                                Duration.ofSeconds(Long.parseLong(value)), o.rounds, o.multiples, o.store, o.inFlight);
                        case "--rounds" -> new Options(o.connections, o.duration, o.warmup, Integer.parseInt(value),
                                o.multiples, o.store, o.inFlight);
                        case "--multiples" -> new Options(o.connections, o.duration, o.warmup, o.rounds,
                                Arrays.stream(value.split(",")).map(String::strip).map(Double::parseDouble)
                                        .toList(), o.store, o.inFlight);
                        case "--store" -> new Options(o.connections, o.duration, o.warmup, o.rounds, o.multiples,
                                value, o.inFlight);
                        case "--in-flight" -> new Options(o.connections, o.duration, o.warmup, o.rounds, o.multiples,
                                o.store, Integer.parseInt(value));
                        default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
                    };
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(flag + " needs a number, got '" + value + "'");
                }
            }
            return o;
        }

        /** One load run of this benchmark against the stack at {@code url}. */
        LoadOptions load(URI url, Path reports, String name) {
            return new LoadOptions(Optional.of(url), Optional.empty(), connections, connections,
                    1, duration, 500, reports.resolve(name), warmup, false, 0);
        }
    }

    /**
     * One measured point.
     *
     * @param multiple  the offered rate as a multiple of the round's capacity; 0 for the capacity run itself
     * @param report    what the load run measured
     * @param capacity  the round's capacity (acknowledged sends per second in closed loop)
     */
    record Point(int round, double multiple, LoadReport report, double capacity, long stackCpuMillis,
                 double capacityPerCpuSecond) {
        double offeredPerSecond() {
            return report.sent() / report.sendSeconds();
        }

        double ackedPerSecond() {
            return report.acked() / report.sendSeconds();
        }

        double refusedPerSecond() {
            return report.refused() / report.sendSeconds();
        }

        /** Acknowledged per second as a share of the round's capacity. */
        double ofCapacity() {
            return capacity > 0 ? ackedPerSecond() / capacity : 0;
        }

        /**
         * Acknowledged sends per second of CPU the stack's process used from the start of the measured part until
         * the last answer: what its work buys. The machine's other load changes how much CPU the stack gets, and so
         * every rate, but not this; -1 when unknown.
         */
        double ackedPerCpuSecond() {
            return stackCpuMillis > 0 ? report.acked() * 1000.0 / stackCpuMillis : -1;
        }

        /** {@link #ackedPerCpuSecond()} as a share of the round's capacity run's. */
        double cpuEfficiencyOfCapacity() {
            return capacityPerCpuSecond > 0 && ackedPerCpuSecond() >= 0 ? ackedPerCpuSecond() / capacityPerCpuSecond
                    : -1;
        }

        String label() {
            return multiple == 0 ? "capacity (closed loop)" : trim(multiple) + "×";
        }

        String line() {
            return String.format(Locale.ROOT, "round %d, %s: offered %.0f/s, acked %.0f/s (%.0f %% of capacity),"
                            + " refused %.0f/s, failed %d, unanswered %d, lost %d; p50 %.0f ms, p99 %.0f ms; %.0f acked"
                            + " per stack CPU second (%.0f %% of capacity's)", round, label(), offeredPerSecond(),
                    ackedPerSecond(), 100 * ofCapacity(), refusedPerSecond(), report.failed(), report.unanswered(),
                    report.lost(), report.percentileMs(50), report.percentileMs(99), ackedPerCpuSecond(),
                    100 * cpuEfficiencyOfCapacity());
        }

        String row() {
            return String.format(Locale.ROOT, "| %d | %s | %.0f | %.0f | %.0f %% | %.0f | %d | %d | %.0f | %.0f | %.0f "
                            + "| %.0f %% |", round, label(), offeredPerSecond(), ackedPerSecond(), 100 * ofCapacity(),
                    refusedPerSecond(), report.failed() + report.unanswered(), report.lost(),
                    report.percentileMs(50), report.percentileMs(99), ackedPerCpuSecond(),
                    100 * cpuEfficiencyOfCapacity());
        }
    }

    private OverloadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        List<Point> points = run(options, System.out::println);
        String table = table(options, points);
        Path out = Path.of("loadtest/target/overload.md");
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println();
        System.out.print(table);
        boolean clean = points.stream().allMatch(p -> p.report().lost() == 0 && p.report().everySendAnswered());
        System.exit(clean ? 0 : 1);
    }

    static List<Point> run(Options options, Consumer<String> out) throws Exception {
        List<String> flags = List.of("--store", options.store(), "--frame-rate", LIFTED_FRAME_RATE, "--frame-burst",
                LIFTED_FRAME_BURST);
        List<Point> points = new ArrayList<>();
        Path reports = Path.of("loadtest/target/overload");
        try (StackProcess stack = StackProcess.start(StackProcess.Build.current(), flags, START_TIMEOUT)) {
            URI url = stack.webSocketUrl();
            // A fresh JVM compiles the hot path for its first half-minute or so, on the cores the stack needs: a
            // first round measured then would compare the JIT's cost, not the stack's.
            out.accept("warming the stack's JVM up for " + JVM_WARMUP.toSeconds() + " s (not measured)");
            LoadTest.run(options.load(url, reports, "jvm-warmup").withInFlight(options.inFlight())
                    .withDuration(JVM_WARMUP), line -> { });
            for (int round = 1; round <= options.rounds(); round++) {
                LoadOptions closedLoop = options.load(url, reports, round + "-capacity").withInFlight(options.inFlight());
                Measured closed = measure(stack, closedLoop);
                double capacity = closed.report().acked() / closed.report().sendSeconds();
                Point measured = new Point(round, 0, closed.report(), capacity, closed.stackCpuMillis(), -1);
                double capacityPerCpuSecond = measured.ackedPerCpuSecond();
                measured = new Point(round, 0, closed.report(), capacity, closed.stackCpuMillis(),
                        capacityPerCpuSecond);
                points.add(measured);
                out.accept(measured.line());
                for (double multiple : options.multiples()) {
                    int rate = (int) Math.max(1, Math.round(multiple * capacity));
                    LoadOptions paced = options.load(url, reports, round + "-" + trim(multiple) + "x").withRate(rate);
                    Measured open = measure(stack, paced);
                    Point point = new Point(round, multiple, open.report(), capacity, open.stackCpuMillis(),
                            capacityPerCpuSecond);
                    points.add(point);
                    out.accept(point.line());
                }
            }
        }
        return points;
    }

    /** A load run's report, and the CPU the stack used from the start of its measured part until it returned. */
    private record Measured(LoadReport report, long stackCpuMillis) {
    }

    private static Measured measure(StackProcess stack, LoadOptions load) throws Exception {
        long[] cpuAtStart = {-1};
        LoadReport report = LoadTest.run(load, line -> {
            if (line.startsWith(LoadTest.MEASURING)) {
                cpuAtStart[0] = stack.cpuMillis();
            }
        });
        long cpuAtEnd = stack.cpuMillis();
        report.write(load.reportDirectory());
        return new Measured(report, cpuAtStart[0] >= 0 && cpuAtEnd >= 0 ? cpuAtEnd - cpuAtStart[0] : -1);
    }

    static String table(Options options, List<Point> points) {
        String header = String.format(Locale.ROOT, "%d connections, each in a room of its own; %d s per point after "
                        + "a %d s warm-up; store: %s; capacity with %d sends in flight; multiples %s of each round's "
                        + "capacity%n%n", options.connections(),
                options.duration().toSeconds(), options.warmup().toSeconds(), options.store(), options.inFlight(),
                options.multiples().stream().map(OverloadBenchmark::trim).collect(Collectors.joining(", ")));
        StringBuilder rounds = new StringBuilder();
        for (int round = 1; round <= options.rounds(); round++) {
            int r = round;
            List<Point> of = points.stream().filter(p -> p.round() == r).toList();
            double best = of.stream().filter(p -> p.report().refused() == 0 && p.report().failed() == 0)
                    .mapToDouble(Point::ackedPerSecond).max().orElse(0);
            double highest = options.multiples().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            of.stream().filter(p -> p.multiple() == highest).findFirst().ifPresent(p -> rounds.append(String.format(
                    Locale.ROOT, "Round %d: offered %s× its capacity, the stack acknowledged %.0f/s: %.0f %% of its "
                            + "capacity in closed loop (%.0f/s) and %.0f %% of the highest rate it served without "
                            + "refusing anything (%.0f/s); per CPU-second of the stack, %.0f %% of the closed loop's.%n",
                    r, trim(highest), p.ackedPerSecond(), 100 * p.ofCapacity(), p.capacity(),
                    best > 0 ? 100 * p.ackedPerSecond() / best : 0, best, 100 * p.cpuEfficiencyOfCapacity())));
        }
        return header
                + "| round | offered | offered/s | acked/s | of capacity | refused/s | failed or unanswered | lost "
                + "| p50 ms | p99 ms | acked per stack CPU s | of capacity's |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
                + points.stream().map(Point::row).collect(Collectors.joining("\n")) + "\n\n" + rounds;
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
