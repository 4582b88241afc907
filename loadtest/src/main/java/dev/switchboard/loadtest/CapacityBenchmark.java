package dev.switchboard.loadtest;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code ./switchboard bench local-capacity [--connections N] [--concurrency C] [--rounds R] [--probe P]
 * [--store dynamodb|memory] [--transport in-process|http]}: how many clients the local stack seats, how fast it tells them all, and what that
 * costs in memory. The stack runs as {@code ./switchboard local} runs it, in a JVM of its own
 * ({@link StackProcess}); the clients are real sockets in this one ({@link CapacityClients}).
 *
 * <ol>
 *   <li><b>joins</b>: N sockets connect and join one room, at most C at a time between opening and their join's
 *       ack; {@code joins_per_second} is N over the time until the last ack;</li>
 *   <li><b>fan-out</b>: one member sends to the room; the time until every member has the message. The first
 *       broadcast to the room is reported on its own ({@code fanout_first_seconds}), then the median of R more;</li>
 *   <li><b>memory</b>: the stack's resident set with the N sockets open, and its high-water mark;</li>
 *   <li><b>disconnects</b>: every socket closes at once; the time until the stack has finished all N
 *       {@code $disconnect}s. Meanwhile P new sockets connect and join another room: {@code probe_seconds} says
 *       whether new connections and routes are still served while {@code $disconnect} work is behind.</li>
 * </ol>
 *
 * <p>Each step also reports the CPU time it cost the stack's process and this one, per join, per delivered message
 * and per disconnect: on a machine shared with other work, wall-clock times follow the load and these do not.
 * {@code --stack-classpath CP --stack-jvm-options FILE} starts another build of the stack under the same clients
 * (its classpath and its JVM options file), to compare two builds in one sitting.
 *
 * <p>The last line printed is the JSON summary (also in {@code loadtest/target/local-capacity.json}).
 * {@code complete} is true when every socket was seated, every broadcast reached every member, every
 * {@code $disconnect} was finished and every probe socket was seated. The figures are timings for
 * docs/performance.md; no test asserts them.
 */
public final class CapacityBenchmark {

    static final String USAGE = "usage: ./switchboard bench local-capacity [--connections N] [--concurrency C]"
            + " [--rounds R] [--probe P] [--store dynamodb|memory] [--transport in-process|http]"
            + " [--stack-classpath CP --stack-jvm-options FILE]";

    private static final String ROOM = "capacity";
    private static final String PROBE_ROOM = "capacity-probe";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration BROADCAST_TIMEOUT = Duration.ofSeconds(60);

