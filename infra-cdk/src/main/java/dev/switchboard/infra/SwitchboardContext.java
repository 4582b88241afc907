package dev.switchboard.infra;

import dev.switchboard.core.Quotas;
import dev.switchboard.core.RoomPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Reads {@link SwitchboardProps} from CDK context, the way {@code cdk deploy -c memorySize=2048} and {@code cdk.json}
 * give them: text is parsed and checked here, key by key, so a bad value is refused with the key's name before the
 * props check how the values fit together.
 *
 * <pre>{@code
 * App app = new App();
 * SwitchboardProps props = SwitchboardContext.read(app.getNode()::tryGetContext, Path.of(""));
 * }</pre>
 */
public final class SwitchboardContext {

    /** Log retention choices CloudWatch Logs accepts, by days. */
    private static final Map<Integer, RetentionDays> RETENTION = retentionByDays();

    private SwitchboardContext() {
    }

    /**
     * Reads the properties from CDK context values (strings from {@code -c key=value}, or JSON values from
     * {@code cdk.json}); an absent key keeps the default.
     *
     * @param context    looks a context key up, e.g. {@code app.getNode()::tryGetContext}
     * @param workingDir where relative paths and the default functions jar are resolved from
     */
    public static SwitchboardProps read(Function<String, Object> context, Path workingDir) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : ContextKeys.ALL) {
            Object value = context.apply(key);
            // A list from cdk.json (e.g. client ids) reads as the comma-separated value given with -c.
            String text = value instanceof Collection<?> list
                    ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
                    : value == null ? null : value.toString();
            if (text != null && !text.isBlank()) {
                values.put(key, text.trim());
            }
        }
        SwitchboardProps.Builder builder = SwitchboardProps.builder().workingDir(workingDir);
        text(values, ContextKeys.STACK_NAME).ifPresent(builder::stackName);
        text(values, ContextKeys.STAGE_NAME).ifPresent(builder::stageName);
        text(values, ContextKeys.FUNCTIONS_JAR).ifPresent(jar -> builder.functionsJar(workingDir.resolve(jar)));
        integer(values, ContextKeys.MEMORY_SIZE).ifPresent(builder::memorySize);
        decimal(values, ContextKeys.THROTTLING_RATE_LIMIT).ifPresent(builder::throttlingRateLimit);
        integer(values, ContextKeys.THROTTLING_BURST_LIMIT).ifPresent(builder::throttlingBurstLimit);
        integer(values, ContextKeys.LOG_RETENTION_DAYS).map(SwitchboardContext::retention)
                .ifPresent(builder::logRetention);
        text(values, ContextKeys.REMOVAL_POLICY).ifPresent(v -> builder.dataRemoval(removal(v)));
        bool(values, ContextKeys.DELETION_PROTECTION).ifPresent(builder::deletionProtection);
        bool(values, ContextKeys.TRACING).ifPresent(builder::tracing);
        text(values, ContextKeys.ALARM_EMAIL).ifPresent(builder::alarmEmail);
        bool(values, ContextKeys.API_GATEWAY_LOGGING_ROLE).ifPresent(builder::apiGatewayLoggingRole);
        integer(values, ContextKeys.ROOM_SHARDS).ifPresent(builder::roomShards);
        bool(values, ContextKeys.FANOUT_ENABLED).ifPresent(builder::fanoutEnabled);
        integer(values, ContextKeys.FANOUT_THRESHOLD).ifPresent(builder::fanoutThreshold);
        integer(values, ContextKeys.FANOUT_MAX_CONCURRENCY).ifPresent(builder::fanoutMaxConcurrency);
        builder.quotas(quotasFrom(values));
        integer(values, ContextKeys.MAX_POSTS_PER_SECOND).ifPresent(builder::maxPostsPerSecond);
        text(values, ContextKeys.PUBLISHERS).ifPresent(list -> builder.publishers(Arrays.stream(list.split(",", -1))
                .map(String::trim).toList()));
        customDomainFrom(values).ifPresent(builder::customDomain);
        eventStreamFrom(values).ifPresent(builder::eventStream);
        builder.extensions(extensionsFrom(values));
        builder.auth(authFrom(values));
        text(values, ContextKeys.POLICY).ifPresent(value -> builder.policy(policy(value)));
        bool(values, ContextKeys.ALLOW_UNAUTHENTICATED_PRODUCTION).ifPresent(builder::allowUnauthenticatedProduction);
        bool(values, ContextKeys.ALLOW_OPEN_POLICY_PRODUCTION).ifPresent(builder::allowOpenPolicyProduction);
        return builder.build();
    }

    /** The application's functions named by ARN: routes, hooks and their timeouts. */
    private static Extensions extensionsFrom(Map<String, String> values) {
        Extensions extensions = Extensions.none();
        try {
            Optional<String> routes = text(values, ContextKeys.APPLICATION_ROUTES);
            if (routes.isPresent()) {
                for (String entry : routes.get().split(",")) {
                    int equals = entry.indexOf('=');
                    if (equals < 0) {
                        throw new IllegalArgumentException("expected name=functionArn pairs separated by commas");
                    }
                    extensions = extensions.withRoute(entry.substring(0, equals).trim(),
                            Extensions.Target.arn(entry.substring(equals + 1).trim()));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ContextKeys.APPLICATION_ROUTES + ": " + e.getMessage());
        }
        extensions = hook(values, ContextKeys.ON_CONNECT_HOOK).map(extensions::withOnConnect).orElse(extensions);
        extensions = hook(values, ContextKeys.ON_JOIN_HOOK).map(extensions::withOnJoin).orElse(extensions);
        extensions = hook(values, ContextKeys.ON_SEND_HOOK).map(extensions::withOnSend).orElse(extensions);
        try {
            Optional<Integer> routeTimeout = integer(values, ContextKeys.APPLICATION_ROUTE_TIMEOUT_MS);
            if (routeTimeout.isPresent()) {
                extensions = extensions.withRouteTimeout(java.time.Duration.ofMillis(routeTimeout.get()));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ContextKeys.APPLICATION_ROUTE_TIMEOUT_MS + ": " + e.getMessage());
        }
        try {
            Optional<Integer> hookTimeout = integer(values, ContextKeys.HOOK_TIMEOUT_MS);
            if (hookTimeout.isPresent()) {
                extensions = extensions.withHookTimeout(java.time.Duration.ofMillis(hookTimeout.get()));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ContextKeys.HOOK_TIMEOUT_MS + ": " + e.getMessage());
        }
        return extensions;
    }

    private static Optional<Extensions.Target> hook(Map<String, String> values, String key) {
        try {
            return text(values, key).map(Extensions.Target::arn);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    /** The defaults, with each limit a context key names replaced; a combination the core refuses names the keys. */
    private static Quotas quotasFrom(Map<String, String> values) {
        Quotas defaults = Quotas.defaults();
        try {
            return defaults
                    .withFrames(integer(values, ContextKeys.FRAME_RATE).orElse(defaults.frameRate()),
                            integer(values, ContextKeys.FRAME_BURST).orElse(defaults.frameBurst()))
                    .withConnectionsPerUser(integer(values, ContextKeys.CONNECTIONS_PER_USER)
                            .orElse(defaults.connectionsPerUser()))
                    .withPresencePostsPerDisconnect(integer(values, ContextKeys.PRESENCE_POSTS_PER_DISCONNECT)
                            .orElse(defaults.presencePostsPerDisconnect()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ContextKeys.FRAME_RATE + ", " + ContextKeys.FRAME_BURST + ", "
                    + ContextKeys.CONNECTIONS_PER_USER + ", " + ContextKeys.PRESENCE_POSTS_PER_DISCONNECT + ": "
                    + e.getMessage());
        }
    }

    /** The custom domain, when its name is given; its other keys alone are refused, as is a zone half given. */
    private static Optional<CustomDomain> customDomainFrom(Map<String, String> values) {
        Optional<String> name = text(values, ContextKeys.CUSTOM_DOMAIN_NAME);
        if (name.isEmpty()) {
            for (String key : ContextKeys.CUSTOM_DOMAIN_SETTINGS) {
                if (values.containsKey(key)) {
                    throw new IllegalArgumentException(key + " needs " + ContextKeys.CUSTOM_DOMAIN_NAME
                            + " (the host name clients connect to)");
                }
            }
            return Optional.empty();
        }
        Optional<String> zoneId = text(values, ContextKeys.CUSTOM_DOMAIN_HOSTED_ZONE_ID);
        Optional<String> zoneName = text(values, ContextKeys.CUSTOM_DOMAIN_HOSTED_ZONE_NAME);
        if (zoneId.isPresent() != zoneName.isPresent()) {
            throw new IllegalArgumentException("set " + ContextKeys.CUSTOM_DOMAIN_HOSTED_ZONE_ID + " and "
                    + ContextKeys.CUSTOM_DOMAIN_HOSTED_ZONE_NAME + " together: the zone's id and its domain name");
        }
        return Optional.of(new CustomDomain(name.get(), text(values, ContextKeys.CUSTOM_DOMAIN_CERTIFICATE_ARN),
                zoneId.map(id -> new CustomDomain.HostedZone(id, zoneName.get()))));
    }

    /** The event stream, when a bus is named; a source without a bus is refused. */
    private static Optional<EventStream> eventStreamFrom(Map<String, String> values) {
        Optional<String> bus = text(values, ContextKeys.EVENT_BUS);
        Optional<String> source = text(values, ContextKeys.EVENT_SOURCE);
        if (bus.isEmpty()) {
            if (source.isPresent()) {
                throw new IllegalArgumentException(ContextKeys.EVENT_SOURCE + " needs " + ContextKeys.EVENT_BUS
                        + " (the EventBridge bus the events go to)");
            }
            return Optional.empty();
        }
        EventStream stream = EventStream.toBus(bus.get());
        return Optional.of(source.map(stream::withSource).orElse(stream));
    }

    private static AuthSettings authFrom(Map<String, String> values) {
        String mode = text(values, ContextKeys.AUTH_MODE).map(m -> m.toLowerCase(Locale.ROOT)).orElse("jwt");
        AuthSettings auth = switch (mode) {
            case "off" -> {
                for (String key : ContextKeys.TOKEN_SETTINGS) {
                    if (values.containsKey(key)) {
                        throw new IllegalArgumentException(ContextKeys.AUTH_MODE + "=off cannot be combined with "
                                + key);
                    }
                }
                yield AuthSettings.off();
            }
            case "jwt" -> keySource(values);
            default -> throw new IllegalArgumentException(ContextKeys.AUTH_MODE + " must be 'jwt' or 'off', was '"
                    + mode + "'");
        };
        Optional<String> issuer = text(values, ContextKeys.JWT_ISSUER);
        if (issuer.isPresent()) {
            auth = auth.withIssuer(issuer.get());
        }
        Optional<String> audience = text(values, ContextKeys.JWT_AUDIENCE);
        if (audience.isPresent()) {
            auth = auth.withAudience(audience.get());
        }
        Optional<String> roomsClaim = text(values, ContextKeys.CAPABILITY_CLAIM);
        Optional<String> directClaim = text(values, ContextKeys.DIRECT_CLAIM);
        if (roomsClaim.isPresent() != directClaim.isPresent()) {
            throw new IllegalArgumentException("set " + ContextKeys.CAPABILITY_CLAIM + " and "
                    + ContextKeys.DIRECT_CLAIM + " together (the defaults are 'rooms' and 'direct')");
        }
        if (roomsClaim.isPresent()) {
            auth = auth.withClaims(roomsClaim.get(), directClaim.get());
        }
        Optional<String> tokenSource = text(values, ContextKeys.TOKEN_SOURCE);
        if (tokenSource.isPresent()) {
            auth = auth.withTokenSource(tokenSource(tokenSource.get()));
        }
        return auth;
    }

    /** Where the keys come from: a Cognito user pool, a JWKS URL, an existing secret, or a generated secret. */
    private static AuthSettings keySource(Map<String, String> values) {
        Optional<String> pool = text(values, ContextKeys.COGNITO_USER_POOL_ID);
        if (pool.isPresent()) {
            for (String key : List.of(ContextKeys.JWT_JWKS_URL, ContextKeys.JWT_SECRET_ARN, ContextKeys.JWT_ISSUER,
                    ContextKeys.JWT_AUDIENCE)) {
                if (values.containsKey(key)) {
                    throw new IllegalArgumentException(ContextKeys.COGNITO_USER_POOL_ID + " sets the JWKS URL,"
                            + " issuer and client check itself; it cannot be combined with " + key);
                }
            }
            Set<String> clientIds = text(values, ContextKeys.COGNITO_CLIENT_IDS)
                    .map(ids -> Arrays.stream(ids.split(",", -1)).map(String::trim)
                            .collect(Collectors.toCollection(LinkedHashSet::new)))
                    .orElse(new LinkedHashSet<>());
            AuthSettings cognito = AuthSettings.cognito(pool.get(), clientIds);
            Optional<String> tokenUse = text(values, ContextKeys.COGNITO_TOKEN_USE)
                    .map(use -> use.toLowerCase(Locale.ROOT));
            if (tokenUse.isPresent()) {
                if (!AuthSettings.isCognitoTokenUse(tokenUse.get())) {
                    throw new IllegalArgumentException(ContextKeys.COGNITO_TOKEN_USE + " must be 'access' or 'id',"
                            + " was '" + tokenUse.get() + "'");
                }
                cognito = cognito.withTokenUse(tokenUse.get());
            }
            return cognito;
        }
        for (String key : List.of(ContextKeys.COGNITO_CLIENT_IDS, ContextKeys.COGNITO_TOKEN_USE)) {
            if (values.containsKey(key)) {
                throw new IllegalArgumentException(key + " needs " + ContextKeys.COGNITO_USER_POOL_ID);
            }
        }
        Optional<String> jwks = text(values, ContextKeys.JWT_JWKS_URL);
        Optional<String> secret = text(values, ContextKeys.JWT_SECRET_ARN);
        if (jwks.isPresent() && secret.isPresent()) {
            throw new IllegalArgumentException("configure either " + ContextKeys.JWT_JWKS_URL + " or "
                    + ContextKeys.JWT_SECRET_ARN + ", not both");
        }
        if (jwks.isPresent()) {
            return AuthSettings.jwks(uri(ContextKeys.JWT_JWKS_URL, jwks.get()));
        }
        return secret.map(AuthSettings::secret).orElseGet(AuthSettings::generatedSecret);
    }

    static RetentionDays retention(int days) {
        RetentionDays retention = RETENTION.get(days);
        if (retention == null) {
            throw new IllegalArgumentException(ContextKeys.LOG_RETENTION_DAYS + " must be one of "
                    + RETENTION.keySet().stream().sorted().map(String::valueOf).collect(Collectors.joining(", "))
                    + ", was " + days);
        }
        return retention;
    }

    private static Map<Integer, RetentionDays> retentionByDays() {
        Map<Integer, RetentionDays> byDays = new LinkedHashMap<>();
        byDays.put(1, RetentionDays.ONE_DAY);
        byDays.put(3, RetentionDays.THREE_DAYS);
        byDays.put(5, RetentionDays.FIVE_DAYS);
        byDays.put(7, RetentionDays.ONE_WEEK);
        byDays.put(14, RetentionDays.TWO_WEEKS);
        byDays.put(30, RetentionDays.ONE_MONTH);
        byDays.put(60, RetentionDays.TWO_MONTHS);
        byDays.put(90, RetentionDays.THREE_MONTHS);
        byDays.put(120, RetentionDays.FOUR_MONTHS);
        byDays.put(150, RetentionDays.FIVE_MONTHS);
        byDays.put(180, RetentionDays.SIX_MONTHS);
        byDays.put(365, RetentionDays.ONE_YEAR);
        byDays.put(400, RetentionDays.THIRTEEN_MONTHS);
        byDays.put(545, RetentionDays.EIGHTEEN_MONTHS);
        byDays.put(731, RetentionDays.TWO_YEARS);
        byDays.put(1827, RetentionDays.FIVE_YEARS);
        byDays.put(3653, RetentionDays.TEN_YEARS);
        return Map.copyOf(byDays);
    }

    private static Optional<String> text(Map<String, String> values, String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** The value at {@code key} as a whole number, if present; a value that is not one is an error naming the key. */
    private static Optional<Integer> integer(Map<String, String> values, String key) {
        return number(values, key, Integer::parseInt, "a whole number");
    }

    private static Optional<Double> decimal(Map<String, String> values, String key) {
        return number(values, key, Double::parseDouble, "a number");
    }

    private static <T> Optional<T> number(Map<String, String> values, String key, Function<String, T> parse,
                                          String expected) {
        return text(values, key).map(value -> {
            try {
                return parse.apply(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be " + expected + ", was '" + value + "'");
            }
        });
    }

    private static Optional<Boolean> bool(Map<String, String> values, String key) {
        return text(values, key).map(value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, was '" + value + "'");
        });
    }

    private static URI uri(String key, String value) {
        try {
            return new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(key + " is not a valid URL: '" + value + "'");
        }
    }

    private static SwitchboardProps.DataRemoval removal(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "retain" -> SwitchboardProps.DataRemoval.RETAIN;
            case "destroy" -> SwitchboardProps.DataRemoval.DESTROY;
            default -> throw new IllegalArgumentException(ContextKeys.REMOVAL_POLICY
                    + " must be 'retain' or 'destroy', was '" + value + "'");
        };
    }

    /** A policy by the name the functions read ({@code claims} or {@code open}), checked where it is defined. */
    private static RoomPolicy policy(String value) {
        try {
            return RoomPolicy.named(value.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ContextKeys.POLICY + " must be 'claims' or 'open', was '" + value
                    + "'");
        }
    }

    private static AuthSettings.TokenSource tokenSource(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "header-or-query" -> AuthSettings.TokenSource.HEADER_OR_QUERY;
            case "query" -> AuthSettings.TokenSource.QUERY;
            case "header" -> AuthSettings.TokenSource.HEADER;
            default -> throw new IllegalArgumentException(ContextKeys.TOKEN_SOURCE
                    + " must be 'header-or-query', 'query' or 'header', was '" + value + "'");
        };
    }
}
