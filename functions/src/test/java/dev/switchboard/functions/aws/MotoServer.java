package dev.switchboard.functions.aws;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * moto's AWS emulator ({@code moto_server}), an implementation of DynamoDB, SQS, EventBridge and the API Gateway Management API
 * written apart from AWS and from this project, so the adapters are checked against a second opinion besides
 * DynamoDB Local and the hand-written fakes. One per test JVM, on a free loopback port, started on first use and
 * stopped when the JVM exits; its request log goes to {@code target/moto-server.log}.
 *
 * <p>Test classes that need it carry {@link RequiresMoto}: where {@code moto_server} is not on the PATH they are
 * skipped with a warning on the console. Where moto differs from AWS, docs/testing.md ("The AWS adapters against
 * moto") says how.
 */
public final class MotoServer {

    /** Any credentials do; moto checks the signature's shape, not the key. */
    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("moto", "moto"));
    static final Region REGION = Region.US_EAST_1;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Object ONE_AT_A_TIME = new Object();
    private static MotoServer instance;

    private final Process process;
    private final URI endpoint;
    private final List<String> dynamoDbOperations = new CopyOnWriteArrayList<>();
    private final DynamoDbClient dynamoDb;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
        // Built as AwsClients.dynamoDb builds the functions' client, plus an endpoint and a record of what it sends.
        this.dynamoDb = DynamoDbClient.builder()
                .httpClient(oneAtATime())
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(CREDENTIALS)
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        dynamoDbOperations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
                    }
                }))
                .build();
    }

    /** The server of this JVM, started on first use. */
    static synchronized MotoServer shared() {
        if (instance == null) {
            instance = start(executable().orElseThrow(
                    () -> new IllegalStateException("moto_server is not on the PATH")));
        }
        return instance;
    }

    /** {@code moto_server} on the PATH, if any. */
    static Optional<Path> executable() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "moto_server"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static MotoServer start(Path executable) {
        int port = freePort();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Process process;
        try {
            Path log = Path.of("target", "moto-server.log").toAbsolutePath();
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("moto_server did not start", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process)));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answers(endpoint)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + process.exitValue()
                        + " (see target/moto-server.log)");
            }
            if (System.nanoTime() > deadline) {
                stop(process);
                throw new IllegalStateException("moto_server did not answer within " + START_TIMEOUT);
            }
            sleep(100);
        }
        return new MotoServer(process, endpoint);
    }

    private static boolean answers(URI endpoint) {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint.resolve("/moto-api/").toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2_000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for moto_server", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI endpoint() {
        return endpoint;
    }

    /**
     * The functions' HTTP client ({@link AwsClients#httpClient}), sending one request to moto at a time: moto_server
     * is not thread-safe (concurrent transactions fail with 500 "dictionary changed size during iteration"), so the
     * tests' concurrent calls reach it one after another, in whatever order they race to.
     */
    private static SdkHttpClient oneAtATime() {
        SdkHttpClient client = AwsClients.httpClient();
        return new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                ExecutableHttpRequest prepared = client.prepareRequest(request);
                return new ExecutableHttpRequest() {
                    @Override
                    public HttpExecuteResponse call() throws IOException {
                        // moto answers once it is done, so its work is over when the status line arrives.
                        synchronized (ONE_AT_A_TIME) {
                            return prepared.call();
                        }
                    }

                    @Override
                    public void abort() {
                        prepared.abort();
                    }
                };
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    /** A DynamoDB client built as the functions' ({@link AwsClients#dynamoDb}), against moto. */
    DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /** Names of the DynamoDB operations this JVM's tests sent to moto so far. */
    List<String> dynamoDbOperations() {
        return List.copyOf(dynamoDbOperations);
    }

    /** A new, empty Switchboard table with a unique name. */
    String newTable() {
        String name = "switchboard-moto-" + UUID.randomUUID();
        SwitchboardTable.createIfMissing(dynamoDb, name);
        return name;
    }

    /** An SQS client built as the functions' ({@link AwsClients#sqs}), against moto. */
    SqsClient sqs() {
        return SqsClient.builder().httpClient(oneAtATime()).endpointOverride(endpoint).region(REGION)
                .credentialsProvider(CREDENTIALS).build();
    }

    /** An EventBridge client as the events function builds one ({@link AwsClients#eventBridge}), against moto. */
    EventBridgeClient eventBridge() {
        return EventBridgeClient.builder().httpClient(oneAtATime()).endpointOverride(endpoint).region(REGION)
                .credentialsProvider(CREDENTIALS).build();
    }

    /**
     * The functions' management API client ({@link AwsClients#managementApi}) against moto. moto serves
     * {@code @connections} only at its root, not under a stage's path as API Gateway does.
     */
    ApiGatewayManagementApiClient managementApi() {
        return AwsClients.managementApi(endpoint, REGION, CREDENTIALS);
    }

    boolean isRunning() {
        return process.isAlive();
    }

    /** Runs the annotated test class only where {@code moto_server} is on the PATH. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(WhereInstalled.class)
    @interface RequiresMoto {
    }

    /** The condition behind {@link RequiresMoto}: skips loudly, once per JVM, where moto is missing. */
    static final class WhereInstalled implements ExecutionCondition {

        private static final AtomicBoolean WARNED = new AtomicBoolean();

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (executable().isPresent()) {
                return ConditionEvaluationResult.enabled("moto_server is on the PATH");
            }
            String reason = "moto_server is not on the PATH, so the AWS adapters were NOT tested against moto "
                    + "(install it with: pip install 'moto[server]')";
            if (WARNED.compareAndSet(false, true)) {
                System.err.println("WARNING: " + reason);
            }
            return ConditionEvaluationResult.disabled(reason);
        }
    }
}
