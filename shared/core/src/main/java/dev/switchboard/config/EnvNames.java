package dev.switchboard.config;

import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.Quotas;
import dev.switchboard.core.RoomSharding;

/**
 * Names of the environment variables the functions read. The CDK stack sets them and the functions read them
 * through this one class, so the two cannot drift apart. A default named here is a link to where it is defined,
 * not a copy of its value.
 */
public final class EnvNames {
    /** DynamoDB table holding connections, rooms and history. */
    public static final String TABLE_NAME = "SWITCHBOARD_TABLE";
    /** API Gateway management endpoint, {@code https://{api}.execute-api.{region}.amazonaws.com/{stage}}. */
    public static final String MANAGEMENT_ENDPOINT = "SWITCHBOARD_MANAGEMENT_ENDPOINT";
    /** Optional DynamoDB endpoint override (DynamoDB Local, LocalStack). */
    public static final String DYNAMODB_ENDPOINT = "SWITCHBOARD_DYNAMODB_ENDPOINT";
    /** Powertools' service name: the stack sets its own name, the dimension its alarms select metrics by. */
    public static final String SERVICE_NAME = "POWERTOOLS_SERVICE_NAME";
    /** Powertools' metrics namespace. */
    public static final String METRICS_NAMESPACE = "POWERTOOLS_METRICS_NAMESPACE";
    /** AWS region; set by Lambda itself. */
    public static final String REGION = "AWS_REGION";
    /** Most @connections posts in flight per broadcast. */
    public static final String MAX_IN_FLIGHT = "SWITCHBOARD_MAX_IN_FLIGHT";
    /**
     * Most @connections posts per second per function container (0 or unset: no limit). The account's 10,000/s
     * quota is shared: set this to the quota divided by the containers expected to broadcast at once.
     */
    public static final String MAX_POSTS_PER_SECOND = "SWITCHBOARD_MAX_POSTS_PER_SECOND";
    /** Attempts per connection for throttled or failed posts, the first included. */
    public static final String MAX_ATTEMPTS = "SWITCHBOARD_MAX_ATTEMPTS";
    /**
     * How many partitions each room's membership is spread over (1 to {@link RoomSharding#MAX_SHARDS}, default
     * {@link RoomSharding#DEFAULT_SHARDS}). Every function must see the same value; it is fixed when a stack is
     * deployed (memberships written under another value are not found).
     */
    public static final String ROOM_SHARDS = "SWITCHBOARD_ROOM_SHARDS";
    /** URL of the fan-out queue; when set, broadcasts to large rooms go out as one queue message per shard. */
    public static final String FANOUT_QUEUE_URL = "SWITCHBOARD_FANOUT_QUEUE_URL";
    /**
     * Rooms estimated to have at least this many members use the fan-out queue (default
     * {@link RoomSharding#DEFAULT_FANOUT_THRESHOLD}).
     */
    public static final String FANOUT_THRESHOLD = "SWITCHBOARD_FANOUT_THRESHOLD";
    /**
     * Connection record lifetime in seconds without a {@code $disconnect} (default: {@link CoreSettings#defaults()}).
     */
    public static final String CONNECTION_TTL_SECONDS = "SWITCHBOARD_CONNECTION_TTL_SECONDS";

    /** How long room messages stay available for resume, in seconds (default: {@link CoreSettings#defaults()}). */
    public static final String HISTORY_RETENTION_SECONDS = "SWITCHBOARD_HISTORY_RETENTION_SECONDS";
    /**
     * How long a send's client id guards against duplicates, in seconds (default: {@link CoreSettings#defaults()}).
     */
    public static final String IDEMPOTENCY_WINDOW_SECONDS = "SWITCHBOARD_IDEMPOTENCY_WINDOW_SECONDS";
    /** {@code on} or {@code off}: announce joins and leaves to rooms (default: {@link CoreSettings#defaults()}). */
    public static final String PRESENCE_EVENTS = "SWITCHBOARD_PRESENCE_EVENTS";
    /** Rooms with more members than this get no presence events (default: {@link CoreSettings#defaults()}). */
    public static final String PRESENCE_MAX_ROOM_SIZE = "SWITCHBOARD_PRESENCE_MAX_ROOM_SIZE";

    /**
     * {@code claims} (default: deny unless the token's capabilities grant it) or {@code open} (every connection may
     * do everything; honoured only when set explicitly).
     */
    public static final String POLICY = "SWITCHBOARD_POLICY";
    /** Name of the token claim mapping room patterns to actions (default {@code rooms}). */
    public static final String CAPABILITY_CLAIM = "SWITCHBOARD_CAPABILITY_CLAIM";
    /** Name of the token claim listing the user patterns its holder may message directly (default {@code direct}). */
    public static final String DIRECT_CLAIM = "SWITCHBOARD_DIRECT_CLAIM";

