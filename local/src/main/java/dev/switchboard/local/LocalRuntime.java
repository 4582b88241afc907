package dev.switchboard.local;

import dev.switchboard.config.EnvNames;
import dev.switchboard.core.ApplicationRouter;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.InMemoryIdempotencyStore;
import dev.switchboard.core.InMemoryRoomHistory;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.ApplicationRouteHandler;
import dev.switchboard.functions.FanoutHandler;
import dev.switchboard.functions.JwtAuthorizerHandler;
import dev.switchboard.functions.PublishHandler;
import dev.switchboard.functions.RouteHandlers;
import dev.switchboard.functions.Services;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.functions.auth.TokenRules;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.aws.SwitchboardTable;
import dev.switchboard.functions.aws.TableEvents;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.protocol.Route;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/**
 * The local stack that {@code ./switchboard local} runs: the whole of Switchboard on one machine, with DynamoDB
 * Local, the real Lambda handlers wired as in AWS (same adapters, same SDK clients, same environment variables),
 * and the API Gateway emulator in front of them. No Docker, no AWS account. The SDK clients reach DynamoDB Local and the emulator's {@code @connections} API
 * in-process (no HTTP per call) unless {@link LocalRuntimeOptions#overHttp} asks for the loopback HTTP path.
 *
 * <pre>{@code
 * try (LocalRuntime stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0))) {
 *     URI url = stack.webSocketUrl();   // ws://localhost:<port>/local
 * }
 * }</pre>
 */
public final class LocalRuntime implements AutoCloseable {

    /** Local requests are signed like AWS's; any credentials are accepted. */
    static final StaticCredentialsProvider LOCAL_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private static final Logger LOG = LoggerFactory.getLogger("dev.switchboard.local.Gateway");

    private final LocalRuntimeOptions options;
    private final DynamoDbLocalServer dynamoDb;
    private final GatewayServer gateway;
    private final Optional<String> jwtSecret;
    private final LocalFanoutQueue fanout;
    private LocalEvents events;
    private StopReport stopped;

    private LocalRuntime(LocalRuntimeOptions options, DynamoDbLocalServer dynamoDb, GatewayServer gateway,
                       Optional<String> jwtSecret, LocalFanoutQueue fanout) {
        this.options = options;
        this.dynamoDb = dynamoDb;
        this.gateway = gateway;
        this.jwtSecret = jwtSecret;
        this.fanout = fanout;
    }

    public static LocalRuntime start(LocalRuntimeOptions options) {
        return start(options, StaticContent.none());
    }

    public static LocalRuntime start(LocalRuntimeOptions options, StaticContent content) {
        return start(options, content, LocalExtensions.none());
    }

    /**
     * The stack, with the table's changes sent as events to the target ({@link LocalEvents}); needs the DynamoDB
     * store, whose stream they are read from.
     */
    public static LocalRuntime start(LocalRuntimeOptions options, StaticContent content,
                                     Optional<LocalEvents.Target> events) {
        return start(options, content, events, LocalExtensions.none());
    }

    /** The stack with an event stream (as above) and the application's own functions: its routes and hooks. */
    public static LocalRuntime start(LocalRuntimeOptions options, StaticContent content,
                                     Optional<LocalEvents.Target> events, LocalExtensions extensions) {
        if (events.isPresent() && options.memoryStore()) {
            throw new IllegalArgumentException(LocalEvents.FLAG + " reads the table's stream: it needs --store"
                    + " dynamodb (the default), not --store memory");
        }
        LocalRuntime stack = start(options, content, extensions);
        events.ifPresent(target -> {
            try {
                stack.events = LocalEvents.start(stack.dynamoDbEndpoint(), options.table(), LOCAL_CREDENTIALS,
                        target, TableEvents.DEFAULT_SOURCE);
            } catch (RuntimeException e) {
                stack.close();
                throw e;
            }
        });
        return stack;
    }

