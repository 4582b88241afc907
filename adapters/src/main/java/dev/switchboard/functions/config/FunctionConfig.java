package dev.switchboard.functions.config;

import dev.switchboard.config.EnvNames;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.Quotas;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.RoomSharding;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the message and lifecycle functions read from their environment, read once per container.
 *
 * <pre>{@code
 * FunctionConfig config = FunctionConfig.from(System.getenv());
 * }</pre>
 *
 * @param tableName          DynamoDB table
 * @param managementEndpoint API Gateway management endpoint ({@code https://…/{stage}}); empty where a function
 *                           never posts to connections
 * @param region             AWS region
 * @param dynamoDbEndpoint   endpoint override for DynamoDB (local runs), else empty
 * @param maxInFlight        most @connections posts in flight per broadcast
 * @param maxPostsPerSecond  most @connections posts per second per container, 0 for no limit
 * @param retryPolicy        retries for throttled and failed posts
 * @param core               core tunables (connection TTL, rooms per connection)
 * @param roomShards         partitions each room's membership is spread over
 * @param fanoutQueueUrl     the fan-out queue, where this function may spread big rooms' broadcasts, else empty
 * @param fanoutThreshold    room size from which broadcasts use the fan-out queue
 * @param policy             who may do what in which room ({@code claims} unless {@code open} is set explicitly)
 */
public record FunctionConfig(String tableName, Optional<URI> managementEndpoint, String region,
                             Optional<URI> dynamoDbEndpoint, int maxInFlight, int maxPostsPerSecond,
                             RetryPolicy retryPolicy, CoreSettings core, int roomShards,
                             Optional<URI> fanoutQueueUrl, int fanoutThreshold, RoomPolicy policy) {

    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    public static final int MAX_ROOM_SHARDS = RoomSharding.MAX_SHARDS;
    public static final int DEFAULT_FANOUT_THRESHOLD = RoomSharding.DEFAULT_FANOUT_THRESHOLD;

    public FunctionConfig {
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(managementEndpoint, "managementEndpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(dynamoDbEndpoint, "dynamoDbEndpoint");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(core, "core");
        Objects.requireNonNull(fanoutQueueUrl, "fanoutQueueUrl");
        Objects.requireNonNull(policy, "policy");
        if (tableName.isBlank()) {
            throw new ConfigurationException(EnvNames.TABLE_NAME + " must be set");
        }
        if (maxPostsPerSecond < 0) {
            throw new ConfigurationException(EnvNames.MAX_POSTS_PER_SECOND + " must be 0 (no limit) or more");
        }
        if (maxInFlight < 1 || maxInFlight > 1_000) {
            throw new ConfigurationException(EnvNames.MAX_IN_FLIGHT + " must be between 1 and 1000");
        }
        if (roomShards < 1 || roomShards > MAX_ROOM_SHARDS) {
            throw new ConfigurationException(EnvNames.ROOM_SHARDS + " must be between 1 and " + MAX_ROOM_SHARDS);
        }
        if (fanoutThreshold < 1) {
            throw new ConfigurationException(EnvNames.FANOUT_THRESHOLD + " must be at least 1");
        }
    }

    /** Reads the configuration from an environment map such as {@code System.getenv()}. */
    public static FunctionConfig from(Map<String, String> env) {
        String table = required(env, EnvNames.TABLE_NAME);
        String region = Optional.ofNullable(env.get(EnvNames.REGION)).filter(s -> !s.isBlank()).orElse("us-east-1");
        RetryPolicy defaults = RetryPolicy.defaults();
        RetryPolicy retry = new RetryPolicy(
                intValue(env, EnvNames.MAX_ATTEMPTS, defaults.maxAttempts()),
                defaults.baseDelay(), defaults.maxDelay());
        CoreSettings coreDefaults = CoreSettings.defaults();
        CoreSettings core = coreDefaults
                .withConnectionTtl(Duration.ofSeconds(intValue(env, EnvNames.CONNECTION_TTL_SECONDS,
                        (int) coreDefaults.connectionTtl().toSeconds())))
                .withHistoryRetention(Duration.ofSeconds(intValue(env, EnvNames.HISTORY_RETENTION_SECONDS,
                        (int) coreDefaults.historyRetention().toSeconds())))
                .withIdempotencyWindow(Duration.ofSeconds(intValue(env, EnvNames.IDEMPOTENCY_WINDOW_SECONDS,
                        (int) coreDefaults.idempotencyWindow().toSeconds())))
                .withPresenceEvents(onOff(env, EnvNames.PRESENCE_EVENTS, coreDefaults.presenceEvents()),
                        intValue(env, EnvNames.PRESENCE_MAX_ROOM_SIZE, coreDefaults.presenceMaxRoomSize()))
                .withQuotas(quotas(env));
        return new FunctionConfig(table, uri(env, EnvNames.MANAGEMENT_ENDPOINT), region,
                uri(env, EnvNames.DYNAMODB_ENDPOINT), intValue(env, EnvNames.MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT),
                intValue(env, EnvNames.MAX_POSTS_PER_SECOND, 0), retry, core,
                intValue(env, EnvNames.ROOM_SHARDS, RoomSharding.DEFAULT_SHARDS),
                uri(env, EnvNames.FANOUT_QUEUE_URL), intValue(env, EnvNames.FANOUT_THRESHOLD, DEFAULT_FANOUT_THRESHOLD),
                policy(env));
    }

    private static Quotas quotas(Map<String, String> env) {
        Quotas defaults = Quotas.defaults();
        try {
            return defaults
                    .withFrames(intValue(env, EnvNames.FRAME_RATE, defaults.frameRate()),
                            intValue(env, EnvNames.FRAME_BURST, defaults.frameBurst()))
                    .withConnectionsPerUser(intValue(env, EnvNames.CONNECTIONS_PER_USER, defaults.connectionsPerUser()))
                    .withPresencePostsPerDisconnect(intValue(env, EnvNames.PRESENCE_POSTS_PER_DISCONNECT,
                            defaults.presencePostsPerDisconnect()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(EnvNames.FRAME_RATE + "/" + EnvNames.FRAME_BURST + "/"
                    + EnvNames.CONNECTIONS_PER_USER + "/" + EnvNames.PRESENCE_POSTS_PER_DISCONNECT + ": "
                    + e.getMessage());
        }
    }

    private static RoomPolicy policy(Map<String, String> env) {
        String value = env.get(EnvNames.POLICY);
        try {
            return RoomPolicy.named(value == null || value.isBlank() ? "claims" : value.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(EnvNames.POLICY + ": " + e.getMessage());
        }
    }

    /** The management endpoint, or a configuration error naming the missing variable. */
    public URI requireManagementEndpoint() {
        return managementEndpoint.orElseThrow(() ->
                new ConfigurationException(EnvNames.MANAGEMENT_ENDPOINT + " must be set for this function"));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(name + " must be set");
        }
        return value.trim();
    }

    private static Optional<URI> uri(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(value.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new ConfigurationException(name + " must be an absolute http(s) URL");
            }
            return Optional.of(uri);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(name + " is not a valid URL");
        }
    }

    private static boolean onOff(Map<String, String> env, String name, boolean fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new ConfigurationException(name + " must be 'on' or 'off', was '" + value + "'");
        };
    }

    private static int intValue(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be a whole number, was '" + value + "'");
        }
    }
}
