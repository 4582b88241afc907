package dev.switchboard.infra;

import java.util.List;

/**
 * The names of the settings, as {@code cdk deploy -c key=value} and {@code cdk.json} give them: read by
 * {@link SwitchboardContext}, and named by {@link SwitchboardProps} when it refuses a value, so an error message
 * speaks of the key the user typed.
 */
public final class ContextKeys {
    public static final String STACK_NAME = "stackName";
    public static final String STAGE_NAME = "stageName";
    public static final String FUNCTIONS_JAR = "functionsJar";
    public static final String MEMORY_SIZE = "memorySize";
    public static final String THROTTLING_RATE_LIMIT = "throttlingRateLimit";
    public static final String THROTTLING_BURST_LIMIT = "throttlingBurstLimit";
    public static final String AUTH_MODE = "authMode";
    public static final String JWT_JWKS_URL = "jwtJwksUrl";
    public static final String JWT_SECRET_ARN = "jwtSecretArn";
    public static final String JWT_ISSUER = "jwtIssuer";
    public static final String JWT_AUDIENCE = "jwtAudience";
    public static final String COGNITO_USER_POOL_ID = "cognitoUserPoolId";
    public static final String COGNITO_CLIENT_IDS = "cognitoClientIds";
    public static final String COGNITO_TOKEN_USE = "cognitoTokenUse";
    public static final String CAPABILITY_CLAIM = "capabilityClaim";
    public static final String DIRECT_CLAIM = "directClaim";
    public static final String TOKEN_SOURCE = "tokenSource";
    public static final String POLICY = "policy";
    public static final String ALLOW_UNAUTHENTICATED_PRODUCTION = "allowUnauthenticatedProduction";
    public static final String ALLOW_OPEN_POLICY_PRODUCTION = "allowOpenPolicyProduction";
    public static final String LOG_RETENTION_DAYS = "logRetentionDays";
    public static final String REMOVAL_POLICY = "removalPolicy";
    public static final String DELETION_PROTECTION = "deletionProtection";
    public static final String TRACING = "tracing";
    public static final String ALARM_EMAIL = "alarmEmail";
    public static final String API_GATEWAY_LOGGING_ROLE = "apiGatewayLoggingRole";
    public static final String ROOM_SHARDS = "roomShards";
    public static final String FANOUT_ENABLED = "fanoutEnabled";
    public static final String FANOUT_THRESHOLD = "fanoutThreshold";
    public static final String FANOUT_MAX_CONCURRENCY = "fanoutMaxConcurrency";
    public static final String FRAME_RATE = "frameRate";
    public static final String FRAME_BURST = "frameBurst";
    public static final String CONNECTIONS_PER_USER = "connectionsPerUser";
    public static final String PRESENCE_POSTS_PER_DISCONNECT = "presencePostsPerDisconnect";
    public static final String MAX_POSTS_PER_SECOND = "maxPostsPerSecond";
    public static final String PUBLISHERS = "publishers";
    public static final String CUSTOM_DOMAIN_NAME = "customDomainName";
    public static final String CUSTOM_DOMAIN_CERTIFICATE_ARN = "customDomainCertificateArn";
    public static final String CUSTOM_DOMAIN_HOSTED_ZONE_ID = "customDomainHostedZoneId";
    public static final String CUSTOM_DOMAIN_HOSTED_ZONE_NAME = "customDomainHostedZoneName";
    public static final String EVENT_BUS = "eventBus";
    public static final String EVENT_SOURCE = "eventSource";
    /** Application routes by function ARN: {@code typing=arn:aws:lambda:…,vote=arn:aws:lambda:…}. */
    public static final String APPLICATION_ROUTES = "applicationRoutes";
    public static final String APPLICATION_ROUTE_TIMEOUT_MS = "applicationRouteTimeoutMs";
    /** Hooks by function ARN. */
    public static final String ON_CONNECT_HOOK = "onConnectHook";
    public static final String ON_JOIN_HOOK = "onJoinHook";
    public static final String ON_SEND_HOOK = "onSendHook";
    public static final String HOOK_TIMEOUT_MS = "hookTimeoutMs";

    static final List<String> ALL = List.of(STACK_NAME, STAGE_NAME, FUNCTIONS_JAR, MEMORY_SIZE,
            THROTTLING_RATE_LIMIT, THROTTLING_BURST_LIMIT, AUTH_MODE, JWT_JWKS_URL, JWT_SECRET_ARN, JWT_ISSUER,
            JWT_AUDIENCE, COGNITO_USER_POOL_ID, COGNITO_CLIENT_IDS, COGNITO_TOKEN_USE, CAPABILITY_CLAIM,
            DIRECT_CLAIM, TOKEN_SOURCE, POLICY, ALLOW_UNAUTHENTICATED_PRODUCTION, ALLOW_OPEN_POLICY_PRODUCTION,
            LOG_RETENTION_DAYS, REMOVAL_POLICY, DELETION_PROTECTION, TRACING, ALARM_EMAIL,
            API_GATEWAY_LOGGING_ROLE, ROOM_SHARDS, FANOUT_ENABLED, FANOUT_THRESHOLD, FANOUT_MAX_CONCURRENCY,
            FRAME_RATE, FRAME_BURST, CONNECTIONS_PER_USER, PRESENCE_POSTS_PER_DISCONNECT, MAX_POSTS_PER_SECOND,
            PUBLISHERS, CUSTOM_DOMAIN_NAME, CUSTOM_DOMAIN_CERTIFICATE_ARN, CUSTOM_DOMAIN_HOSTED_ZONE_ID,
            CUSTOM_DOMAIN_HOSTED_ZONE_NAME, EVENT_BUS, EVENT_SOURCE, APPLICATION_ROUTES, APPLICATION_ROUTE_TIMEOUT_MS,
            ON_CONNECT_HOOK, ON_JOIN_HOOK, ON_SEND_HOOK, HOOK_TIMEOUT_MS);

    /** Settings of the custom domain, which mean nothing without its name. */
    static final List<String> CUSTOM_DOMAIN_SETTINGS = List.of(CUSTOM_DOMAIN_CERTIFICATE_ARN,
            CUSTOM_DOMAIN_HOSTED_ZONE_ID, CUSTOM_DOMAIN_HOSTED_ZONE_NAME);

    /** Settings of token verification, which authentication off has no use for. */
    static final List<String> TOKEN_SETTINGS = List.of(JWT_JWKS_URL, JWT_SECRET_ARN, JWT_ISSUER, JWT_AUDIENCE,
            COGNITO_USER_POOL_ID, COGNITO_CLIENT_IDS, COGNITO_TOKEN_USE, CAPABILITY_CLAIM, DIRECT_CLAIM);

    private ContextKeys() {
    }
}
