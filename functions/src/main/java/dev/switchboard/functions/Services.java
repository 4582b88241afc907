package dev.switchboard.functions;

import dev.switchboard.core.ApplicationRouter;
import dev.switchboard.core.Broadcaster;
import dev.switchboard.core.Invoker;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.FanoutQueue;
import dev.switchboard.core.Hooks;
import dev.switchboard.core.IdempotencyStore;
import dev.switchboard.core.RoomHistory;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.TokenBucket;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.aws.DynamoDbIdempotencyStore;
import dev.switchboard.functions.aws.DynamoDbRoomHistory;
import dev.switchboard.functions.aws.LambdaInvoker;
import dev.switchboard.functions.aws.ManagementApiSender;
import dev.switchboard.functions.aws.SqsFanoutQueue;
import dev.switchboard.functions.config.ExtensionConfig;
import dev.switchboard.functions.config.FunctionConfig;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds the real collaborators once per Lambda container (the no-argument handler constructors call it), from
 * the environment read once into {@link FunctionConfig}. Tests and the local emulator use the handlers' other
 * constructors instead.
 */
public final class Services {

    private static volatile Switchboard switchboard;
    private static volatile ApplicationRouter applicationRouter;
    /** Held here: the checkpoint hooks must not be garbage collected before the snapshot. */
    private static SnapStartPriming priming;

    private Services() {
    }

    /** The container's {@link Switchboard}, built on first use. */
    public static Switchboard switchboard() {
        Switchboard built = switchboard;
        if (built == null) {
            synchronized (Services.class) {
                built = switchboard;
                if (built == null) {
                    Map<String, String> environment = System.getenv();
                    FunctionConfig config = FunctionConfig.from(environment);
                    ExtensionConfig extensions = ExtensionConfig.from(environment);
                    built = extensions.hasHooks() ? createWithHooks(config, extensions) : create(config);
                    priming = SnapStartPriming.register(built);
                    switchboard = built;
                }
            }
        }
        return built;
    }

    /**
     * As {@link #create(FunctionConfig)}, consulting the application's hooks this function is told of, each a Lambda
     * function invoked within the hook timeout.
     */
    static Switchboard createWithHooks(FunctionConfig config, ExtensionConfig extensions) {
        AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        FanoutQueue fanout = config.fanoutQueueUrl()
                .map(url -> (FanoutQueue) new SqsFanoutQueue(AwsClients.sqs(config, credentials), url))
                .orElse(null);
        return builder(config, Stores.dynamoDb(config, credentials), AwsClients.managementApi(
                config.requireManagementEndpoint(), Region.of(config.region()), credentials), fanout)
                .hooks(hooks(extensions, credentials))
                .build();
    }

    /** The hooks an {@link ExtensionConfig} names, as Lambda invokers. */
    public static Hooks hooks(ExtensionConfig extensions, AwsCredentialsProvider credentials) {
        java.util.function.Function<String, Invoker> invoker = arn -> LambdaInvoker.create(arn,
                extensions.hookTimeout(), credentials, extensions.lambdaEndpoint());
        return Hooks.invoking(extensions.onConnect().map(invoker).orElse(null),
                extensions.onJoin().map(invoker).orElse(null), extensions.onSend().map(invoker).orElse(null),
                Clock.systemUTC());
    }

    /**
     * The container's application routes, each invoking the application's Lambda function named by the environment
     * ({@link ExtensionConfig}), built on first use.
     */
    public static ApplicationRouter applicationRouter() {
        ApplicationRouter built = applicationRouter;
        if (built == null) {
            synchronized (Services.class) {
                built = applicationRouter;
                if (built == null) {
                    ExtensionConfig extensions = ExtensionConfig.from(System.getenv());
                    AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
                    Map<String, Invoker> routes = new LinkedHashMap<>();
                    extensions.routes().forEach((name, arn) -> routes.put(name, LambdaInvoker.create(arn,
                            extensions.routeTimeout(), credentials, extensions.lambdaEndpoint())));
                    built = new ApplicationRouter(switchboard(), routes, Clock.systemUTC());
                    applicationRouter = built;
                }
            }
        }
        return built;
    }

    /**
     * Builds the container's {@link Switchboard} if needed and runs the priming its checkpoint hook would run
     * before a SnapStart snapshot, now: for training runs that record what a primed function has loaded.
     *
     * @return whether the store answered every priming call
     */
    static boolean primeNow() {
        switchboard();
        return priming.prime();
    }