    /** Frames per second a connection may send on average (default {@link Quotas#DEFAULT_FRAME_RATE}). */
    public static final String FRAME_RATE = "SWITCHBOARD_FRAME_RATE";
    /** Frames a connection may send at once (default {@link Quotas#DEFAULT_FRAME_BURST}). */
    public static final String FRAME_BURST = "SWITCHBOARD_FRAME_BURST";
    /** Open connections one user may hold (default {@link Quotas#DEFAULT_CONNECTIONS_PER_USER}). */
    public static final String CONNECTIONS_PER_USER = "SWITCHBOARD_CONNECTIONS_PER_USER";
    /**
     * Most presence posts one disconnect may cause (default {@link Quotas#DEFAULT_PRESENCE_POSTS_PER_DISCONNECT}).
     */
    public static final String PRESENCE_POSTS_PER_DISCONNECT = "SWITCHBOARD_PRESENCE_POSTS_PER_DISCONNECT";

    /** The EventBridge bus (name or ARN) the events function puts the table's events on. */
    public static final String EVENT_BUS = "SWITCHBOARD_EVENT_BUS";
    /** The {@code source} of those events (default {@code switchboard}). */
    public static final String EVENT_SOURCE = "SWITCHBOARD_EVENT_SOURCE";

    /** {@code jwt} (default) or {@code off}; off is honoured only when set explicitly. */
    public static final String AUTH_MODE = "SWITCHBOARD_AUTH_MODE";
    /** HS256 shared secret, for tokens signed with a shared key. */
    public static final String JWT_SECRET = "SWITCHBOARD_JWT_SECRET";
    /** ARN of a Secrets Manager secret holding the HS256 secret (read once per container). */
    public static final String JWT_SECRET_ARN = "SWITCHBOARD_JWT_SECRET_ARN";
    /** JWKS URL for RS256/ES256 tokens (e.g. a Cognito user pool's). */
    public static final String JWT_JWKS_URL = "SWITCHBOARD_JWT_JWKS_URL";
    /** Required {@code iss}; when set, and always with a JWKS URL. */
    public static final String JWT_ISSUER = "SWITCHBOARD_JWT_ISSUER";
    /** Required {@code aud}, when set; with a JWKS URL, this or {@link #JWT_CLIENT_IDS} must be set. */
    public static final String JWT_AUDIENCE = "SWITCHBOARD_JWT_AUDIENCE";
    /**
     * Comma-separated client ids a token's {@code client_id} claim must be one of (Cognito access tokens carry
     * {@code client_id} instead of {@code aud}).
     */
    public static final String JWT_CLIENT_IDS = "SWITCHBOARD_JWT_CLIENT_IDS";
    /** Required {@code token_use} claim (Cognito: {@code access} or {@code id}), when set. */
    public static final String JWT_TOKEN_USE = "SWITCHBOARD_JWT_TOKEN_USE";

    /**
     * The application routes this function serves and the Lambda function behind each:
     * {@code typing=arn:aws:lambda:…:function:typing,vote=arn:…} (only the application route function gets it).
     */
    public static final String APPLICATION_ROUTES = "SWITCHBOARD_APPLICATION_ROUTES";
    /** How long an application route's function may take, in milliseconds. */
    public static final String APPLICATION_ROUTE_TIMEOUT_MS = "SWITCHBOARD_APPLICATION_ROUTE_TIMEOUT_MS";
    /** The Lambda function (ARN) of the onConnect hook; only the {@code $connect} function gets it. */
    public static final String HOOK_ON_CONNECT = "SWITCHBOARD_HOOK_ON_CONNECT";
    /** The Lambda function (ARN) of the onJoin hook; only the {@code join} function gets it. */
    public static final String HOOK_ON_JOIN = "SWITCHBOARD_HOOK_ON_JOIN";
    /** The Lambda function (ARN) of the onSend hook; only the {@code send} function gets it. */
    public static final String HOOK_ON_SEND = "SWITCHBOARD_HOOK_ON_SEND";
    /** How long a hook may take, in milliseconds. */
    public static final String HOOK_TIMEOUT_MS = "SWITCHBOARD_HOOK_TIMEOUT_MS";
    /** Optional Lambda endpoint override (tests, emulators). */
    public static final String LAMBDA_ENDPOINT = "SWITCHBOARD_LAMBDA_ENDPOINT";

    private EnvNames() {
    }
}
