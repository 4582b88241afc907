package dev.switchboard.loadtest;

import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code ./switchboard bench fanout [--connections N] [--warmup W] [--rounds R]}: N real WebSocket connections (in
 * a second JVM) in one room of the local stack; one message at a time published through Switchboard's path
 * (publisher, history, Query of the room, the {@code Broadcaster} posting to {@code @connections} with bounded
 * concurrency), timed until every client has it. The first broadcast of the fresh JVM is reported as
 * {@code first_seconds}; W more warm the JIT up untimed, then R timed ones give {@code seconds}, their median (a
 * Lambda that broadcasts is warm far more often than it is new). Every broadcast counts towards {@code lost}. In
 * the same run, the baseline of AWS's samples: Scan the table and post to each connection one after
 * another with the synchronous client, warmed up by 1,000 untimed posts first. The last line printed is the JSON
 * summary (also in {@code loadtest/target/fanout.json}).
 */
public final class FanoutBenchmark {

    /** Untimed posts that warm the baseline's client and the emulator's path before its timed run. */
    static final int BASELINE_WARMUP_POSTS = 1_000;

    /**
     * What one run measured: {@code delivered} is the fewest clients any Switchboard broadcast reached and
     * {@code lost} the misses summed over all of them; {@code rounds} holds the times of the timed broadcasts that
     * reached every client (a broadcast that missed some has no meaningful time), {@code seconds} their median.
     */
    public record Result(int connections, int delivered, int lost, double firstSeconds, int warmup,
                         List<Double> rounds, int baselineDelivered, double baselineSeconds) {
        public Result {
            rounds = List.copyOf(rounds);
        }

        /** The median of the timed rounds that reached every client (0 when none did). */
        double seconds() {
            return ClientProcess.median(rounds);
        }

        double speedup() {
            return seconds() > 0 ? baselineSeconds / seconds() : 0;
        }

        String json() {
            return String.format(Locale.ROOT, "{\"connections\":%d,\"delivered\":%d,\"lost\":%d,\"seconds\":%.3f,"
                            + "\"first_seconds\":%.3f,\"warmup_rounds\":%d,\"rounds\":%d,\"baseline_delivered\":%d,"
                            + "\"baseline_lost\":%d,\"baseline_seconds\":%.3f,\"speedup\":%.1f,"
                            + "\"first_speedup\":%.1f}", connections, delivered, lost, seconds(), firstSeconds,
                    warmup, rounds.size(), baselineDelivered, connections - baselineDelivered, baselineSeconds,
                    speedup(), firstSeconds > 0 ? baselineSeconds / firstSeconds : 0);
        }
    }