    /** Wires DynamoDB and the management API from a configuration, with the default credentials chain. */
    public static Switchboard create(FunctionConfig config) {
        return create(config, DefaultCredentialsProvider.builder().build());
    }

    /**
     * Wires DynamoDB, the management API and (when its URL is configured) the SQS fan-out queue from a
     * configuration and explicit credentials.
     */
    public static Switchboard create(FunctionConfig config, AwsCredentialsProvider credentials) {
        FanoutQueue fanout = config.fanoutQueueUrl()
                .map(url -> (FanoutQueue) new SqsFanoutQueue(AwsClients.sqs(config, credentials), url))
                .orElse(null);
        return create(config, credentials, fanout);
    }

    /**
     * Where a {@link Switchboard} keeps its state: the DynamoDB table in a deployment, in-memory stores where a
     * local stack is asked for them.
     */
    public record Stores(ConnectionStore connections, RoomHistory history, IdempotencyStore idempotency) {
        public Stores {
            Objects.requireNonNull(connections, "connections");
            Objects.requireNonNull(history, "history");
            Objects.requireNonNull(idempotency, "idempotency");
        }

        /** The single DynamoDB table named by the configuration, with its room shards. */
        public static Stores dynamoDb(FunctionConfig config, AwsCredentialsProvider credentials) {
            return dynamoDb(AwsClients.dynamoDb(config, credentials), config);
        }

        /**
         * The same table through a given client: the local stack passes DynamoDB Local's in-process client, so
         * its handlers keep these adapters without HTTP in between.
         */
        public static Stores dynamoDb(DynamoDbClient dynamoDb, FunctionConfig config) {
            return new Stores(DynamoDbConnectionStore.create(dynamoDb, config.tableName(), config.roomShards()),
                    new DynamoDbRoomHistory(dynamoDb, config.tableName()),
                    new DynamoDbIdempotencyStore(dynamoDb, config.tableName()));
        }
    }

    /**
     * Wires DynamoDB and the management API, with the given fan-out queue for big rooms (null for none), as the
     * local stack does with its in-process fan-out workers.
     */
    public static Switchboard create(FunctionConfig config, AwsCredentialsProvider credentials, FanoutQueue fanout) {
        return create(config, credentials, Stores.dynamoDb(config, credentials), fanout);
    }

    /** Wires the management API around the given stores, with the given fan-out queue (null for none). */
    public static Switchboard create(FunctionConfig config, AwsCredentialsProvider credentials, Stores stores,
                                     FanoutQueue fanout) {
        return create(config, stores, AwsClients.managementApi(config.requireManagementEndpoint(),
                Region.of(config.region()), credentials), fanout);
    }

    /**
     * Wires a given management API client around the given stores: the local stack passes one whose HTTP client
     * hands requests to its emulator in-process.
     */
    public static Switchboard create(FunctionConfig config, Stores stores, ApiGatewayManagementApiClient managementApi,
                                     FanoutQueue fanout) {
        return builder(config, stores, managementApi, fanout).build();
    }

    /**
     * The builder {@link #create(FunctionConfig, Stores, ApiGatewayManagementApiClient, FanoutQueue)} builds from,
     * wired as in Lambda, for a caller that sets more before building (a test's clock and message ids, so that a
     * simulated run can skip ahead in time and repeat itself).
     */
    public static Switchboard.Builder builder(FunctionConfig config, Stores stores,
                                              ApiGatewayManagementApiClient managementApi, FanoutQueue fanout) {
        ManagementApiSender sender = new ManagementApiSender(managementApi);
        Switchboard.Builder builder = Switchboard.builder();
        if (fanout != null) {
            builder.fanout(fanout, config.fanoutThreshold());
        }
        return builder
                .store(stores.connections())
                .history(stores.history())
                .idempotency(stores.idempotency())
                .broadcaster(new Broadcaster(sender, stores.connections(), config.maxInFlight(),
                        config.retryPolicy(), RandomGenerator.getDefault(), config.maxPostsPerSecond() == 0 ? null
                                : TokenBucket.perSecond(config.maxPostsPerSecond(),
                                        Math.max(1, config.maxPostsPerSecond() / 10)),
                        null, LambdaDeadline.INSTANCE))
                .settings(config.core())
                .policy(config.policy())
                .closer(sender)
                .probe(sender);
    }
}
