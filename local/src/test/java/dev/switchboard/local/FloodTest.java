package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Clients that write frames as fast as their sockets take them, one reading its answers and one not, against the
 * local stack in a JVM of its own with a 64 MB heap: the gateway reads each socket only as fast as it serves it and
 * only while the client reads its answers, so the flood waits in TCP, not in the emulator's heap; the stack does
 * not fail and another client is served meanwhile. (Before the gateway bounded its queues, it read every frame
 * as it came and queued them all: such a flood filled any heap within seconds.)
 */
class FloodTest {

    private static final Pattern WEBSOCKET_URL = Pattern.compile("WebSocket URL\\s+(ws://\\S+)");
    /** How long the flood lasts at least: far more than a 64 MB heap could hold at the rate a socket is written. */
    private static final long FLOOD_NANOS = TimeUnit.SECONDS.toNanos(3);

    @Test
    void floodingClientsNeitherExhaustTheHeapNorStarveOthers() throws Exception {
        // The core's frame quota would disconnect the flooders; lifted, so that the gateway's own bounds are tested.
        try (ChildStack stack = ChildStack.start("-Xmx64m", "--store", "memory", "--frame-rate", "1000000",
                "--frame-burst", "2000000")) {
            URI url = stack.url.get(60, TimeUnit.SECONDS);
            byte[] burst = repeat(RawWebSocket.maskedText("{\"action\":\"ping\",\"id\":\"flood\"}"), 64 * 1024);
            AtomicLong written = new AtomicLong();
            RawWebSocket reading = new RawWebSocket(url);
            RawWebSocket deaf = new RawWebSocket(url);
            List<Thread> threads = new ArrayList<>();
            threads.add(Thread.ofPlatform().start(reading::drain));
            for (RawWebSocket flooder : List.of(reading, deaf)) {
                threads.add(Thread.ofPlatform().start(() -> flood(flooder, burst, written)));
            }
            long floodUntil = System.nanoTime() + FLOOD_NANOS;
            try {
                try (TestSocket other = TestSocket.open(url)) {
                    other.send("{\"action\":\"join\",\"room\":\"calm\",\"id\":\"j\"}");
                    assertThat(other.next("\"id\":\"j\"")).contains("\"type\":\"ack\"");
                    for (int i = 0; i < 50; i++) {
                        other.send("{\"action\":\"send\",\"room\":\"calm\",\"id\":\"s" + i + "\",\"data\":" + i + "}");
                        assertThat(other.next("\"id\":\"s" + i + "\"")).contains("\"type\":\"ack\"");
                    }
                }
                while (System.nanoTime() < floodUntil) {
                    Thread.sleep(50);
                }
                try (TestSocket late = TestSocket.open(url)) {
                    late.send("{\"action\":\"ping\",\"id\":\"late\"}");
                    assertThat(late.next("\"id\":\"late\"")).contains("\"type\":\"pong\"");
                }
            } finally {
                reading.close();
                deaf.close();
                for (Thread thread : threads) {
                    thread.join(10_000);
                }
            }
            assertThat(written.get()).as("bytes of frames the flooders wrote").isPositive();
            assertThat(stack.process.isAlive()).as("the stack is still running").isTrue();
            assertThat(stack.trouble).as("the stack's console").isEmpty();
        }
    }

    private static void flood(RawWebSocket socket, byte[] burst, AtomicLong written) {
        try {
            while (true) {
                socket.write(burst);
                written.addAndGet(burst.length);
            }
        } catch (IOException closed) {
            // The test closed the socket (or the stack closed it).
        }
    }

    private static byte[] repeat(byte[] frame, int atLeast) {
        int copies = (atLeast + frame.length - 1) / frame.length;
        byte[] bytes = new byte[copies * frame.length];
        for (int i = 0; i < copies; i++) {
            System.arraycopy(frame, 0, bytes, i * frame.length, frame.length);
        }
        return bytes;
    }

    /** {@code ./switchboard local} in a JVM of its own, with a given heap; its console is watched for trouble. */
    private static final class ChildStack implements AutoCloseable {
        final Process process;
        final CompletableFuture<URI> url = new CompletableFuture<>();
        final ConcurrentLinkedQueue<String> trouble = new ConcurrentLinkedQueue<>();

        private ChildStack(Process process) {
            this.process = process;
            Thread.ofPlatform().daemon().start(this::watch);
        }

        static ChildStack start(String heap, String... flags) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap, "-XX:+UseSerialGC",
                    "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--port", "0"));
            command.addAll(List.of(flags));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putIfAbsent("AWS_REGION", "us-east-1");
            return new ChildStack(builder.start());
        }

        private void watch() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    Matcher matcher = WEBSOCKET_URL.matcher(line);
                    if (!url.isDone() && matcher.find()) {
                        url.complete(URI.create(matcher.group(1)));
                    } else if (line.contains("OutOfMemoryError") || line.contains(" ERROR ")
                            || line.contains("Exception")) {
                        trouble.add(line);
                    }
                }
            } catch (IOException e) {
                trouble.add("console unreadable: " + e);
            }
            url.completeExceptionally(new IllegalStateException("the stack exited: " + trouble));
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
