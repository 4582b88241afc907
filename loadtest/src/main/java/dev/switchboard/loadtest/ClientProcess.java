package dev.switchboard.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fan-out benchmarks' receiving side: a {@link FanoutClients} JVM holding N sockets in one room, driven over
 * its standard input and output.
 *
 * <pre>{@code
 * try (ClientProcess clients = ClientProcess.start(stack.webSocketUrl(), "fanout", 1000)) {
 *     ClientProcess.Round round = clients.broadcast(stack.publishUrl(), "fanout", "fanout-1", 30_000);
 * }
 * }</pre>
 */
final class ClientProcess implements AutoCloseable {

    /** How many sockets got a marker, and when the last of them got it (epoch milliseconds). */
    record Arrival(int count, long lastMillis) {
    }

    /** One timed broadcast: how many sockets got it, and the seconds from its publish until the last one had it. */
    record Round(int count, double seconds) {
    }

    private final Process process;
    private final BufferedReader replies;
    private final PrintWriter commands;
    private final String ready;

    private ClientProcess(Process process) throws IOException {
        this.process = process;
        this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.commands = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8),
                true);
        this.ready = replies.readLine();
        if (ready == null || !ready.startsWith("READY ")) {
            throw new IllegalStateException("client process did not get ready; it said: " + ready
                    + " (exit " + (process.isAlive() ? "none yet" : process.exitValue()) + ")");
        }
    }

    /** Starts the clients and returns once every socket has joined (or the process gave up waiting). */
    static ClientProcess start(URI url, String room, int connections) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Process process = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                    FanoutClients.class.getName(), url.toString(), room, Integer.toString(connections))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new ClientProcess(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The process's readiness line, {@code READY <joined>}. */
    String ready() {
        return ready;
    }

    /** Waits until every socket has a message containing {@code marker} (which must start with "fanout-"). */
    Arrival await(String marker, long timeoutMillis) {
        commands.println("WAIT " + marker + " " + timeoutMillis);
        String line;
        try {
            line = replies.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (line == null || !line.startsWith("ALL ")) {
            throw new IllegalStateException("client process said: " + line
                    + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")"));
        }
        String[] parts = line.split(" ");
        return new Arrival(Integer.parseInt(parts[2]), Long.parseLong(parts[3]));
    }

    /**
     * Publishes a message carrying {@code marker} to {@code room} through the stack's publish endpoint (the SQS
     * path) and waits until every socket has it.
     */
    Round broadcast(URI publishUrl, String room, String marker, long timeoutMillis)
            throws IOException, InterruptedException {
        long start = System.currentTimeMillis();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(publishUrl)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"room\":\"" + room + "\",\"data\":\"" + marker + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("publish refused: " + response.statusCode() + " " + response.body());
        }
        Arrival arrival = await(marker, timeoutMillis);
        return new Round(arrival.count(), (arrival.lastMillis() - start) / 1000.0);
    }

    /** The middle of some timings, or the mean of the two middle ones; 0 for none. */
    static double median(List<Double> seconds) {
        List<Double> sorted = seconds.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return 0;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    @Override
    public void close() {
        commands.println("EXIT");
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
