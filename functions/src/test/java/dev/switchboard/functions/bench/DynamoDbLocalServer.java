package dev.switchboard.functions.bench;

import software.amazon.dynamodb.services.local.main.ServerRunner;

/** DynamoDB Local in its own JVM for benchmarks, one database for every client. Argument: port. Serves until killed. */
public final class DynamoDbLocalServer {

    private DynamoDbLocalServer() {
    }

    public static void main(String[] args) throws Exception {
        ServerRunner.createServerFromCommandLineArgs(new String[] {"-inMemory", "-sharedDb", "-port", args[0]}).start();
        System.out.println("http://127.0.0.1:" + args[0]);
    }
}
