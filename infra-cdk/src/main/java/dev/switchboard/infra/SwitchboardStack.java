package dev.switchboard.infra;

import dev.switchboard.config.EnvNames;
import dev.switchboard.config.MetricNames;
import dev.switchboard.protocol.Route;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.CfnAccount;
import software.amazon.awscdk.services.apigatewayv2.CfnAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRoute;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRouteOptions;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizerProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.WebSocketLambdaIntegration;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Billing;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.AssetCode;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Switchboard on AWS: a WebSocket API whose routes are exactly {@link Route}'s, each served by its own Java Lambda
 * (SnapStart, invoked through an alias), the JWT authorizer on {@code $connect}, one DynamoDB table, the publish
 * queue for backends, the fan-out queue that delivers large rooms shard by shard, least-privilege roles from
 * {@link RouteAccess}, and alarms with a dashboard.
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
    /** Six times the queue consumers' timeout, as Lambda's SQS guidance asks, so retries do not overlap. */
    private static final Duration QUEUE_VISIBILITY_TIMEOUT =
            Duration.seconds(6 * FUNCTION_TIMEOUT.toSeconds().intValue());
    /** The authorizer sits in the handshake; a slow key fetch should fail the connect, not hang it. */
    private static final Duration AUTHORIZER_TIMEOUT = Duration.seconds(10);

    private final SwitchboardProps props;
    private final AssetCode code;
    private final TableV2 table;
    private final WebSocketApi api;
    private final WebSocketStage stage;
    private final Map<Route, Function> routeFunctions = new EnumMap<>(Route.class);
    private final Map<Route, Alias> routeAliases = new EnumMap<>(Route.class);
    private final Function authorizerFunction;
    private final Function publisherFunction;
    private final Queue publishQueue;
    private final Queue deadLetterQueue;
    private final Optional<QueuePair> fanout;
    private final Optional<Function> fanoutFunction;
    private final Optional<Secret> generatedSecret;
    /** The secret holding the HS256 key tokens are signed with: the existing one, or the generated one. */
    private final Optional<ISecret> signingKey;
    private final Monitoring monitoring;

    public SwitchboardStack(Construct scope, String id, StackProps stackProps, SwitchboardProps props) {
        super(scope, id, stackProps);
        this.props = props;
        this.code = Code.fromAsset(props.functionsJar().toString());
        RemovalPolicy removal = props.dataRemoval() == SwitchboardProps.DataRemoval.DESTROY
                ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

        table = TableV2.Builder.create(this, "Table")
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

        api = WebSocketApi.Builder.create(this, "Api")
                .apiName(props.stackName())
                .description("Switchboard WebSocket API")
                .routeSelectionExpression(Route.SELECTION_EXPRESSION)
                .build();

        LogGroup accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(props.logRetention())
                .removalPolicy(removal)
                .build();
        stage = WebSocketStage.Builder.create(this, "Stage")
                .webSocketApi(api)
                .stageName(props.stageName())
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder()
                        .rateLimit(props.throttlingRateLimit())
                        .burstLimit(props.throttlingBurstLimit())
                        .build())
                .accessLogSettings(new AccessLogs(new LogGroupLogDestination(accessLogs)))
                .build();
        apiGatewayLoggingRole().ifPresent(account -> stage.getNode().addDependency(account));

        // Every function that reads or writes the table gets this map, so all of them see one shard count.
        Map<String, String> routeEnvironment = Map.of(
                EnvNames.TABLE_NAME, table.getTableName(),
                EnvNames.MANAGEMENT_ENDPOINT, stage.getCallbackUrl(),
                EnvNames.ROOM_SHARDS, Integer.toString(props.roomShards()),
                // Who may do what in which room: decided by the route functions; the publisher and the fan-out
                // function are trusted and never ask, but read the same environment.
                EnvNames.POLICY, props.policy().mode(),
                // Keep as many @connections connections alive as the broadcaster keeps posts in flight (64).
                "JAVA_TOOL_OPTIONS", "-Dhttp.maxConnections=64",
                EnvNames.SERVICE_NAME, props.stackName(),
                EnvNames.METRICS_NAMESPACE, MetricNames.NAMESPACE);
        // Broadcasts to large rooms go out in parts through this queue, and recipients not reached now come back
        // through it later: the functions that deliver messages put jobs here and the fan-out function does them.
        // Made before the functions, whose environment and grants name it.
        fanout = props.fanoutEnabled()
                ? Optional.of(queueWithDeadLetterQueue("Fanout", "fan-out queue")) : Optional.empty();
        // The HS256 key, when tokens are signed with one: made before the functions that verify tokens, which read it.
        generatedSecret = props.auth().generatesSecret() ? Optional.of(jwtSecret()) : Optional.empty();
        signingKey = props.auth().secretArn()
                .map(arn -> Secret.fromSecretCompleteArn(this, "JwtSecret", arn))
                .or(() -> generatedSecret.map(ISecret.class::cast));

        for (Route route : Route.values()) {
            String name = constructName(route);
            RouteAccess.Access access = RouteAccess.of(route);
            Function function = javaFunction(name, route.lambdaHandler(), environment(access, routeEnvironment),
                    FUNCTION_TIMEOUT, removal, "Switchboard " + route.key() + " route");
            grantAccess(access, function);
            routeFunctions.put(route, function);
            routeAliases.put(route, alias(name, function));
        }

        authorizerFunction = javaFunction("Authorizer", Route.AUTHORIZER_CLASS + "::handleRequest",
                environment(RouteAccess.AUTHORIZER, Map.of()), AUTHORIZER_TIMEOUT, removal,
                "Switchboard $connect JWT authorizer");
        grantAccess(RouteAccess.AUTHORIZER, authorizerFunction);
        Alias authorizerAlias = alias("Authorizer", authorizerFunction);
        WebSocketLambdaAuthorizer authorizer = new WebSocketLambdaAuthorizer("JwtAuthorizer", authorizerAlias,
                WebSocketLambdaAuthorizerProps.builder()
                        .identitySource(props.auth().tokenSource().identitySource().map(List::of).orElse(List.of()))
                        .build());

        for (Route route : Route.values()) {
            WebSocketRouteOptions.Builder options = WebSocketRouteOptions.builder()
                    .integration(new WebSocketLambdaIntegration(constructName(route) + "Integration",
                            routeAliases.get(route)))
                    // The handlers return the reply frame as the integration response body: two-way routes.
                    .returnResponse(route.repliesToCaller());
            if (route == Route.CONNECT) {
                options.authorizer(authorizer);
            }
            WebSocketRoute webSocketRoute = api.addRoute(route.key(), options.build());
            if (route != Route.CONNECT) {
                NagSuppressions.addResourceSuppressions(webSocketRoute, List.of(suppression("AwsSolutions-APIG4",
                        "WebSocket APIs authorize only on $connect; every later frame travels on that already"
                                + " authorized connection, and $disconnect is sent by API Gateway itself.")));
            }
        }
        dropEmptyIdentitySource();

        // Backends publish without a socket: queue -> publisher function -> the same path as send/direct.
        QueuePair publish = queueWithDeadLetterQueue("Publish", "publish queue");
        publishQueue = publish.queue();
        deadLetterQueue = publish.deadLetterQueue();
        publisherFunction = queueConsumer("Publisher", Route.PUBLISHER_CLASS, RouteAccess.PUBLISHER,
                "Switchboard publisher: SQS queue to rooms and users", SqsEventSource.Builder.create(publishQueue)
                        .batchSize(10)
                        .reportBatchItemFailures(true)
                        .build(), routeEnvironment, removal);

        fanoutFunction = fanout.map(queues -> fanoutConsumer(queues.queue(), routeEnvironment, removal));

        Optional<ITopic> alarmTopic = props.alarmEmail().map(this::alarmTopic);
        Map<String, IFunction> monitored = new LinkedHashMap<>();
        routeFunctions.forEach((route, function) -> monitored.put(constructName(route), function));
        monitored.put("Authorizer", authorizerFunction);
        monitored.put("Publisher", publisherFunction);
        fanoutFunction.ifPresent(function -> monitored.put("Fanout", function));
        Map<String, Monitoring.WorkQueue> workQueues = new LinkedHashMap<>();
        workQueues.put("Publish", new Monitoring.WorkQueue(publishQueue, deadLetterQueue));
        fanout.ifPresent(queues -> workQueues.put("Fanout",
                new Monitoring.WorkQueue(queues.queue(), queues.deadLetterQueue())));
        monitoring = new Monitoring(this, "Monitoring",
                new Monitoring.Props(props.stackName(), stage, monitored, table, workQueues, alarmTopic));

        CfnOutput.Builder.create(this, "WebSocketUrl").value(stage.getUrl())
                .description("Clients connect here (wss://...)").build();
        CfnOutput.Builder.create(this, "ManagementEndpoint").value(stage.getCallbackUrl())
                .description("API Gateway Management API endpoint for @connections").build();
        CfnOutput.Builder.create(this, "TableName").value(table.getTableName())
                .description("DynamoDB table with connections and rooms").build();
        CfnOutput.Builder.create(this, "PublishQueueUrl").value(publishQueue.getQueueUrl())
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
        return publishQueue;
    }

    /** The queue of large rooms' broadcast shards, when fan-out is enabled. */
    public Optional<Queue> fanoutQueue() {
        return fanout.map(QueuePair::queue);
    }

    public Monitoring monitoring() {
        return monitoring;
    }

    /** {@code CONNECT -> "Connect"}: construct ids from the route table (never the reserved id "Default" alone). */
    static String constructName(Route route) {
        String lower = route.name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }

    private Function javaFunction(String name, String handler, Map<String, String> environment, Duration timeout,
                                  RemovalPolicy removal, String description) {
        LogGroup logs = LogGroup.Builder.create(this, name + "Logs")
                .retention(props.logRetention())
                .removalPolicy(removal)
                .build();
        // Own role per function: only its log group here, then exactly what RouteAccess lists.
        Role role = Role.Builder.create(this, name + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(description)
                .build();
        logs.grantWrite(role);
        Function function = Function.Builder.create(this, name + "Function")
                .description(description)
                .runtime(JAVA_RUNTIME)
                .architecture(Architecture.ARM_64)
                .code(code)
                .handler(handler)
                .memorySize(props.memorySize())
                .timeout(timeout)
                .environment(environment)
                .role(role)
                .logGroup(logs)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .tracing(props.tracing() ? Tracing.ACTIVE : Tracing.DISABLED)
                .build();
        if (props.tracing()) {
            NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason("X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level"
                            + " permissions, so tracing needs Resource *.")
                    .appliesTo(List.of("Resource::*"))
                    .build()), true);
        }
        return function;
    }

    /** SnapStart snapshots published versions only, so every integration invokes this alias, never $LATEST. */
    private Alias alias(String name, Function function) {
        Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "every invocation goes through the alias on currentVersion, a published version");
        return Alias.Builder.create(this, name + "Alias")
                .aliasName(ALIAS_NAME)
                .version(function.getCurrentVersion())
                .build();
    }

    /**
     * A queue with its dead-letter queue: SQS-managed encryption (senders need no KMS grant), TLS only, the consumers'
     * visibility timeout, and three receives before a message is set aside for 14 days.
     */
    private QueuePair queueWithDeadLetterQueue(String name, String purpose) {
        Queue deadLetters = Queue.Builder.create(this, name + "DeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(deadLetters, List.of(suppression("AwsSolutions-SQS3",
                "This queue is the dead-letter queue of the " + purpose + "; it has no dead-letter queue itself.")));
        Queue queue = Queue.Builder.create(this, name + "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(QUEUE_VISIBILITY_TIMEOUT)
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(3).build())
                .build();
        return new QueuePair(queue, deadLetters);
    }

    /**
     * A function that drains a queue through its alias, with exactly its access; the event source grants it the
     * receive side.
     */
    private Function queueConsumer(String name, String handlerClass, RouteAccess.Access access, String description,
                                   SqsEventSource source, Map<String, String> routeEnvironment,
                                   RemovalPolicy removal) {
        Function function = javaFunction(name, handlerClass + "::handleRequest", environment(access, routeEnvironment),
                FUNCTION_TIMEOUT, removal, description);
        grantAccess(access, function);
        alias(name, function).addEventSource(source);
        return function;
    }

    /** The fan-out function, one shard per invocation. */
    private Function fanoutConsumer(Queue queue, Map<String, String> routeEnvironment, RemovalPolicy removal) {
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
        return queueConsumer("Fanout", Route.FANOUT_CLASS, RouteAccess.FANOUT,
                "Switchboard fan-out: delivers one shard of a large room's broadcast", oneShardAtATime,
                routeEnvironment, removal);
    }

    /**
     * The base environment (the route environment, or nothing for the authorizer), plus the fan-out queue's URL and
     * threshold for functions that may enqueue shards, and the token settings for functions that verify tokens; the
     * matching grants are in {@link #grantAccess}.
     */
    private Map<String, String> environment(RouteAccess.Access access, Map<String, String> base) {
        Map<String, String> environment = new LinkedHashMap<>(base);
        if (access.enqueuesFanout()) {
            fanout.ifPresent(queues -> {
                environment.put(EnvNames.FANOUT_QUEUE_URL, queues.queue().getQueueUrl());
                environment.put(EnvNames.FANOUT_THRESHOLD, Integer.toString(props.fanoutThreshold()));
            });
        }
        if (access.verifiesTokens()) {
            environment.putAll(props.auth().environment(signingKey.map(ISecret::getSecretArn)));
        }
        return environment;
    }

    private void grantAccess(RouteAccess.Access access, Function function) {
        if (access.usesTable()) {
            function.addToRolePolicy(PolicyStatement.Builder.create()
                    .effect(Effect.ALLOW)
                    .actions(access.tableActions().stream().sorted().toList())
                    .resources(List.of(table.getTableArn()))
                    .build());
        }
        if (access.managesConnections()) {
            List<String> connections = new ArrayList<>();
            for (RouteAccess.ConnectionMethod method : access.connectionMethods()) {
                connections.add(formatArn(ArnComponents.builder()
                        .service("execute-api")
                        .resource(api.getApiId())
                        .resourceName(props.stageName() + "/" + method.name() + "/@connections/*")
                        .build()));
            }
            function.addToRolePolicy(PolicyStatement.Builder.create()
                    .effect(Effect.ALLOW)
                    .actions(List.of("execute-api:ManageConnections"))
                    .resources(connections)
                    .build());
            NagSuppressions.addResourceSuppressions(function.getRole(), List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5")
                    .reason("Connection ids are created at run time; the grant is limited to this API's stage"
                            + " @connections path, one HTTP method per ARN.")
                    .appliesTo(List.of(RegexAppliesTo.builder()
                            .regex("/^Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:"
                                    + "<Api[A-Za-z0-9]+>\\/" + props.stageName()
                                    + "\\/(POST|GET|DELETE)\\/@connections\\/\\*$/")
                            .build()))
                    .build()), true);
        }
        if (access.verifiesTokens()) {
            signingKey.ifPresent(key -> key.grantRead(function));
        }
        if (access.enqueuesFanout()) {
            // Only SendMessage (it also covers SendMessageBatch). The queue's grantSendMessages would add
            // GetQueueAttributes and GetQueueUrl, which the functions never call (they have the URL), and, were the
            // queue KMS-encrypted, kms:Encrypt/Decrypt/ReEncrypt*/GenerateDataKey*. SQS-managed encryption needs no
            // key grant; with a KMS key, senders would need kms:GenerateDataKey and kms:Decrypt on it.
            fanout.ifPresent(queues -> function.addToRolePolicy(PolicyStatement.Builder.create()
                    .effect(Effect.ALLOW)
                    .actions(List.of("sqs:SendMessage"))
                    .resources(List.of(queues.queue().getQueueArn()))
                    .build()));
        }
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

    /**
     * API Gateway writes access logs through one account-wide role. Without it the stage cannot enable logging.
     * Kept on stack deletion: another stack in the account may rely on the same setting.
     */
    private Optional<CfnAccount> apiGatewayLoggingRole() {
        if (!props.apiGatewayLoggingRole()) {
            return Optional.empty();
        }
        Role role = Role.Builder.create(this, "ApiGatewayLoggingRole")
                .assumedBy(new ServicePrincipal("apigateway.amazonaws.com"))
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName(
                        "service-role/AmazonAPIGatewayPushToCloudWatchLogs")))
                .build();
        role.applyRemovalPolicy(RemovalPolicy.RETAIN);
        NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM4")
                .reason("AWS's own policy for API Gateway's account-wide logging role; it grants only CloudWatch"
                        + " Logs writes and is what the service documents.")
                .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                        + "AmazonAPIGatewayPushToCloudWatchLogs"))
                .build()));
        CfnAccount account = CfnAccount.Builder.create(this, "ApiGatewayAccount")
                .cloudWatchRoleArn(role.getRoleArn())
                .build();
        account.applyRemovalPolicy(RemovalPolicy.RETAIN);
        return Optional.of(account);
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

    /**
     * With {@link AuthSettings.TokenSource#HEADER_OR_QUERY} no identity source is configured, so API Gateway calls
     * the authorizer for every handshake and the authorizer decides (401 without a token). The property is removed
     * rather than sent empty.
     */
    private void dropEmptyIdentitySource() {
        if (props.auth().tokenSource().identitySource().isPresent()) {
            return;
        }
        api.getNode().findAll().stream()
                .filter(CfnAuthorizer.class::isInstance)
                .map(CfnAuthorizer.class::cast)
                .forEach(authorizer -> authorizer.addPropertyDeletionOverride("IdentitySource"));
    }

    /** A queue and the dead-letter queue its messages move to after repeated failures. */
    private record QueuePair(Queue queue, Queue deadLetterQueue) {
    }

    private static NagPackSuppression suppression(String id, String reason) {
        return NagPackSuppression.builder().id(id).reason(reason).build();
    }

    /**
     * JSON access log lines; query strings (which may carry tokens) are never logged. A class, not a record: jsii
     * would take a record's {@code destination()} accessor for a method overriding the {@code destination} property.
     */
    private static final class AccessLogs implements IAccessLogSettings {
        private static final Map<String, String> FIELDS = accessLogFields();

        private final IAccessLogDestination logDestination;

        AccessLogs(IAccessLogDestination logDestination) {
            this.logDestination = logDestination;
        }

        @Override
        public IAccessLogDestination getDestination() {
            return logDestination;
        }

        @Override
        public AccessLogFormat getFormat() {
            StringBuilder json = new StringBuilder("{");
            FIELDS.forEach((name, variable) -> {
                if (json.length() > 1) {
                    json.append(',');
                }
                json.append('"').append(name).append("\":\"").append(variable).append('"');
            });
            return AccessLogFormat.custom(json.append('}').toString());
        }

        private static Map<String, String> accessLogFields() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("requestId", "$context.requestId");
            fields.put("extendedRequestId", "$context.extendedRequestId");
            fields.put("requestTime", "$context.requestTime");
            fields.put("connectionId", "$context.connectionId");
            fields.put("eventType", "$context.eventType");
            fields.put("routeKey", "$context.routeKey");
            fields.put("messageId", "$context.messageId");
            fields.put("status", "$context.status");
            fields.put("sourceIp", "$context.identity.sourceIp");
            fields.put("userAgent", "$context.identity.userAgent");
            fields.put("principalId", "$context.authorizer.principalId");
            fields.put("authorizerError", "$context.authorizer.error");
            fields.put("integrationLatency", "$context.integrationLatency");
            fields.put("error", "$context.error.message");
            fields.put("errorType", "$context.error.responseType");
            return fields;
        }
    }
}
