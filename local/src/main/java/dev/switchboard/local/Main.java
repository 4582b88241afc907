package dev.switchboard.local;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./switchboard local [flags]}: starts the local stack, prints where everything is, runs until Ctrl-C.
 * {@code ./switchboard token USER --jwt-secret SECRET} prints a test token for a stack started with {@code --auth}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Readable one-line logs for a console, instead of the functions' JSON for CloudWatch.
        System.setProperty("log4j2.configurationFile", "log4j2-local.xml");
        if (args.length > 0 && args[0].equals("token")) {
            mintToken(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        LocalStackOptions options;
        try {
            options = LocalStackOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(LocalStackOptions.USAGE);
            System.exit(2);
            return;
        }
        LocalStack stack = LocalStack.start(options, DemoPage.fromClasspath());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping the local stack...");
            stack.close();
            stopped.countDown();
        }, "switchboard-shutdown"));
        printBanner(stack, options);
        stopped.await();
    }

    private static void printBanner(LocalStack stack, LocalStackOptions options) {
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
        if (stack.jwtSecret().isPresent()) {
            String secret = stack.jwtSecret().get();
            banner.append("  Auth                 ON: JWT (HS256, issuer ").append(LocalTokens.ISSUER)
                    .append(") from ?token= or Authorization: Bearer\n")
                    .append("  Test token (alice)   ").append(LocalTokens.mint(secret, "alice", Duration.ofHours(12)))
                    .append('\n')
                    .append("  Mint others          ./switchboard token <user> --jwt-secret ").append(secret)
                    .append('\n');
        } else {
            banner.append("\n  *** AUTH IS OFF: anyone can connect (every connection is 'anonymous:<id>'). ***\n")
                    .append("  *** Start with --auth to require a JWT on $connect, as in AWS.            ***\n");
        }
        banner.append("\n  Try it:  npx wscat -c ").append(stack.webSocketUrl())
                .append("   then  {\"action\":\"join\",\"room\":\"lobby\"}\n")
                .append("  Stop with Ctrl-C.\n");
        System.out.println(banner);
    }

    private static void mintToken(String[] args) {
        String user = null;
        String secret = System.getenv("SWITCHBOARD_JWT_SECRET");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--jwt-secret") && i + 1 < args.length) {
                secret = args[++i];
            } else {
                user = args[i];
            }
        }
        if (user == null || secret == null) {
            System.err.println("usage: ./switchboard token USER --jwt-secret SECRET");
            System.exit(2);
        }
        System.out.println(LocalTokens.mint(secret, user, Duration.ofHours(12)));
    }
}
