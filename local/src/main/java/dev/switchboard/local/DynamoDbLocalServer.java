package dev.switchboard.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local in this JVM: one database (in memory by default, or kept in a directory so data survives
 * restarts) served two ways at once. Its HTTP endpoint, on a port of the loopback interface only (nothing else on
 * the network can reach it: the database is the stack's history, unauthenticated), is for anything outside the stack's
 * handlers — the AWS CLI, a test peeking at the table, the handlers themselves when asked to go over HTTP — and
 * {@link #inProcessClient} hands the handlers the SDK's {@link DynamoDbClient} interface on the same engine without
 * the network in between. Both see the same rows whatever credentials and region a caller signs with.
 *
 * <pre>{@code
 * try (DynamoDbLocalServer dynamoDb = DynamoDbLocalServer.start(Optional.empty())) {
 *     DynamoDbClient client = dynamoDb.inProcessClient();   // or the SDK's client at dynamoDb.endpoint()
 * }
 * }</pre>
 *
 * <p>The server is assembled here rather than from DynamoDB Local's command line, whose parser builds the engine
 * out of reach, and rather than with its {@code DynamoDBProxyServer}, which listens on every interface; what the
 * command line would add is left out on purpose: telemetry (left on, every start calls Cognito and Pinpoint in AWS,
 * and no AWS endpoint should be reached by the local stack) and CORS headers.
 */
public final class DynamoDbLocalServer implements AutoCloseable {

    /** The only address the HTTP endpoint listens on. */
    static final String LOOPBACK = "127.0.0.1";

    private final Server server;
    private final URI endpoint;
    private final InProcessDynamoDbClient inProcess;

    private DynamoDbLocalServer(LocalDynamoDBRequestHandler engine, Server server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        this.inProcess = new InProcessDynamoDbClient(engine);
    }

    /** Starts it; {@code dataDirectory} empty means in memory. */
    public static DynamoDbLocalServer start(Optional<Path> dataDirectory) {
        if (dataDirectory.isPresent()) {
            try {
                Files.createDirectories(dataDirectory.get());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dataDirectory.get(), e);
            }
        }
        LocalDynamoDBRequestHandler engine = null;
        Server server = null;
        try {
            // One shared database (as -sharedDb does): every caller sees the same table, however it signs.
            engine = new LocalDynamoDBRequestHandler(0, dataDirectory.isEmpty(),
                    dataDirectory.map(Path::toString).orElse(null), true, false);
            // Jetty as DynamoDB Local's own server sets it up (its request handler in a context), but with one
            // connector on the loopback address and a port the system picks (no window for another process to take
            // a port found free a moment before).
            server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost(LOOPBACK);
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(new ContextHandler(new LocalDynamoDBServerHandler(engine, null)));
            server.start();
            return new DynamoDbLocalServer(engine, server,
                    URI.create("http://" + LOOPBACK + ":" + connector.getLocalPort()));
        } catch (Exception e) {
            try {
                if (server != null) {
                    server.stop();
                }
            } catch (Exception stopping) {
                e.addSuppressed(stopping);
            }
            if (engine != null) {
                engine.shutdown();
            }
            throw new IllegalStateException("DynamoDB Local did not start: " + e.getMessage(), e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTTP endpoint, for the SDK's own client (any credentials, any region) and the AWS CLI. */
    public URI endpoint() {
        return endpoint;
    }

    /** The same database through the SDK's client interface, without HTTP; closing it is not needed. */
    public DynamoDbClient inProcessClient() {
        return inProcess;
    }

    /** Stops the HTTP endpoint and the engine behind it (and so the in-process client). */
    @Override
    public void close() {
        inProcess.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        }
    }
}