    /** With the application's own functions: its routes and hooks ({@link LocalExtensions}). */
    public static LocalRuntime start(LocalRuntimeOptions options, StaticContent content, LocalExtensions extensions) {
        // Outside Lambda, EMF metrics would probe for EC2 metadata or a CloudWatch agent; keep them local.
        MetricsFactory.setMetricsProvider(NoMetrics::new);
        // As the deployment does (JAVA_TOOL_OPTIONS): keep as many @connections connections alive as the
        // broadcaster keeps posts in flight.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(FunctionConfig.DEFAULT_MAX_IN_FLIGHT));
        }
        int port = options.port() == 0 ? DynamoDbLocalServer.freePort() : options.port();
        DynamoDbLocalServer dynamoDb = options.memoryStore() ? null : DynamoDbLocalServer.start(options.dataDirectory());
        LocalFanoutQueue fanout = null;
        try {
            Map<String, String> environment = environment(options, port,
                    dynamoDb == null ? Optional.empty() : Optional.of(dynamoDb.endpoint()));
            FunctionConfig config = FunctionConfig.from(environment);
            Services.Stores stores;
            if (dynamoDb == null) {
                stores = new Services.Stores(new InMemoryConnectionStore(options.roomShards()),
                        new InMemoryRoomHistory(), new InMemoryIdempotencyStore());
            } else if (options.overHttp()) {
                try (DynamoDbClient admin = AwsClients.dynamoDb(config, LOCAL_CREDENTIALS)) {
                    SwitchboardTable.createIfMissing(admin, options.table());
                }
                stores = Services.Stores.dynamoDb(config, LOCAL_CREDENTIALS);
            } else {
                SwitchboardTable.createIfMissing(dynamoDb.inProcessClient(), options.table());
                stores = Services.Stores.dynamoDb(dynamoDb.inProcessClient(), config);
            }
            // As deployed: big rooms go out in parts, and recipients not reached now come back later, through it.
            fanout = new LocalFanoutQueue(options.fanoutWorkers());
            InProcessManagementApi managementTransport = options.overHttp() ? null
                    : new InProcessManagementApi(options.stage());
            Switchboard switchboard = Services.builder(config, stores, managementTransport == null
                    ? AwsClients.managementApi(config.requireManagementEndpoint(), Region.of(config.region()),
                            LOCAL_CREDENTIALS)
                    : AwsClients.managementApi(config.requireManagementEndpoint(), Region.of(config.region()),
                            AnonymousCredentialsProvider.create(), managementTransport), fanout)
                    .hooks(extensions.hookInvokers())
                    .build();
            Optional<String> secret = options.auth()
                    ? Optional.of(options.jwtSecret().orElseGet(LocalTokens::newSecret)) : Optional.empty();
            Integrations integrations = integrations(switchboard, secret, extensions);
            if (fanout != null) {
                fanout.attach(integrations);
            }
            GatewayServer gateway = GatewayServer.start(EmulatorConfig.builder()
                    .host(options.host())
                    .port(port)
                    .stage(options.stage())
                    .idleTimeout(options.idleTimeout())
                    .maxLifetime(options.maxLifetime())
                    .postLatency(options.postLatency())
                    .allowedHosts(options.allowedHosts())
                    .allowedOrigins(options.allowedOrigins())
                    .build(), integrations, Clock.systemUTC(), content);
            if (managementTransport != null) {
                managementTransport.attach(gateway.managementApi());
            }
            return new LocalRuntime(options, dynamoDb, gateway, secret, fanout);
        } catch (RuntimeException e) {
            if (fanout != null) {
                fanout.close();
            }
            if (dynamoDb != null) {
                dynamoDb.close();
            }
            throw e;
        }
    }

    /** The functions' environment, as the deployment sets it: the table, the endpoints, the policy, the quotas. */
    static Map<String, String> environment(LocalRuntimeOptions options, int port, Optional<URI> dynamoDbEndpoint) {
        String host = "0.0.0.0".equals(options.host()) ? "localhost" : options.host();
        Map<String, String> environment = new HashMap<>(Map.of(
                EnvNames.TABLE_NAME, options.table(),
                EnvNames.MANAGEMENT_ENDPOINT, "http://" + host + ":" + port + "/" + options.stage(),
                EnvNames.REGION, "us-east-1",
                EnvNames.ROOM_SHARDS, Integer.toString(options.roomShards()),
                EnvNames.FANOUT_THRESHOLD, Integer.toString(options.fanoutThreshold()),
                EnvNames.POLICY, options.effectivePolicy()));
        environment.put(EnvNames.FRAME_RATE, Integer.toString(options.quotas().frameRate()));
        environment.put(EnvNames.FRAME_BURST, Integer.toString(options.quotas().frameBurst()));
        environment.put(EnvNames.CONNECTIONS_PER_USER, Integer.toString(options.quotas().connectionsPerUser()));
        environment.put(EnvNames.PRESENCE_POSTS_PER_DISCONNECT,
                Integer.toString(options.quotas().presencePostsPerDisconnect()));
        dynamoDbEndpoint.ifPresent(endpoint -> environment.put(EnvNames.DYNAMODB_ENDPOINT, endpoint.toString()));
        return environment;
    }

    /**
     * Every route of the table, served by its real handler, behind the authorizer: verifying tokens with auth on,
     * allowing every connection as an anonymous user with auth off, as a deployment with {@code authMode=off} does.
     */
    static Integrations integrations(Switchboard switchboard, Optional<String> jwtSecret) {
        return integrations(switchboard, jwtSecret, LocalExtensions.none());
    }

    /** As above, and the application's routes served as in AWS: one handler invoking each route's function. */
    static Integrations integrations(Switchboard switchboard, Optional<String> jwtSecret,
                                     LocalExtensions extensions) {
        JwtVerifier verifier = jwtSecret.map(secret -> JwtVerifier.hs256(secret.getBytes(StandardCharsets.UTF_8),
                TokenRules.issuedBy(LocalTokens.ISSUER))).orElse(null);
        Integrations.Builder builder = Integrations.builder().publisher(new PublishHandler(switchboard))
                .fanout(new FanoutHandler(switchboard))
                .authorizer(new JwtAuthorizerHandler(verifier));
        if (!extensions.routes().isEmpty()) {
            builder.applicationRoutes(extensions.routes().keySet(), new ApplicationRouteHandler(switchboard,
                    new ApplicationRouter(switchboard, extensions.routeInvokers(), Clock.systemUTC())));
        }
        for (Route route : Route.values()) {
            builder.route(route, RouteHandlers.create(route, switchboard, verifier));
        }
        return builder.build();
    }

    public URI webSocketUrl() {
        return gateway.webSocketUrl();
    }

    public URI managementEndpoint() {
        return gateway.managementEndpoint();
    }

    public URI publishUrl() {
        return gateway.publishUrl();
    }

    /** DynamoDB Local's endpoint; a stack started with the memory store has none. */
    public URI dynamoDbEndpoint() {
        if (dynamoDb == null) {
            throw new IllegalStateException("this local stack keeps its state in memory: there is no DynamoDB");
        }
        return dynamoDb.endpoint();
    }

    /** Whether connections, rooms and history live in DynamoDB Local (else in memory). */
    public boolean usesDynamoDb() {
        return dynamoDb != null;
    }

    public String table() {
        return options.table();
    }

    public Optional<String> jwtSecret() {
        return jwtSecret;
    }

    public GatewayServer gateway() {
        return gateway;
    }

    /** The event stream, when the stack was started with one. */
    public Optional<LocalEvents> events() {
        return Optional.ofNullable(events);
    }

    /** The local fan-out queue, when rooms are sharded. */
    Optional<LocalFanoutQueue> fanoutQueue() {
        return Optional.ofNullable(fanout);
    }

    /** Stops everything within a few seconds, whatever the load; see {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Stops within {@link GatewayServer#STOP_GRACE} and a little more, whatever the load: big broadcasts' shards not
     * delivered yet are dropped at once (every socket is closing), the gateway gives up what waits and interrupts
     * what still runs at the end of the grace period, then DynamoDB Local stops. What was given up is counted in
     * the stack's last log line and returned. Stopping again returns the same report.
     */
    public synchronized StopReport stop() {
        if (stopped != null) {
            return stopped;
        }
        long start = System.nanoTime();
        LocalFanoutQueue.Halted shards = fanout == null ? new LocalFanoutQueue.Halted(0, 0) : fanout.halt();
        StopReport report = gateway.stop(start + GatewayServer.STOP_GRACE.toNanos())
                .withFanout(shards.abandoned(), shards.interrupted());
        if (events != null) {
            events.close();
            LOG.info("event stream: {} event(s) delivered, {} not delivered (each logged)", events.delivered(),
                    events.failed());
        }
        if (dynamoDb != null) {
            dynamoDb.close();
        }
        stopped = report.took(Duration.ofNanos(System.nanoTime() - start));
        LOG.info(stopped.logLine());
        return stopped;
    }
}