    private FanoutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("crossover")) {
            CrossoverBenchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("local-capacity")) {
            CapacityBenchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("overload")) {
            OverloadBenchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int connections = 10_000;
        int warmup = 5;
        int rounds = 7;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--connections") && i + 1 < args.length) {
                connections = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--warmup") && i + 1 < args.length) {
                warmup = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--rounds") && i + 1 < args.length) {
                rounds = Integer.parseInt(args[++i]);
            } else if (!args[i].equals("fanout")) {
                System.err.println("usage: ./switchboard bench fanout [--connections N] [--warmup W] [--rounds R]"
                        + " | bench crossover [...] | bench local-capacity [...] | bench overload [...]");
                System.exit(2);
            }
        }
        if (connections < 1 || warmup < 0 || rounds < 1) {
            System.err.println("--connections and --rounds must be at least 1, --warmup at least 0");
            System.exit(2);
        }
        Result result = run(connections, warmup, rounds, System.out::println);
        Path out = Path.of("loadtest/target/fanout.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, result.json() + "\n");
        System.out.println(result.json());
        System.exit(0);
    }

    /**
     * Runs both measurements against a fresh local stack: a first broadcast, {@code warmup} untimed ones,
     * {@code rounds} timed ones, then the baseline; {@code progress} gets human-readable lines.
     */
    public static Result run(int connections, int warmup, int rounds, java.util.function.Consumer<String> progress)
            throws Exception {
        String room = "fanout";
        // Over HTTP, as the baseline posts: both paths then reach @connections the same way and the difference is
        // the broadcaster (the stack's default hands its posts over in-process, unsigned).
        try (LocalRuntime stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withOverHttp(true))) {
            progress.accept("opening " + connections + " connections in a client process...");
            try (ClientProcess clients = ClientProcess.start(stack.webSocketUrl(), room, connections)) {
                progress.accept("clients: " + clients.ready());

                int fewest = connections;
                int lost = 0;
                double first = 0;
                List<Double> timed = new ArrayList<>();
                for (int round = 0; round <= warmup + rounds; round++) {
                    ClientProcess.Round broadcast = clients.broadcast(stack.publishUrl(), room,
                            "fanout-switchboard-" + round, 30_000);
                    double seconds = broadcast.seconds();
                    fewest = Math.min(fewest, broadcast.count());
                    lost += connections - broadcast.count();
                    boolean complete = broadcast.count() == connections;
                    if (round == 0) {
                        first = complete ? seconds : 0;
                    } else if (round > warmup && complete) {
                        timed.add(seconds);
                    }
                    String name = round == 0 ? "first broadcast" : round <= warmup ? "warm-up " + round
                            : "round " + (round - warmup);
                    progress.accept(complete
                            ? String.format(Locale.ROOT, "switchboard %s: %d of %d delivered in %.3f s", name,
                                    broadcast.count(), connections, seconds)
                            : String.format(Locale.ROOT, "switchboard %s: only %d of %d delivered (not timed)", name,
                                    broadcast.count(), connections));
                }

                List<String> ids = scanForConnections(stack, room);
                postSequentially(stack.managementEndpoint(), ids.subList(0, Math.min(ids.size(),
                        BASELINE_WARMUP_POSTS)), "{\"type\":\"message\",\"room\":\"fanout\",\"data\":\"warm-up\"}");
                // The baseline's clock includes its Scan, which is part of the pattern being measured.
                long baselineStart = System.currentTimeMillis();
                ids = scanForConnections(stack, room);
                progress.accept("baseline: Scan found " + ids.size() + " connections; posting one by one...");
                postSequentially(stack.managementEndpoint(), ids,
                        "{\"type\":\"message\",\"room\":\"fanout\",\"data\":\"fanout-baseline\"}");
                ClientProcess.Arrival baseline = clients.await("fanout-baseline", 600_000);
                double baselineSeconds = (baseline.lastMillis() - baselineStart) / 1000.0;
                progress.accept(String.format(Locale.ROOT, "baseline: %d of %d delivered in %.3f s",
                        baseline.count(), connections, baselineSeconds));
                return new Result(connections, fewest, lost, first, warmup, timed, baseline.count(),
                        baselineSeconds);
            }
        }
    }

    /** The common sample's first step: read every connection with a Scan (of the whole table). */
    private static List<String> scanForConnections(LocalRuntime stack, String room) {
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(stack.dynamoDbEndpoint())
                .region(Region.US_EAST_1).credentialsProvider(credentials())
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            List<String> ids = new ArrayList<>();
            for (Map<String, AttributeValue> item : dynamoDb.scanPaginator(r -> r.tableName(stack.table())).items()) {
                String pk = item.get("pk").s();
                String sk = item.get("sk").s();
                if (pk.equals("ROOM#" + room) && sk.startsWith("CONN#")) {
                    ids.add(sk.substring("CONN#".length()));
                }
            }
            return ids;
        }
    }

    /** The common sample's second step: one post after another with the synchronous client. */
    private static void postSequentially(URI endpoint, List<String> ids, String payload) {
        try (ApiGatewayManagementApiClient api = ApiGatewayManagementApiClient.builder().endpointOverride(endpoint)
                .region(Region.US_EAST_1).credentialsProvider(credentials())
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            SdkBytes data = SdkBytes.fromUtf8String(payload);
            for (String id : ids) {
                api.postToConnection(r -> r.connectionId(id).data(data));
            }
        }
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }

}
