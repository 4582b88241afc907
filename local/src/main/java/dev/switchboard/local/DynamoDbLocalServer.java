package dev.switchboard.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local, in this JVM, on a loopback port: in memory by default, or kept in a directory so data survives
 * restarts. The handlers reach it through the real SDK client over HTTP, as they reach DynamoDB in AWS.
 */
public final class DynamoDbLocalServer implements AutoCloseable {

    private final DynamoDBProxyServer server;
    private final URI endpoint;

    private DynamoDbLocalServer(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /** Starts it; {@code dataDirectory} empty means in memory. */
    public static DynamoDbLocalServer start(Optional<Path> dataDirectory) {
        int port = freePort();
        if (dataDirectory.isPresent()) {
            try {
                Files.createDirectories(dataDirectory.get());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dataDirectory.get(), e);
            }
        }
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    arguments(port, dataDirectory).toArray(String[]::new));
            server.start();
            return new DynamoDbLocalServer(server, URI.create("http://127.0.0.1:" + port));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start: " + e.getMessage(), e);
        }
    }

    /**
     * DynamoDB Local's command line. Telemetry is off: left on, every start calls Cognito and Pinpoint in AWS
     * (about 1.5 s of the first start here, and no AWS endpoint should be reached by the local stack) and writes
     * {@code dynamodb-local-metadata.json} into the working directory.
     */
    static List<String> arguments(int port, Optional<Path> dataDirectory) {
        List<String> args = new ArrayList<>(List.of("-port", Integer.toString(port), "-disableTelemetry"));
        if (dataDirectory.isPresent()) {
            args.addAll(List.of("-dbPath", dataDirectory.get().toString(), "-sharedDb"));
        } else {
            args.add("-inMemory");
        }
        return args;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        }
    }
}
