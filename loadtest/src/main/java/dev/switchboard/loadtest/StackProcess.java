package dev.switchboard.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local stack as {@code ./switchboard local} runs it, in a JVM of its own: the same main class, the same JVM
 * options (read from the file the launcher passes to {@code java}, {@value #JVM_OPTIONS}), the same console. The
 * benchmark reads the console for the WebSocket URL and counts its {@code DISCONNECT} lines (one per
 * {@code $disconnect} the stack has finished), and reads the process's resident memory from {@code /proc}.
 */
final class StackProcess implements AutoCloseable {

    /** The local stack's JVM options, as a {@code java @file} argument file on the classpath. */
    static final String JVM_OPTIONS = "local-stack.jvm-options";

    private static final Pattern WEBSOCKET_URL = Pattern.compile("WebSocket URL\\s+(ws://\\S+)");

    private final Process process;
    private final CompletableFuture<URI> url = new CompletableFuture<>();
    private final AtomicInteger disconnects = new AtomicInteger();
    private final Thread console;

    private StackProcess(Process process) {
        this.process = process;
        this.console = Thread.ofPlatform().daemon().name("stack-console").start(this::readConsole);
    }

    /**
     * Which build of the stack to start: by default this one (this JVM's classpath and the launcher's options), or
     * another one's classpath and JVM options file, to compare two builds with the same clients.
     */
    record Build(String classpath, List<String> jvmOptions) {
        Build {
            jvmOptions = List.copyOf(jvmOptions);
        }

        static Build current() {
            return new Build(System.getProperty("java.class.path"), launcherJvmOptions());
        }

        static Build other(String classpath, Path jvmOptionsFile) {
            try {
                return new Build(classpath, parseOptions(Files.readString(jvmOptionsFile)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Starts {@code ./switchboard local --port 0} of a build with these extra flags and waits until it is up. */
    static StackProcess start(Build build, List<String> flags, Duration timeout) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(build.jvmOptions());
        command.addAll(List.of("-cp", build.classpath(), "dev.switchboard.local.Main", "--port", "0"));
        command.addAll(flags);
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putIfAbsent("AWS_REGION", "us-east-1");
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StackProcess stack = new StackProcess(process);
        try {
            stack.url.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            stack.close();
            throw new IllegalStateException("the local stack did not come up within " + timeout.toSeconds() + " s",
                    e);
        }
        return stack;
    }

    /** The launcher's options for the stack's JVM: the argument file's lines, without comments and blanks. */
    static List<String> launcherJvmOptions() {
        try (InputStream in = StackProcess.class.getClassLoader().getResourceAsStream(JVM_OPTIONS)) {
            if (in == null) {
                throw new IllegalStateException(JVM_OPTIONS + " is not on the classpath");
            }
            return parseOptions(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An argument file's options: one a line, {@code #} comments and blank lines left out. */
    static List<String> parseOptions(String file) {
        return file.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    URI webSocketUrl() {
        return url.join();
    }

    /** {@code $disconnect}s the stack has finished so far (its console's {@code DISCONNECT} lines). */
    int disconnects() {
        return disconnects.get();
    }

    /** Resident memory of the stack's process now and at its highest (MB), from {@code /proc}; -1 elsewhere. */
    Memory memory() {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        long rss = -1;
        long peak = -1;
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line) / 1024;
                } else if (line.startsWith("VmHWM:")) {
                    peak = kilobytes(line) / 1024;
                }
            }
        } catch (IOException e) {
            // Not Linux: no figures.
        }
        return new Memory(rss, peak);
    }

    /**
     * CPU time the stack's process has used so far (user and system, all threads), in milliseconds, from
     * {@code /proc}; -1 elsewhere. Differences of it measure work per step even on a machine shared with others,
     * where wall-clock times vary with the load.
     */
    long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Sockets the stack's process holds open now (its descriptors that are sockets, from {@code /proc}); else -1. */
    int openSockets() {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return (int) fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** The stack's platform (OS) threads now, from {@code /proc}; -1 elsewhere. Virtual threads are not among them. */
    int threads() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux: no figure.
        }
        return -1;
    }

    /**
     * The stack's live heap: a full collection is run in it ({@code jcmd <pid> GC.run}), then the heap in use is read
     * ({@code jcmd <pid> GC.heap_info}, every generation's {@code used}), in MB; -1 when the JDK's {@code jcmd} cannot
     * attach. What is left after a full collection is what the stack holds on to, not garbage waiting for the
     * collector, so two readings hours apart show whether it keeps growing.
     */
    double heapAfterGcMb() {
        if (jcmd("GC.run") == null) {
            return -1;
        }
        String info = jcmd("GC.heap_info");
        if (info == null) {
            return -1;
        }
        long usedKb = 0;
        boolean found = false;
        for (String line : info.lines().toList()) {
            Matcher used = HEAP_USED.matcher(line);
            if (used.find()) {
                usedKb += Long.parseLong(used.group(1));
                found = true;
            }
        }
        return found ? usedKb / 1024.0 : -1;
    }

    /**
     * A generation's or a whole heap's line of {@code GC.heap_info}, not Metaspace's: Serial's ({@code DefNew},
     * {@code Tenured}; {@code def new generation}, {@code tenured generation} before JDK 24), Parallel's and G1's.
     */
    private static final Pattern HEAP_USED = Pattern.compile("^\\s*(?:DefNew|Tenured|def new generation"
            + "|tenured generation|PSYoungGen|ParOldGen|garbage-first heap)\\s+total[^,]*(?:, committed \\d+K)?,"
            + " used (\\d+)K");

    /** Runs {@code jcmd <pid> <command>} with this JDK's jcmd; its output, or null when it failed. */
    private String jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process run = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command)
                    .redirectErrorStream(true).start();
            String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return run.waitFor(60, TimeUnit.SECONDS) && run.exitValue() == 0 ? output : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every mainstream kernel build. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    /** Resident set size now and its high-water mark, in MB. */
    record Memory(long residentMb, long peakMb) {
    }

    private static long kilobytes(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
    }

    private void readConsole() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             java.io.Writer copy = Files.newBufferedWriter(consoleCopy())) {
            StringBuilder early = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                copy.write(line);
                copy.write('\n');
                if (!url.isDone()) {
                    early.append(line).append('\n');
                    Matcher matcher = WEBSOCKET_URL.matcher(line);
                    if (matcher.find()) {
                        url.complete(URI.create(matcher.group(1)));
                    }
                } else if (line.contains(" DISCONNECT ")) {
                    disconnects.incrementAndGet();
                } else if (line.contains(" WARN ") || line.contains(" ERROR ")) {
                    System.err.println("stack: " + line);
                }
            }
            if (!url.isDone()) {
                url.completeExceptionally(new IllegalStateException("the stack exited; it said:\n" + early));
            }
        } catch (IOException e) {
            url.completeExceptionally(e);
        }
    }

    /** Where the stack's console is kept: {@code target/local-capacity-stack.log} of the working directory's module. */
    private static Path consoleCopy() throws IOException {
        Path target = Files.isDirectory(Path.of("loadtest", "target")) ? Path.of("loadtest", "target")
                : Path.of("target");
        Files.createDirectories(target);
        return target.resolve("local-capacity-stack.log");
    }

    @Override
    public void close() {
        // SIGTERM: the stack's shutdown hook closes its sockets and stores, as Ctrl-C would.
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            console.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
