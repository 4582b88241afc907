package dev.switchboard.local;

import dev.switchboard.core.Capabilities;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.apache.logging.log4j.LogManager;

/**
 * {@code ./switchboard local [flags]}: starts the local stack, prints where everything is, runs until Ctrl-C.
 * {@code ./switchboard token USER --jwt-secret SECRET [--rooms SPEC] [--direct USERS] [--ttl 15m]} prints a test token
 * for a stack started with {@code --auth}.
 */
public final class Main {

    private static final String TOKEN_USAGE = """
            usage: ./switchboard token USER --jwt-secret SECRET [--rooms SPEC] [--direct USERS] [--ttl 15m]
              --rooms   rooms and actions: 'lobby:join,send;team-42:*:join,history,presence,send'
                        (patterns are names or prefixes ending in *; actions: join, history, presence, send)
              --direct  users this user may message directly: 'bob,support-*' or '*'
              --ttl     lifetime: 90s, 15m, 12h, 7d (default 12h)
              Without --rooms and --direct the token grants every action everywhere.
            """;

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Readable one-line logs for a console, instead of the functions' JSON for CloudWatch.
        System.setProperty("log4j2.configurationFile", "log4j2-local.xml");
        if (args.length > 0 && args[0].equals("token")) {
            mintToken(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        LocalRuntimeOptions options;
        LocalEvents.Extracted events;
        LocalRuntime stack;
        try {
            LocalExtensions.Parsed parsed = LocalExtensions.parse(args);
            events = LocalEvents.extract(parsed.rest());
            options = LocalRuntimeOptions.parse(events.rest());
            stack = LocalRuntime.start(options, DemoPage.fromClasspath(), events.target(), parsed.extensions());
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(LocalRuntimeOptions.USAGE);
            System.err.print(LocalExtensions.USAGE);
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping the local stack...");
            stack.close();
            // The logging configuration leaves its own shutdown to this hook, so the stack's last line (what it
            // gave up) is written before the JVM exits.
            LogManager.shutdown();
            stopped.countDown();
        }, "switchboard-shutdown"));
        printBanner(stack, options, events.target());
        stopped.await();
    }

    private static void printBanner(LocalRuntime stack, LocalRuntimeOptions options,
                                    java.util.Optional<LocalEvents.Target> events) {
        StringBuilder banner = new StringBuilder();
        banner.append("\nSwitchboard local stack is up\n")
                .append("  WebSocket URL        ").append(stack.webSocketUrl()).append('\n')
                .append("  Management endpoint  ").append(stack.managementEndpoint())
                .append("   (@connections/{id}: POST, GET, DELETE)\n")
                .append("  Publish (SQS path)   POST ").append(stack.publishUrl()).append('\n')
                .append(stack.usesDynamoDb()
                        ? "  DynamoDB Local       " + stack.dynamoDbEndpoint() + "   table " + stack.table()
                                + options.dataDirectory().map(d -> " in " + d).orElse(" (in memory)")
                        : "  Store                in memory (--store memory): no DynamoDB, nothing kept after exit")
                .append('\n');
        events.ifPresent(target -> banner.append("  Events               ").append(target.describe()).append('\n'));
        if (stack.jwtSecret().isPresent()) {
            String secret = stack.jwtSecret().get();
            banner.append("  Auth                 ON: JWT (HS256, issuer ").append(LocalTokens.ISSUER)
                    .append(") from ?token= or Authorization: Bearer\n")
                    .append("  Test token (alice)   ").append(LocalTokens.mint(secret, "alice", Duration.ofHours(12)))
                    .append("\n                       (grants every room and action; 12 h)\n")
                    .append("  Mint others          ./switchboard token <user> --jwt-secret ").append(secret)
                    .append(" --rooms 'lobby:join,send' --ttl 15m\n");
        } else {
            banner.append("\n  *** AUTH IS OFF: anyone can connect (each client is an anonymous user). ***\n")
                    .append("  *** Start with --auth to require a JWT on $connect, as in AWS.        ***\n");
        }
        if (options.effectivePolicy().equals("open")) {
            banner.append("  *** POLICY IS OPEN: every connection may join, read and send anywhere.  ***\n");
        } else {
            banner.append("  Policy               claims: rooms are denied unless the token's capabilities grant them\n");
        }
        banner.append("\n  Try it:  npx wscat -c ").append(stack.webSocketUrl())
                .append("   then  {\"action\":\"join\",\"room\":\"lobby\"}\n")
                .append("  Stop with Ctrl-C.\n");
        System.out.println(banner);
    }

    private static void mintToken(String[] args) {
        String user = null;
        String secret = System.getenv("SWITCHBOARD_JWT_SECRET");
        String rooms = null;
        String direct = null;
        String ttl = "12h";
        boolean restricted = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jwt-secret" -> secret = i + 1 < args.length ? args[++i] : null;
                case "--rooms" -> {
                    rooms = i + 1 < args.length ? args[++i] : "";
                    restricted = true;
                }
                case "--direct" -> {
                    direct = i + 1 < args.length ? args[++i] : "";
                    restricted = true;
                }
                case "--ttl" -> ttl = i + 1 < args.length ? args[++i] : "";
                default -> user = args[i];
            }
        }
        if (user == null || secret == null) {
            System.err.print(TOKEN_USAGE);
            System.exit(2);
        }
        try {
            Capabilities capabilities = restricted ? LocalTokens.parseRooms(rooms, direct) : LocalTokens.EVERYTHING;
            System.out.println(LocalTokens.mint(secret, user, LocalTokens.parseLifetime(ttl), capabilities));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(TOKEN_USAGE);
            System.exit(2);
        }
    }
}
