package dev.switchboard.functions.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * One DynamoDB Local per test JVM, in-process, in memory, on a free loopback port, reached through the real SDK
 * client over HTTP so tests exercise the same requests as production. Records the operations sent, so a test
 * can prove that nothing Scans.
 */
public final class LocalDynamoDb {

    private static final LocalDynamoDb INSTANCE = start();

    private final URI endpoint;
    private final DynamoDbClient client;
    private final List<String> operations = new CopyOnWriteArrayList<>();

    private LocalDynamoDb(URI endpoint) {
        this.endpoint = endpoint;
        this.client = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
                    }
                }))
                .build();
    }

    private static LocalDynamoDb start() {
        int port = freePort();
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-port", Integer.toString(port)});
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.stop();
                } catch (Exception e) {
                    // The JVM is exiting; nothing left to clean up.
                }
            }));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
        }
        return new LocalDynamoDb(URI.create("http://127.0.0.1:" + port));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DynamoDbClient client() {
        return INSTANCE.client;
    }

    /**
     * Another client of the same DynamoDB Local with an interceptor of the test's own, for a test that looks at the
     * requests a store sends (what it asks for, how much comes back). Its operations are recorded here too.
     */
    public static DynamoDbClient client(ExecutionInterceptor watcher) {
        return DynamoDbClient.builder()
                .endpointOverride(INSTANCE.endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        INSTANCE.operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
                    }
                }).addExecutionInterceptor(watcher))
                .build();
    }

    /** Names of every DynamoDB operation sent by this JVM's tests so far. */
    public static List<String> operations() {
        return List.copyOf(INSTANCE.operations);
    }

    /** A new, empty Switchboard table with a unique name. */
    public static String newTable() {
        String name = "switchboard-test-" + UUID.randomUUID();
        SwitchboardTable.createIfMissing(client(), name);
        return name;
    }
}