    /** What to run, and against which build of the stack. */
    record Options(int connections, int concurrency, int rounds, int probe, String store, String transport,
                   StackProcess.Build build) {
        Options {
            if (connections < 2 || concurrency < 1 || rounds < 0 || probe < 0) {
                throw new IllegalArgumentException("--connections must be at least 2, --concurrency at least 1,"
                        + " --rounds and --probe at least 0");
            }
            if (!store.equals("dynamodb") && !store.equals("memory")) {
                throw new IllegalArgumentException("--store must be 'dynamodb' or 'memory'");
            }
            if (!transport.equals("in-process") && !transport.equals("http")) {
                throw new IllegalArgumentException("--transport must be 'in-process' or 'http'");
            }
        }

        /** The stack's flags besides its port; the default transport goes unnamed (older builds lack the flag). */
        List<String> stackFlags() {
            return transport.equals("http") ? List.of("--store", store, "--transport", transport)
                    : List.of("--store", store);
        }

        static Options defaults() {
            return new Options(10_000, 100, 5, 100, "dynamodb", "in-process", StackProcess.Build.current());
        }

        /** Parses flags; throws {@link IllegalArgumentException} naming the bad one. */
        static Options parse(String... args) {
            Options o = defaults();
            String stackClasspath = null;
            String stackJvmOptions = null;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--connections" -> o = new Options(number(flag, value), o.concurrency, o.rounds, o.probe,
                            o.store, o.transport, o.build);
                    case "--concurrency" -> o = new Options(o.connections, number(flag, value), o.rounds, o.probe,
                            o.store, o.transport, o.build);
                    case "--rounds" -> o = new Options(o.connections, o.concurrency, number(flag, value), o.probe,
                            o.store, o.transport, o.build);
                    case "--probe" -> o = new Options(o.connections, o.concurrency, o.rounds, number(flag, value),
                            o.store, o.transport, o.build);
                    case "--store" -> o = new Options(o.connections, o.concurrency, o.rounds, o.probe, value,
                            o.transport, o.build);
                    case "--transport" -> o = new Options(o.connections, o.concurrency, o.rounds, o.probe, o.store,
                            value, o.build);
                    case "--stack-classpath" -> stackClasspath = value;
                    case "--stack-jvm-options" -> stackJvmOptions = value;
                    default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
                }
            }
            if ((stackClasspath == null) != (stackJvmOptions == null)) {
                throw new IllegalArgumentException("--stack-classpath and --stack-jvm-options go together");
            }
            if (stackClasspath != null) {
                o = new Options(o.connections, o.concurrency, o.rounds, o.probe, o.store, o.transport,
                        StackProcess.Build.other(stackClasspath, Path.of(stackJvmOptions)));
            }
            return o;
        }

        private static int number(String flag, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got '" + value + "'");
            }
        }
    }

    /** CPU milliseconds one step cost the stack's process and the clients' (this) process; -1 when unknown. */
    record Cpu(long stackMillis, long clientMillis) {
        /** Per item, in milliseconds (-1 when unknown). */
        double stackPer(int items) {
            return stackMillis >= 0 && items > 0 ? (double) stackMillis / items : -1;
        }

        double clientPer(int items) {
            return clientMillis >= 0 && items > 0 ? (double) clientMillis / items : -1;
        }
    }

    /**
     * One run's figures. {@code rounds} are the times of the broadcasts after the first that reached every
     * member; {@code lost} sums the members each broadcast missed (and the sockets never seated); times of
     * incomplete steps are what was waited.
     */
    record Result(Options options, int seated, int joinFailures, double joinSeconds, Cpu joinCpu,
                  double firstSeconds, List<Double> rounds, int deliveries, int lost, int duplicates, Cpu fanoutCpu,
                  StackProcess.Memory memory, int disconnected, double disconnectSeconds, Cpu disconnectCpu,
                  int probeSeated, double probeSeconds, int disconnectsPendingAtProbe) {
        Result {
            rounds = List.copyOf(rounds);
        }

        boolean complete() {
            return seated == options.connections() && lost == 0 && duplicates == 0 && disconnected == seated
                    && probeSeated == options.probe() && rounds.size() == options.rounds();
        }

        String json() {
            return String.format(Locale.ROOT, "{\"store\":\"%s\",\"transport\":\"%s\",\"connections\":%d,\"concurrency\":%d,"
                            + "\"seated\":%d,\"join_failures\":%d,\"join_seconds\":%.2f,\"joins_per_second\":%.0f,"
                            + "\"fanout_first_seconds\":%.3f,\"fanout_median_seconds\":%.3f,\"fanout_rounds\":%d,"
                            + "\"lost\":%d,\"duplicates\":%d,\"rss_mb\":%d,\"peak_rss_mb\":%d,"
                            + "\"disconnected\":%d,\"disconnect_seconds\":%.2f,\"disconnects_per_second\":%.0f,"
                            + "\"probe_seated\":%d,\"probe_seconds\":%.2f,\"disconnects_pending_at_probe\":%d,"
                            + "\"stack_cpu_ms_per_join\":%.2f,\"stack_cpu_ms_per_delivery\":%.3f,"
                            + "\"stack_cpu_ms_per_disconnect\":%.2f,\"client_cpu_ms_per_join\":%.2f,"
                            + "\"client_cpu_ms_per_delivery\":%.3f,\"complete\":%b}",
                    options.store(), options.transport(), options.connections(), options.concurrency(), seated, joinFailures, joinSeconds,
                    rate(seated, joinSeconds), firstSeconds, ClientProcess.median(rounds), rounds.size(), lost,
                    duplicates, memory.residentMb(), memory.peakMb(), disconnected, disconnectSeconds,
                    rate(disconnected, disconnectSeconds), probeSeated, probeSeconds, disconnectsPendingAtProbe,
                    joinCpu.stackPer(seated), fanoutCpu.stackPer(deliveries), disconnectCpu.stackPer(disconnected),
                    joinCpu.clientPer(seated), fanoutCpu.clientPer(deliveries), complete());
        }

        private static double rate(int count, double seconds) {
            return seconds > 0 ? count / seconds : 0;
        }
    }

    private CapacityBenchmark() {
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
        Result result = run(options, System.out::println);
        Path out = Path.of("loadtest/target/local-capacity.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, result.json() + "\n");
        System.out.println(result.json());
        System.exit(result.complete() ? 0 : 1);
    }

    /** Starts a stack, runs the four steps against it, stops it; {@code progress} gets human-readable lines. */
    static Result run(Options options, Consumer<String> progress) throws InterruptedException {
        int n = options.connections();
        try (StackProcess stack = StackProcess.start(options.build(), options.stackFlags(), START_TIMEOUT);
             CapacityClients clients = new CapacityClients(stack.webSocketUrl())) {
            progress.accept("stack up at " + stack.webSocketUrl() + " (" + String.join(" ", options.stackFlags())
                    + "); seating " + n + " clients, " + options.concurrency() + " at a time...");
            CpuClock joinClock = new CpuClock(stack);
            CapacityClients.Seating seating = clients.seat(n, ROOM, options.concurrency(), JOIN_TIMEOUT);
            Cpu joinCpu = joinClock.stop();
            List<CapacityClients.Socket> members = seating.sockets();
            progress.accept(String.format(Locale.ROOT, "joins: %d seated, %d failed in %.2f s (%.0f/s; CPU per join:"
                            + " stack %.2f ms, clients %.2f ms)", members.size(), seating.failed(), seating.seconds(),
                    members.size() / seating.seconds(), joinCpu.stackPer(members.size()),
                    joinCpu.clientPer(members.size())));

            int lost = n - members.size();
            int deliveries = 0;
            int duplicates = 0;
            double first = 0;
            List<Double> rounds = new ArrayList<>();
            CpuClock fanoutClock = new CpuClock(stack);
            for (int round = 0; round <= options.rounds() && members.size() > 1; round++) {
                CapacityClients.Delivery delivery = clients.broadcast(members, "cap-" + round, BROADCAST_TIMEOUT);
                boolean complete = delivery.delivered() == members.size();
                deliveries += delivery.delivered();
                lost += members.size() - delivery.delivered();
                duplicates += delivery.duplicates();
                if (round == 0) {
                    first = delivery.seconds();
                } else if (complete) {
                    rounds.add(delivery.seconds());
                }
                progress.accept(String.format(Locale.ROOT, "fan-out %s: %d of %d in %.3f s%s",
                        round == 0 ? "first" : "round " + round, delivery.delivered(), members.size(),
                        delivery.seconds(), complete ? "" : " (incomplete)"));
            }
            Cpu fanoutCpu = fanoutClock.stop();
            StackProcess.Memory memory = stack.memory();
            progress.accept("stack memory with " + members.size() + " sockets open: " + memory.residentMb()
                    + " MB resident, " + memory.peakMb() + " MB at most");

            int before = stack.disconnects();
            CpuClock disconnectClock = new CpuClock(stack);
            long storm = System.nanoTime();
            clients.closeAll();
            // The probe's sockets have an event loop of their own: behind the 10,000 closes on the first one, they
            // would measure this process's backlog instead of the stack's.
            CapacityClients.Seating probe;
            try (CapacityClients probes = new CapacityClients(stack.webSocketUrl())) {
                probe = probes.seat(options.probe(), PROBE_ROOM, options.concurrency(), JOIN_TIMEOUT);
            }
            int pendingAtProbe = Math.max(0, before + members.size() - stack.disconnects());
            progress.accept(String.format(Locale.ROOT, "probe during the disconnects: %d of %d seated in %.2f s"
                    + " (%d $disconnects still pending then)", probe.sockets().size(), options.probe(),
                    probe.seconds(), pendingAtProbe));
            long deadline = storm + Duration.ofSeconds(Math.max(120, n / 20)).toNanos();
            while (stack.disconnects() - before < members.size() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            double disconnectSeconds = (System.nanoTime() - storm) / 1e9;
            // Includes the probe's joins: a few per cent of the work with the default 100 among 10,000.
            Cpu disconnectCpu = disconnectClock.stop();
            int disconnected = Math.min(members.size(), stack.disconnects() - before);
            progress.accept(String.format(Locale.ROOT, "disconnects: %d of %d finished in %.2f s (%.0f/s; stack CPU"
                            + " %.2f ms per disconnect)", disconnected, members.size(), disconnectSeconds,
                    disconnected / disconnectSeconds, disconnectCpu.stackPer(disconnected)));
            return new Result(options, members.size(), seating.failed(), seating.seconds(), joinCpu, first, rounds,
                    deliveries, lost, duplicates, fanoutCpu, memory, disconnected, disconnectSeconds, disconnectCpu,
                    probe.sockets().size(), probe.seconds(), pendingAtProbe);
        }
    }

    /** CPU time of both processes from its creation to {@link #stop}. */
    private static final class CpuClock {
        private final StackProcess stack;
        private final long stackStart;
        private final long clientStart;

        CpuClock(StackProcess stack) {
            this.stack = stack;
            this.stackStart = stack.cpuMillis();
            this.clientStart = clientCpuMillis();
        }

        Cpu stop() {
            long stackNow = stack.cpuMillis();
            long clientNow = clientCpuMillis();
            return new Cpu(stackStart < 0 || stackNow < 0 ? -1 : stackNow - stackStart,
                    clientStart < 0 || clientNow < 0 ? -1 : clientNow - clientStart);
        }

        private static long clientCpuMillis() {
            if (ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os) {
                long nanos = os.getProcessCpuTime();
                return nanos < 0 ? -1 : nanos / 1_000_000;
            }
            return -1;
        }
    }
}
