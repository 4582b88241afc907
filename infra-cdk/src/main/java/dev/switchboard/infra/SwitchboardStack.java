package dev.switchboard.infra;

import dev.switchboard.config.EnvNames;
import dev.switchboard.config.MetricNames;
import dev.switchboard.functions.Handlers;
import dev.switchboard.protocol.Route;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Billing;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.lambda.AssetCode;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * Switchboard on AWS: a WebSocket API whose routes are exactly {@link Route}'s, each served by its own Java Lambda
 * (SnapStart, invoked through an alias), the JWT authorizer on {@code $connect}, one DynamoDB table, the publish
 * queue for backends, the fan-out queue that delivers large rooms shard by shard, least-privilege roles from
 * {@link RouteAccess}, and alarms with a dashboard.
 *
 * <p>The stack only assembles: {@link WebSocketEndpoint}, {@link SwitchboardFunction} (with {@link AccessGrants}),
 * {@link WebSocketRoutes}, {@link WorkQueue} and {@link Monitoring} each make one part from their own props;
 * {@link ApplicationExtensions} (the application's routes and hooks) and {@link TableEventStream} make theirs in the
 * stack, and only when asked for. The parts are made in this order because CloudFormation's template lists
 * resources in the order they were made.
 *
 * <pre>{@code
 * App app = new App();
 * new SwitchboardStack(app, "Switchboard", StackProps.builder().build(), SwitchboardProps.builder().build());
 * app.synth();
 * }</pre>
 */
public final class SwitchboardStack extends Stack {

    /**
     * Java 25: the current LTS, which Lambda offers as a managed runtime with SnapStart; the functions are compiled
     * for 21 ({@code --release 21}) and tested on JDK 25, and cdk-nag's AwsSolutions-L1 asks for the newest runtime
     * of the family.
     */
    public static final Runtime JAVA_RUNTIME = Runtime.JAVA_25;
    /** The alias every route and the authorizer invoke; it points at the latest published (snapshotted) version. */
    public static final String ALIAS_NAME = "live";
    /** API Gateway stops waiting for an integration after 29 s, so a function running longer serves no one. */
    private static final Duration FUNCTION_TIMEOUT = Duration.seconds(29);
    /** The authorizer sits in the handshake; a slow key fetch should fail the connect, not hang it. */
    private static final Duration AUTHORIZER_TIMEOUT = Duration.seconds(10);

    private final SwitchboardProps props;
    private final TableV2 table;
    private final WebSocketApi api;
    private final WebSocketStage stage;
    private final Map<Route, SwitchboardFunction> routeFunctions = new EnumMap<>(Route.class);
    private final SwitchboardFunction authorizerFunction;
    private final Optional<SwitchboardFunction> applicationRouteFunction;
    private final SwitchboardFunction publisherFunction;
    private final WorkQueue publishQueue;
    private final Optional<WorkQueue> fanout;
    private final Optional<SwitchboardFunction> fanoutFunction;
    private final Optional<Secret> generatedSecret;
    private final Monitoring monitoring;
    private final ServerApiGrants serverApi;
    private final Optional<CustomDomainEndpoint> customDomain;
    private final Optional<TableEventStream> eventStream;

    public SwitchboardStack(Construct scope, String id, StackProps stackProps, SwitchboardProps props) {
        super(scope, id, stackProps);
        this.props = props;
        // First, so that a missing jar is reported before anything else is made.
        AssetCode code = FunctionsJar.asset(props.functionsJar());
        RemovalPolicy removal = props.dataRemoval() == SwitchboardProps.DataRemoval.DESTROY
                ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

        table = table(removal);
        WebSocketEndpoint endpoint = new WebSocketEndpoint(this, new WebSocketEndpoint.Props(props.stackName(),
                props.stageName(), props.throttlingRateLimit(), props.throttlingBurstLimit(), props.logRetention(),
                removal, props.apiGatewayLoggingRole()));
        api = endpoint.api();
        stage = endpoint.stage();
        customDomain = props.customDomain().map(domain -> new CustomDomainEndpoint(this, domain, api, stage));
        Map<String, String> routeEnvironment = routeEnvironment();
        serverApi = new ServerApiGrants(this, table.getTableArn(), api.getApiId(), props.stageName(), routeEnvironment);
        // Broadcasts to large rooms go out in parts through this queue, and recipients not reached now come back
        // through it later: the functions that deliver messages put jobs here and the fan-out function does them.
        // Made before the functions, whose environment and grants name it.
        fanout = props.fanoutEnabled()
                ? Optional.of(new WorkQueue(this, new WorkQueue.Props("Fanout", "fan-out queue", FUNCTION_TIMEOUT)))
                : Optional.empty();
        // The HS256 key, when tokens are signed with one: made before the functions that verify tokens, which read it.
        generatedSecret = props.auth().generatesSecret() ? Optional.of(jwtSecret()) : Optional.empty();
        Optional<ISecret> signingKey = props.auth().secretArn()
                .map(arn -> Secret.fromSecretCompleteArn(this, "JwtSecret", arn))
                .or(() -> generatedSecret.map(ISecret.class::cast));
        AccessGrants grants = new AccessGrants(new AccessGrants.Props(table, api, props.stageName(),
                fanout.map(WorkQueue::queue), props.fanoutThreshold(), props.auth(), signingKey));
        SwitchboardFunction.Shared shared = new SwitchboardFunction.Shared(code, props.memorySize(), props.tracing(),
                props.logRetention(), removal, grants);

        ApplicationExtensions extensions = new ApplicationExtensions(this, props.extensions());
        Map<Route, IFunction> handlers = new EnumMap<>(Route.class);
        for (Route route : Route.values()) {
            SwitchboardFunction function = new SwitchboardFunction(this, new SwitchboardFunction.Props(
                    constructName(route), Handlers.lambdaHandler(route), "Switchboard " + route.key() + " route",
                    FUNCTION_TIMEOUT, RouteAccess.of(route), extensions.environment(route, routeEnvironment)), shared);
            extensions.grantHook(route, function);
            routeFunctions.put(route, function);
            handlers.put(route, function.alias());
        }
        authorizerFunction = new SwitchboardFunction(this, new SwitchboardFunction.Props("Authorizer",
                Handlers.lambdaHandler(Handlers.AUTHORIZER), "Switchboard $connect JWT authorizer", AUTHORIZER_TIMEOUT,
                RouteAccess.AUTHORIZER, Map.of()), shared);
        new WebSocketRoutes(new WebSocketRoutes.Props(api, handlers, authorizerFunction.alias(),
                props.auth().tokenSource()));
        applicationRouteFunction = extensions.applicationRoutes(api, routeEnvironment, shared, FUNCTION_TIMEOUT);

        // Backends publish without a socket: queue -> publisher function -> the same path as send/direct.
        publishQueue = new WorkQueue(this, new WorkQueue.Props("Publish", "publish queue", FUNCTION_TIMEOUT));
        publisherFunction = new SwitchboardFunction(this, new SwitchboardFunction.Props("Publisher",
                Handlers.lambdaHandler(Handlers.PUBLISHER), "Switchboard publisher: SQS queue to rooms and users",
                FUNCTION_TIMEOUT, RouteAccess.PUBLISHER, routeEnvironment), shared);
        publisherFunction.alias().addEventSource(SqsEventSource.Builder.create(publishQueue.queue())
                .batchSize(10)
                .reportBatchItemFailures(true)
                .build());
        publishQueue.admitOnlyPublishers(props.publishers(), getAccount());

        fanoutFunction = fanout.map(queue -> fanoutConsumer(queue.queue(), routeEnvironment, shared));
        fanout.ifPresent(queue -> queue.admitOnly(fanoutSenders()));
        eventStream = props.eventStream().map(stream -> new TableEventStream(this, stream, table, props.stackName(),
                shared));

        Optional<ITopic> alarmTopic = props.alarmEmail().map(this::alarmTopic);
        monitoring = new Monitoring(this, "Monitoring", new Monitoring.Props(props.stackName(), stage,
                monitoredFunctions(), table, monitoredQueues(), alarmTopic, eventStream
                        .map(stream -> Map.<String, IQueue>of("Events", stream.failureQueue())).orElse(Map.of()),
                extensions.any()));
        outputs(alarmTopic);
    }

    public TableV2 table() {
        return table;
    }

    public WebSocketApi api() {
        return api;
    }

    public WebSocketStage stage() {
        return stage;
    }

    public Queue publishQueue() {
        return publishQueue.queue();
    }

    /** The queue of large rooms' broadcast shards, when fan-out is enabled. */
    public Optional<Queue> fanoutQueue() {
        return fanout.map(WorkQueue::queue);
    }

    /** {@code wss://<domain>}, when the stack serves the API at the application's own host name. */
    public Optional<String> customWebSocketUrl() {
        return customDomain.map(endpoint -> endpoint.domain().webSocketUrl());
    }

    /** The queue where the event stream's source sends what it gave up on, when the event stream is on. */
    public Optional<Queue> eventsFailureQueue() {
        return eventStream.map(TableEventStream::failureQueue);
    }

    public Monitoring monitoring() {
        return monitoring;
    }

    /** Lets an application's role {@code publish} to rooms with the server library. */
    public Grant grantPublish(IGrantable grantee) {
        return serverApi.grant(ServerApiGrants.Call.PUBLISH, grantee);
    }

    /** Lets an application's role {@code sendToUser} with the server library. */
    public Grant grantSendToUser(IGrantable grantee) {
        return serverApi.grant(ServerApiGrants.Call.SEND_TO_USER, grantee);
    }

    /** Lets an application's role close users' connections ({@code disconnectUser}, {@code disconnectConnection}). */
    public Grant grantDisconnect(IGrantable grantee) {
        return serverApi.grant(ServerApiGrants.Call.DISCONNECT, grantee);
    }

    /** Lets an application's role {@code addMember} and {@code removeMember} with the server library. */
    public Grant grantMembership(IGrantable grantee) {
        return serverApi.grant(ServerApiGrants.Call.MEMBERSHIP, grantee);
    }

    /** Lets an application's role read rooms' {@code presence} with the server library. */
    public Grant grantPresence(IGrantable grantee) {
        return serverApi.grant(ServerApiGrants.Call.PRESENCE, grantee);
    }

    /** Lets an application's role read rooms' {@code history} with the server library. */
    public Grant grantHistory(IGrantable grantee) {
        return serverApi.grant(ServerApiGrants.Call.HISTORY, grantee);
    }

    /** The environment the server library reads ({@code ServerApi.fromEnvironment()}), with this stack's values. */
    public Map<String, String> serverApiEnvironment() {
        return serverApi.environment();
    }

    /** {@code CONNECT -> "Connect"}: construct ids from the route table (never the reserved id "Default" alone). */
    static String constructName(Route route) {
        String lower = route.name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }

    private TableV2 table(RemovalPolicy removal) {
        TableV2.Builder table = TableV2.Builder.create(this, "Table");
        if (props.eventStream().isPresent()) {
            // Both images: an insert's event reads the new row, a removal's the old one (whose user it was).
            table.dynamoStream(StreamViewType.NEW_AND_OLD_IMAGES);
        }
        return table
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .billing(Billing.onDemand())
                .timeToLiveAttribute("expiresAt")
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .deletionProtection(props.deletionProtection())
                .removalPolicy(removal)
                .build();
    }

    /**
     * What every function that reads or writes the table is told, so all of them see one shard count and one set of
     * limits.
     */
    private Map<String, String> routeEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(EnvNames.TABLE_NAME, table.getTableName());
        environment.put(EnvNames.MANAGEMENT_ENDPOINT, stage.getCallbackUrl());
        environment.put(EnvNames.ROOM_SHARDS, Integer.toString(props.roomShards()));
        // Who may do what in which room: decided by the route functions; the publisher and the fan-out function are
        // trusted and never ask, but read the same environment.
        environment.put(EnvNames.POLICY, props.policy().mode());
        environment.put(EnvNames.FRAME_RATE, Integer.toString(props.quotas().frameRate()));
        environment.put(EnvNames.FRAME_BURST, Integer.toString(props.quotas().frameBurst()));
        environment.put(EnvNames.CONNECTIONS_PER_USER, Integer.toString(props.quotas().connectionsPerUser()));
        environment.put(EnvNames.PRESENCE_POSTS_PER_DISCONNECT,
                Integer.toString(props.quotas().presencePostsPerDisconnect()));
        environment.put(EnvNames.MAX_POSTS_PER_SECOND, Integer.toString(props.maxPostsPerSecond()));
        // Keep as many @connections connections alive as the broadcaster keeps posts in flight (64).
        environment.put("JAVA_TOOL_OPTIONS", "-Dhttp.maxConnections=64");
        environment.put(EnvNames.SERVICE_NAME, props.stackName());
        environment.put(EnvNames.METRICS_NAMESPACE, MetricNames.NAMESPACE);
        return environment;
    }

    /** The fan-out function, one shard per invocation. */
    private SwitchboardFunction fanoutConsumer(Queue queue, Map<String, String> routeEnvironment,
                                               SwitchboardFunction.Shared shared) {
        SqsEventSource oneShardAtATime = SqsEventSource.Builder.create(queue)
                // One message is one shard, up to a few thousand posts: a batch would deliver its shards one after
                // another in one instance, where single messages run in parallel across instances (the point of
                // sharding), and a timeout or retry then repeats one shard rather than a whole batch of them.
                .batchSize(1)
                // The handler reports a failed shard in its SQSBatchResponse rather than throwing; without this,
                // Lambda ignores that response and deletes the message as if every post had been delivered.
                .reportBatchItemFailures(true)
                // Caps the instances (and their @connections posts) one huge room can take at once.
                .maxConcurrency(props.fanoutMaxConcurrency())
                .build();
        SwitchboardFunction function = new SwitchboardFunction(this, new SwitchboardFunction.Props("Fanout",
                Handlers.lambdaHandler(Handlers.FANOUT),
                "Switchboard fan-out: delivers one shard of a large room's broadcast", FUNCTION_TIMEOUT,
                RouteAccess.FANOUT, routeEnvironment), shared);
        function.alias().addEventSource(oneShardAtATime);
        return function;
    }

    /**
     * The roles of this stack's functions that hand work to the fan-out queue: the only senders its policy admits,
     * so nobody else can make the fan-out function post to connections.
     */
    private List<String> fanoutSenders() {
        List<String> senders = new ArrayList<>();
        routeFunctions.forEach((route, function) -> {
            if (RouteAccess.of(route).enqueuesFanout()) {
                senders.add(function.function().getRole().getRoleArn());
            }
        });
        if (RouteAccess.PUBLISHER.enqueuesFanout()) {
            senders.add(publisherFunction.function().getRole().getRoleArn());
        }
        if (RouteAccess.FANOUT.enqueuesFanout()) {
            fanoutFunction.ifPresent(function -> senders.add(function.function().getRole().getRoleArn()));
        }
        return senders;
    }

    /** Every function by the name its alarms and dashboard widget carry. */
    private Map<String, IFunction> monitoredFunctions() {
        Map<String, IFunction> monitored = new LinkedHashMap<>();
        routeFunctions.forEach((route, function) -> monitored.put(constructName(route), function.function()));
        monitored.put("Authorizer", authorizerFunction.function());
        applicationRouteFunction.ifPresent(function -> monitored.put("ApplicationRoutes", function.function()));
        monitored.put("Publisher", publisherFunction.function());
        fanoutFunction.ifPresent(function -> monitored.put("Fanout", function.function()));
        eventStream.ifPresent(stream -> monitored.put("Events", stream.function().function()));
        return monitored;
    }

    private Map<String, Monitoring.WorkQueue> monitoredQueues() {
        Map<String, Monitoring.WorkQueue> queues = new LinkedHashMap<>();
        queues.put("Publish", publishQueue.monitored());
        fanout.ifPresent(queue -> queues.put("Fanout", queue.monitored()));
        return queues;
    }

    private Secret jwtSecret() {
        Secret secret = Secret.Builder.create(this, "JwtSigningKey")
                .description("HS256 key for Switchboard client tokens (stack " + props.stackName() + ")")
                .generateSecretString(SecretStringGenerator.builder()
                        .passwordLength(64)
                        .excludePunctuation(true)
                        .build())
                .build();
        NagSuppressions.addResourceSuppressions(secret, List.of(suppression("AwsSolutions-SMG4",
                "Rotating a JWT signing key invalidates every token issued with it; rotate deliberately together"
                        + " with the token issuer, then publish new function versions.")));
        return secret;
    }

    private ITopic alarmTopic(String email) {
        Topic topic = Topic.Builder.create(this, "AlarmTopic")
                .displayName("Switchboard alarms (" + props.stackName() + ")")
                .enforceSsl(true)
                .build();
        topic.addSubscription(new EmailSubscription(email));
        NagSuppressions.addResourceSuppressions(topic, List.of(suppression("AwsSolutions-SNS2",
                "Alarm notifications carry alarm names and states only, and CloudWatch cannot publish to a topic"
                        + " encrypted with the AWS-managed SNS key.")));
        return topic;
    }

    private void outputs(Optional<ITopic> alarmTopic) {
        CfnOutput.Builder.create(this, "WebSocketUrl").value(stage.getUrl())
                .description("Clients connect here (wss://...)").build();
        customDomain.ifPresent(this::customDomainOutputs);
        CfnOutput.Builder.create(this, "ManagementEndpoint").value(stage.getCallbackUrl())
                .description("API Gateway Management API endpoint for @connections").build();
        CfnOutput.Builder.create(this, "TableName").value(table.getTableName())
                .description("DynamoDB table with connections and rooms").build();
        CfnOutput.Builder.create(this, "PublishQueueUrl").value(publishQueue.queue().getQueueUrl())
                .description("Backends send publish requests ({\"room\"|\"user\", \"data\"}) here").build();
        CfnOutput.Builder.create(this, "Region").value(getRegion())
                .description("Region of the deployment (AWS_REGION for the integration tests)").build();
        CfnOutput.Builder.create(this, "DashboardName").value(monitoring.dashboard().getDashboardName())
                .description("CloudWatch dashboard").build();
        generatedSecret.ifPresent(s -> CfnOutput.Builder.create(this, "JwtSecretArn").value(s.getSecretArn())
                .description("Secrets Manager secret holding the HS256 key that signs client tokens").build());
        alarmTopic.ifPresent(t -> CfnOutput.Builder.create(this, "AlarmTopicArn").value(t.getTopicArn())
                .description("SNS topic the alarms notify").build());
    }

    private void customDomainOutputs(CustomDomainEndpoint endpoint) {
        CfnOutput.Builder.create(this, "CustomWebSocketUrl").value(endpoint.domain().webSocketUrl())
                .description("Clients connect here too, at the application's own host name").build();
        if (endpoint.domain().hostedZone().isEmpty()) {
            CfnOutput.Builder.create(this, "CustomDomainTarget").value(endpoint.regionalDomainName())
                    .description("Point a CNAME record for " + endpoint.domain().domainName() + " at this host")
                    .build();
        }
    }

    private static NagPackSuppression suppression(String id, String reason) {
        return NagPackSuppression.builder().id(id).reason(reason).build();
    }
}
