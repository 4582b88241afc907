package dev.switchboard.infra;

import dev.switchboard.core.Quotas;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.RoomSharding;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Everything the Switchboard stack can be told, with defaults safe for production. Built in code with
 * {@link #builder()}, or from CDK context ({@code cdk deploy -c memorySize=2048}) with {@link SwitchboardContext}.
 *
 * <pre>{@code
 * SwitchboardProps props = SwitchboardProps.builder()
 *         .stageName("dev")
 *         .dataRemoval(SwitchboardProps.DataRemoval.DESTROY)
 *         .auth(AuthSettings.cognito("eu-west-1_AbCdEf123", Set.of("4b1n2o3c4l5i6e7n8t9i0d1x2y")))
 *         .build();
 * }</pre>
 *
 * <p>Nothing open reaches production by accident: authentication off ({@link AuthSettings#off()}) or the open
 * policy ({@link RoomPolicy#open()}) on a stage that is not a development stage ({@link #isDevelopmentStage}) is
 * refused unless the flag named for that risk is set.
 *
 * @param stackName            CloudFormation stack name (deploy several stages side by side under different names)
 * @param stageName            API Gateway stage, part of every URL
 * @param functionsJar         the shaded functions jar to deploy ({@link FunctionsJar}); the builder and the stack
 *                             check that it is there, the record itself never touches the file system
 * @param memorySize           MB per function (CPU scales with it; Java starts faster with more)
 * @param throttlingRateLimit  steady requests per second allowed per route (stage default)
 * @param throttlingBurstLimit burst allowed per route (stage default)
 * @param auth                 how the {@code $connect} authorizer (and {@code refresh}) verify tokens
 * @param policy               who may do what in which room: {@code claims} (only what the token grants) or
 *                             {@code open} (every connection may do everything)
 * @param allowUnauthenticatedProduction accept authentication off on a stage that is not a development stage
 * @param allowOpenPolicyProduction      accept the open policy on a stage that is not a development stage
 * @param logRetention         retention of function and access logs
 * @param dataRemoval          what {@code cdk destroy} does to the table and log groups
 * @param deletionProtection   DynamoDB deletion protection on the table
 * @param tracing              X-Ray active tracing on the functions
 * @param alarmEmail           when present, alarms notify this address through an SNS topic
 * @param apiGatewayLoggingRole set API Gateway's account-wide CloudWatch Logs role (needed once per account and
 *                             region for access logs; turn off when the account already has one)
 * @param roomShards           partitions each room's membership is spread over (1 to 64); fixed at the first deploy,
 *                             since memberships written under another value are not found
 * @param fanoutEnabled        deploy the fan-out queue and function that deliver large rooms' broadcasts shard by
 *                             shard in parallel
 * @param fanoutThreshold      room size from which broadcasts go through the fan-out queue
 * @param fanoutMaxConcurrency most fan-out function instances the queue keeps busy at once (the SQS event source's
 *                             maximum concurrency, 2 to 1000)
 * @param quotas               what one connection or user may cost the stack (frames per second and burst,
 *                             connections per user, presence posts per disconnect)
 * @param maxPostsPerSecond    most {@code @connections} posts per second one function instance makes: the account's
 *                             request rate is shared by every instance and every stage, so no single broadcast may
 *                             take all of it
 * @param publishers           who may send to the publish queue: IAM role or user ARNs and 12-digit account ids;
 *                             everyone else is denied by the queue's own policy. Empty: principals of the stack's
 *                             own account only
 * @param customDomain         when present, clients may also connect at {@code wss://<domain>} (an API Gateway custom
 *                             domain mapped to the stage)
 * @param eventStream          when present, the table's changes go to the application's EventBridge bus as events
 * @param extensions           the application's own functions: application routes and hooks ({@link Extensions})
 */
public record SwitchboardProps(String stackName, String stageName, Path functionsJar, int memorySize,
                               double throttlingRateLimit, int throttlingBurstLimit, AuthSettings auth,
                               RoomPolicy policy, boolean allowUnauthenticatedProduction,
                               boolean allowOpenPolicyProduction, RetentionDays logRetention,
                               DataRemoval dataRemoval, boolean deletionProtection, boolean tracing,
                               Optional<String> alarmEmail, boolean apiGatewayLoggingRole,
                               int roomShards, boolean fanoutEnabled, int fanoutThreshold,
                               int fanoutMaxConcurrency, Quotas quotas, int maxPostsPerSecond,
                               List<String> publishers, Optional<CustomDomain> customDomain,
                               Optional<EventStream> eventStream, Extensions extensions) {

    /** What happens to stored data when the stack is deleted. */
    public enum DataRemoval {
        /** Keep the table and logs (production). */
        RETAIN,
        /** Delete them with the stack (development). */
        DESTROY
    }

    // The defaults, each in one place: the builder starts from them, and docs/deploy.md lists them.
    public static final String DEFAULT_STACK_NAME = "Switchboard";
    public static final String DEFAULT_STAGE_NAME = "prod";
    public static final int DEFAULT_MEMORY_SIZE = 1024;
    public static final double DEFAULT_THROTTLING_RATE_LIMIT = 500;
    public static final int DEFAULT_THROTTLING_BURST_LIMIT = 1000;
    public static final RetentionDays DEFAULT_LOG_RETENTION = RetentionDays.ONE_MONTH;
    /** Production-safe: data outlives the stack unless destroying it is asked for. */
    public static final DataRemoval DEFAULT_DATA_REMOVAL = DataRemoval.RETAIN;
    /** On: without the account-wide role the stage cannot write access logs. */
    public static final boolean DEFAULT_API_GATEWAY_LOGGING_ROLE = true;
    public static final int DEFAULT_ROOM_SHARDS = RoomSharding.DEFAULT_SHARDS;
    public static final boolean DEFAULT_FANOUT_ENABLED = true;
    public static final int DEFAULT_FANOUT_THRESHOLD = RoomSharding.DEFAULT_FANOUT_THRESHOLD;
    public static final int DEFAULT_FANOUT_MAX_CONCURRENCY = 20;
    /**
     * A fifth of API Gateway's default account-wide rate (10,000 requests per second, shared with every other API
     * and stage of the account): five instances broadcasting at once still leave room for everything else.
     */
    public static final int DEFAULT_MAX_POSTS_PER_SECOND = 2_000;

    private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern STACK_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,127}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    /** Lambda's bounds for an SQS event source's maximum concurrency. */
    private static final int MIN_FANOUT_CONCURRENCY = 2;
    private static final int MAX_FANOUT_CONCURRENCY = 1_000;
    /** A principal the publish queue may admit: an IAM role or user (any path), or a whole account by its id. */
    private static final Pattern PUBLISHER =
            Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:(role|user)/[\\w+=,.@/-]{1,512}|\\d{12}");

    public SwitchboardProps {
        Objects.requireNonNull(functionsJar, "functionsJar");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(logRetention, "logRetention");
        Objects.requireNonNull(dataRemoval, "dataRemoval");
        Objects.requireNonNull(alarmEmail, "alarmEmail");
        Objects.requireNonNull(customDomain, "customDomain");
        Objects.requireNonNull(eventStream, "eventStream");
        if (stackName == null || !STACK_NAME.matcher(stackName).matches()) {
            throw new IllegalArgumentException("stackName must start with a letter and hold only letters, digits"
                    + " and hyphens (at most 128), was '" + stackName + "'");
        }
        if (stageName == null || !STAGE_NAME.matcher(stageName).matches()) {
            throw new IllegalArgumentException("stageName must be 1-128 letters, digits, '-' or '_', was '"
                    + stageName + "'");
        }
        if (!auth.bindsToOneApplication()) {
            throw new IllegalArgumentException("with " + ContextKeys.JWT_JWKS_URL + " set " + ContextKeys.JWT_ISSUER
                    + " and " + ContextKeys.JWT_AUDIENCE + " too (or use the Cognito preset: "
                    + ContextKeys.COGNITO_USER_POOL_ID + " and " + ContextKeys.COGNITO_CLIENT_IDS + "): the issuer"
                    + " also mints tokens for other applications, whose users must not get in");
        }
        ProductionSafety.check(stageName, auth, policy, allowUnauthenticatedProduction, allowOpenPolicyProduction);
        if (memorySize < 128 || memorySize > 10_240) {
            throw new IllegalArgumentException("memorySize must be between 128 and 10240 MB, was " + memorySize);
        }
        if (!(throttlingRateLimit > 0) || throttlingRateLimit > 10_000) {
            throw new IllegalArgumentException("throttlingRateLimit must be above 0 and at most 10000 requests/s"
                    + " (the account limit), was " + throttlingRateLimit);
        }
        if (throttlingBurstLimit < 1 || throttlingBurstLimit > 5_000) {
            throw new IllegalArgumentException("throttlingBurstLimit must be between 1 and 5000, was "
                    + throttlingBurstLimit);
        }
        if (roomShards < 1 || roomShards > RoomSharding.MAX_SHARDS) {
            throw new IllegalArgumentException("roomShards must be between 1 and " + RoomSharding.MAX_SHARDS + ", was "
                    + roomShards);
        }
        if (fanoutThreshold < 1) {
            throw new IllegalArgumentException("fanoutThreshold must be at least 1 member, was " + fanoutThreshold);
        }
        if (fanoutMaxConcurrency < MIN_FANOUT_CONCURRENCY || fanoutMaxConcurrency > MAX_FANOUT_CONCURRENCY) {
            throw new IllegalArgumentException("fanoutMaxConcurrency must be between " + MIN_FANOUT_CONCURRENCY
                    + " and " + MAX_FANOUT_CONCURRENCY + " (Lambda's limits for an SQS event source), was "
                    + fanoutMaxConcurrency);
        }
        Objects.requireNonNull(quotas, "quotas");
        if (maxPostsPerSecond < 1) {
            throw new IllegalArgumentException("maxPostsPerSecond must be at least 1, was " + maxPostsPerSecond);
        }
        publishers = List.copyOf(publishers);
        for (String publisher : publishers) {
            if (!PUBLISHER.matcher(publisher).matches()) {
                throw new IllegalArgumentException("publishers: '" + publisher + "' is neither an IAM role or user"
                        + " ARN (arn:aws:iam::123456789012:role/name) nor a 12-digit account id; wildcards are not"
                        + " accepted");
            }
        }
        Objects.requireNonNull(extensions, "extensions");
        alarmEmail.ifPresent(email -> {
            if (!EMAIL.matcher(email).matches()) {
                throw new IllegalArgumentException("alarmEmail is not an email address: '" + email + "'");
            }
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether a stage is for development, where authentication may be off and the policy open without a flag:
     * {@code local}, {@code dev}, {@code test}, or a name starting with {@code dev-} or {@code test-}, in any case.
     */
    public static boolean isDevelopmentStage(String stageName) {
        return ProductionSafety.isDevelopmentStage(stageName);
    }

    /**
     * Reads the properties from CDK context values; see {@link SwitchboardContext#read}, which this calls.
     *
     * @param context    looks a context key up, e.g. {@code app.getNode()::tryGetContext}
     * @param workingDir where relative paths and the default functions jar are resolved from
     */
    public static SwitchboardProps fromContext(Function<String, Object> context, Path workingDir) {
        return SwitchboardContext.read(context, workingDir);
    }

    /** Builds {@link SwitchboardProps}; unset values take production-safe defaults. */
    public static final class Builder {
        private String stackName = DEFAULT_STACK_NAME;
        private String stageName = DEFAULT_STAGE_NAME;
        private Path workingDir = Path.of("").toAbsolutePath();
        private Path functionsJar;
        private int memorySize = DEFAULT_MEMORY_SIZE;
        private double throttlingRateLimit = DEFAULT_THROTTLING_RATE_LIMIT;
        private int throttlingBurstLimit = DEFAULT_THROTTLING_BURST_LIMIT;
        private AuthSettings auth = AuthSettings.generatedSecret();
        private RoomPolicy policy = RoomPolicy.claims();
        private boolean allowUnauthenticatedProduction;
        private boolean allowOpenPolicyProduction;
        private RetentionDays logRetention = DEFAULT_LOG_RETENTION;
        private DataRemoval dataRemoval = DEFAULT_DATA_REMOVAL;
        private Boolean deletionProtection;
        private boolean tracing;
        private Optional<String> alarmEmail = Optional.empty();
        private boolean apiGatewayLoggingRole = DEFAULT_API_GATEWAY_LOGGING_ROLE;
        private int roomShards = DEFAULT_ROOM_SHARDS;
        private boolean fanoutEnabled = DEFAULT_FANOUT_ENABLED;
        private int fanoutThreshold = DEFAULT_FANOUT_THRESHOLD;
        private int fanoutMaxConcurrency = DEFAULT_FANOUT_MAX_CONCURRENCY;
        private Quotas quotas = Quotas.defaults();
        private int maxPostsPerSecond = DEFAULT_MAX_POSTS_PER_SECOND;
        private List<String> publishers = List.of();
        private Optional<CustomDomain> customDomain = Optional.empty();
        private Optional<EventStream> eventStream = Optional.empty();
        private Extensions extensions = Extensions.none();

        private Builder() {
        }

        public Builder stackName(String value) {
            this.stackName = value;
            return this;
        }

        public Builder stageName(String value) {
            this.stageName = value;
            return this;
        }

        /** Where the default functions jar is looked up from; the current directory unless set. */
        public Builder workingDir(Path value) {
            this.workingDir = value.toAbsolutePath();
            return this;
        }

        public Builder functionsJar(Path value) {
            this.functionsJar = value;
            return this;
        }

        public Builder memorySize(int value) {
            this.memorySize = value;
            return this;
        }

        public Builder throttlingRateLimit(double value) {
            this.throttlingRateLimit = value;
            return this;
        }

        public Builder throttlingBurstLimit(int value) {
            this.throttlingBurstLimit = value;
            return this;
        }

        public Builder auth(AuthSettings value) {
            this.auth = value;
            return this;
        }

        /** {@link RoomPolicy#claims()} (the default) or {@link RoomPolicy#open()}. */
        public Builder policy(RoomPolicy value) {
            this.policy = value;
            return this;
        }

        /** Accept authentication off on a stage that is not a development stage. */
        public Builder allowUnauthenticatedProduction(boolean value) {
            this.allowUnauthenticatedProduction = value;
            return this;
        }

        /** Accept the open policy on a stage that is not a development stage. */
        public Builder allowOpenPolicyProduction(boolean value) {
            this.allowOpenPolicyProduction = value;
            return this;
        }

        public Builder logRetention(RetentionDays value) {
            this.logRetention = value;
            return this;
        }

        public Builder dataRemoval(DataRemoval value) {
            this.dataRemoval = value;
            return this;
        }

        /** Defaults to on when data is retained and off when it is destroyed with the stack. */
        public Builder deletionProtection(boolean value) {
            this.deletionProtection = value;
            return this;
        }

        public Builder tracing(boolean value) {
            this.tracing = value;
            return this;
        }

        public Builder alarmEmail(String value) {
            this.alarmEmail = Optional.of(value);
            return this;
        }

        public Builder apiGatewayLoggingRole(boolean value) {
            this.apiGatewayLoggingRole = value;
            return this;
        }

        /** Fixed at the first deploy: memberships written under another shard count are not found. */
        public Builder roomShards(int value) {
            this.roomShards = value;
            return this;
        }

        public Builder fanoutEnabled(boolean value) {
            this.fanoutEnabled = value;
            return this;
        }

        public Builder fanoutThreshold(int value) {
            this.fanoutThreshold = value;
            return this;
        }

        public Builder fanoutMaxConcurrency(int value) {
            this.fanoutMaxConcurrency = value;
            return this;
        }

        /** Defaults to {@link Quotas#defaults()}. */
        public Builder quotas(Quotas value) {
            this.quotas = value;
            return this;
        }

        public Builder maxPostsPerSecond(int value) {
            this.maxPostsPerSecond = value;
            return this;
        }

        /** Role or user ARNs and account ids the publish queue admits; none: the stack's own account. */
        public Builder publishers(List<String> value) {
            this.publishers = value;
            return this;
        }

        /** Serve the API at the application's own host name too. */
        public Builder customDomain(CustomDomain value) {
            this.customDomain = Optional.of(value);
            return this;
        }

        /** Put the table's changes on the application's EventBridge bus as events. */
        public Builder eventStream(EventStream value) {
            this.eventStream = Optional.of(value);
            return this;
        }

        /** The application's own functions: routes and hooks, with their timeouts ({@link Extensions}). */
        public Builder extensions(Extensions value) {
            this.extensions = value;
            return this;
        }

        /**
         * Application routes: each action name served by the application's function (two invokes per frame: the
         * stack's application route function, then this one). Names of Switchboard's own routes are refused.
         */
        public Builder routes(Map<String, IFunction> value) {
            Map<String, Extensions.Target> routes = new LinkedHashMap<>();
            value.forEach((name, function) -> routes.put(name, Extensions.Target.of(function)));
            this.extensions = extensions.withRoutes(routes);
            return this;
        }

        /** The hook {@code $connect} consults after the authorizer: allow or deny, and attributes to attach. */
        public Builder onConnect(IFunction value) {
            this.extensions = extensions.withOnConnect(Extensions.Target.of(value));
            return this;
        }

        /** The hook {@code join} consults: allow or deny, and rights to grant in the room. */
        public Builder onJoin(IFunction value) {
            this.extensions = extensions.withOnJoin(Extensions.Target.of(value));
            return this;
        }

        /** The hook {@code send} consults: allow, deny, or replace the message's data. */
        public Builder onSend(IFunction value) {
            this.extensions = extensions.withOnSend(Extensions.Target.of(value));
            return this;
        }

        /** How long each hook may take (default 3 s, at most 10 s); past it the frame is refused (fail closed). */
        public Builder hookTimeout(java.time.Duration value) {
            this.extensions = extensions.withHookTimeout(value);
            return this;
        }

        /** How long an application route's function may take (default 10 s, at most 25 s). */
        public Builder routeTimeout(java.time.Duration value) {
            this.extensions = extensions.withRouteTimeout(value);
            return this;
        }

        /**
         * The props, checked; then the jar, looked up if not given and checked too, so that a missing build is
         * reported here, before any stack is made, and only once every setting is known to be right.
         */
        public SwitchboardProps build() {
            Path jar = functionsJar != null ? functionsJar : FunctionsJar.find(workingDir);
            boolean protect = deletionProtection != null ? deletionProtection : dataRemoval == DataRemoval.RETAIN;
            SwitchboardProps props = new SwitchboardProps(stackName, stageName, jar.toAbsolutePath().normalize(),
                    memorySize, throttlingRateLimit, throttlingBurstLimit, auth, policy,
                    allowUnauthenticatedProduction, allowOpenPolicyProduction, logRetention, dataRemoval, protect,
                    tracing, alarmEmail, apiGatewayLoggingRole, roomShards, fanoutEnabled, fanoutThreshold,
                    fanoutMaxConcurrency, quotas, maxPostsPerSecond, publishers, customDomain,
                    eventStream, extensions);
            FunctionsJar.requireBuilt(props.functionsJar());
            return props;
        }
    }
}
