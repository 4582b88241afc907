package dev.switchboard.local;

import dev.switchboard.core.Quotas;
import dev.switchboard.core.RoomSharding;
import dev.switchboard.protocol.Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the local stack, from command-line flags.
 *
 * <pre>{@code
 * ./switchboard local --port 3001 --stage local --db-file .switchboard-data --auth
 * ./switchboard local --room-shards 8 --fanout-workers 8 --fanout-threshold 2000 --post-latency-ms 15
 * ./switchboard local --allow-origin http://localhost:5173 --frame-rate 50 --frame-burst 100
 * }</pre>
 *
 * @param jwtSecret       HS256 secret when auth is on; generated when absent
 * @param roomShards      partitions each room's membership is spread over (as {@code SWITCHBOARD_ROOM_SHARDS})
 * @param fanoutWorkers   concurrent fan-out worker invocations (the fan-out queue's maximum concurrency)
 * @param fanoutThreshold room size from which broadcasts go through the fan-out workers
 * @param postLatency     added to every {@code @connections} answer, standing in for the network round trip to
 *                        API Gateway in AWS (zero by default)
 * @param memoryStore     keep connections, rooms and history in memory instead of DynamoDB Local: starts faster
 *                        and takes more messages per second, but leaves the DynamoDB adapters out
 * @param policy          {@code claims} (deny unless the token grants it) or {@code open}; by default claims with
 *                        {@code auth} and open without (there are no tokens to grant anything then)
 * @param overHttp        the handlers' SDK clients reach DynamoDB Local and the {@code @connections} API over HTTP,
 *                        as they reach DynamoDB and API Gateway in AWS, instead of in-process (same adapters and
 *                        SDK clients either way; HTTP is slower, and the way to exercise the SDK's transport)
 * @param allowedHosts    host names the gateway answers to besides localhost, 127.0.0.1, [::1] and its listening
 *                        address (the {@code Host} check keeps pages re-bound to 127.0.0.1 by DNS out)
 * @param allowedOrigins  web origins whose pages may use the stack besides its own demo page's
 * @param quotas          what one client may cost the stack (frames per connection, connections per user), passed
 *                        to the functions as their environment, as the deployment sets it
 */
public record LocalRuntimeOptions(String host, int port, String stage, Optional<Path> dataDirectory, boolean auth,
                                Optional<String> jwtSecret, String table, Duration idleTimeout,
                                Duration maxLifetime, int roomShards, int fanoutWorkers, int fanoutThreshold,
                                Duration postLatency, boolean memoryStore, String policy, boolean overHttp,
                                List<String> allowedHosts, List<String> allowedOrigins, Quotas quotas) {

    public static final String USAGE = """
            usage: ./switchboard local [--port N] [--stage NAME] [--host ADDRESS] [--db-file DIR] [--auth]
                                       [--policy claims|open] [--jwt-secret SECRET] [--table NAME] [--room-shards N]
                                       [--fanout-workers N] [--fanout-threshold N] [--post-latency-ms N]
                                       [--store dynamodb|memory] [--transport in-process|http]
                                       [--allow-origin ORIGIN] [--allow-host NAME] [--frame-rate N]
                                       [--frame-burst N] [--connections-per-user N] [--events URL|stdout]
              --port              WebSocket and management API port (default 3001; 0 picks a free one)
              --stage             stage name in the URLs (default local)
              --host              address to listen on (default 127.0.0.1)
              --db-file           keep DynamoDB Local's data in this directory (default: in memory)
              --auth              require a JWT on $connect (HS256; a secret is generated unless --jwt-secret);
                                  rooms are then denied unless the token's capabilities grant them
              --policy            claims or open: who may do what in which room (default: claims with --auth,
                                  open without; open lets every connection do everything)
              --table             DynamoDB table name (default switchboard-local)
              --room-shards       partitions per room's membership, as deployed (default %d, at most %d)
              --fanout-workers    parallel fan-out workers for big rooms (default 4; used with --room-shards > 1)
              --fanout-threshold  room size from which the fan-out workers deliver (default %d)
              --post-latency-ms   delay every @connections answer, like the network in AWS (default 0)
              --store             dynamodb (DynamoDB Local, as deployed; default) or memory (faster, no DynamoDB)
              --transport         how the handlers' SDK clients reach DynamoDB Local and @connections:
                                  in-process (default) or http (over loopback, as in AWS; slower)
              --allow-origin      a web origin (http://localhost:5173) whose pages may use the stack besides its
                                  own; repeat or separate with commas (default: the stack's own origin only)
              --allow-host        a host name the stack answers to besides localhost, 127.0.0.1, [::1] and the
                                  --host address; repeat or separate with commas
              --frame-rate        frames per second one connection may send on average (default %d)
              --frame-burst       frames one connection may send at once (default %d)
              --connections-per-user  open connections one user may hold (default %d)
              --events            send the table's events (messages, joins, leaves, connects, disconnects) as
                                  JSON: POSTed to an http(s) URL of yours, or one line each on stdout
            """.formatted(RoomSharding.DEFAULT_SHARDS, RoomSharding.MAX_SHARDS, RoomSharding.DEFAULT_FANOUT_THRESHOLD,
            Quotas.DEFAULT_FRAME_RATE, Quotas.DEFAULT_FRAME_BURST, Quotas.DEFAULT_CONNECTIONS_PER_USER);

    public LocalRuntimeOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(jwtSecret, "jwtSecret");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        Objects.requireNonNull(postLatency, "postLatency");
        if (jwtSecret.isPresent() && jwtSecret.get().length() < 32) {
            throw new IllegalArgumentException("--jwt-secret must be at least 32 characters");
        }
        if (roomShards < 1 || roomShards > RoomSharding.MAX_SHARDS) {
            throw new IllegalArgumentException("--room-shards must be between 1 and " + RoomSharding.MAX_SHARDS);
        }
        if (fanoutWorkers < 1 || fanoutWorkers > 256) {
            throw new IllegalArgumentException("--fanout-workers must be between 1 and 256");
        }
        if (fanoutThreshold < 1) {
            throw new IllegalArgumentException("--fanout-threshold must be at least 1");
        }
        if (policy != null && !policy.equals("claims") && !policy.equals("open")) {
            throw new IllegalArgumentException("--policy must be 'claims' or 'open'");
        }
        if (postLatency.isNegative() || postLatency.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("--post-latency-ms must be between 0 and 10000");
        }
        Objects.requireNonNull(quotas, "quotas");
        allowedHosts = List.copyOf(allowedHosts);
        allowedOrigins = List.copyOf(allowedOrigins);
        for (String name : allowedHosts) {
            try {
                LocalAccess.hostName(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--allow-host takes host names: " + e.getMessage());
            }
        }
        for (String origin : allowedOrigins) {
            try {
                LocalAccess.normalizeOrigin(origin);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--allow-origin takes origins: " + e.getMessage());
            }
        }
    }

    public static LocalRuntimeOptions defaults() {
        return new LocalRuntimeOptions("127.0.0.1", 3001, "local", Optional.empty(), false, Optional.empty(),
                "switchboard-local", Limits.IDLE_TIMEOUT, Limits.MAX_CONNECTION_LIFETIME, RoomSharding.DEFAULT_SHARDS, 4,
                RoomSharding.DEFAULT_FANOUT_THRESHOLD, Duration.ZERO, false, null, false, List.of(), List.of(),
                Quotas.defaults());
    }

    /** Parses flags; throws {@link IllegalArgumentException} with a message naming the bad flag. */
    public static LocalRuntimeOptions parse(String... args) {
        LocalRuntimeOptions o = defaults();
        Integer frameRate = null;
        Integer frameBurst = null;
        Integer connectionsPerUser = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            o = switch (flag) {
                case "--auth" -> o.withAuth(true);
                case "--policy" -> o.withPolicy(value(args, ++i, flag));
                case "--port" -> o.withPort(intValue(flag, value(args, ++i, flag)));
                case "--stage" -> o.withStage(value(args, ++i, flag));
                case "--host" -> o.withHost(value(args, ++i, flag));
                case "--db-file" -> o.withDataDirectory(Path.of(value(args, ++i, flag)));
                case "--jwt-secret" -> o.withJwtSecret(value(args, ++i, flag));
                case "--table" -> o.withTable(value(args, ++i, flag));
                case "--room-shards" -> o.withRoomShards(intValue(flag, value(args, ++i, flag)));
                case "--fanout-workers" -> o.withFanout(intValue(flag, value(args, ++i, flag)), o.fanoutThreshold);
                case "--fanout-threshold" -> o.withFanout(o.fanoutWorkers, intValue(flag, value(args, ++i, flag)));
                case "--post-latency-ms" ->
                        o.withPostLatency(Duration.ofMillis(intValue(flag, value(args, ++i, flag))));
                case "--store" -> o.withMemoryStore(switch (value(args, ++i, flag)) {
                    case "memory" -> true;
                    case "dynamodb" -> false;
                    default -> throw new IllegalArgumentException("--store must be 'dynamodb' or 'memory'");
                });
                case "--transport" -> o.withOverHttp(switch (value(args, ++i, flag)) {
                    case "http" -> true;
                    case "in-process" -> false;
                    default -> throw new IllegalArgumentException("--transport must be 'in-process' or 'http'");
                });
                case "--allow-origin" -> o.withAllowedOrigins(more(o.allowedOrigins, value(args, ++i, flag)));
                case "--allow-host" -> o.withAllowedHosts(more(o.allowedHosts, value(args, ++i, flag)));
                case "--frame-rate" -> {
                    frameRate = intValue(flag, value(args, ++i, flag));
                    yield o;
                }
                case "--frame-burst" -> {
                    frameBurst = intValue(flag, value(args, ++i, flag));
                    yield o;
                }
                case "--connections-per-user" -> {
                    connectionsPerUser = intValue(flag, value(args, ++i, flag));
                    yield o;
                }
                default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
            };
        }
        return o.withQuotas(quotas(o.quotas, frameRate, frameBurst, connectionsPerUser));
    }

    public LocalRuntimeOptions withPort(int value) {
        return new LocalRuntimeOptions(host, value, stage, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withStage(String value) {
        return new LocalRuntimeOptions(host, port, value, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withHost(String value) {
        return new LocalRuntimeOptions(value, port, stage, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withDataDirectory(Path value) {
        return new LocalRuntimeOptions(host, port, stage, Optional.of(value), auth, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withAuth(boolean value) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, value, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withJwtSecret(String value) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, true, Optional.of(value), table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withTable(String value) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, auth, jwtSecret, value, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withTimeouts(Duration idle, Duration lifetime) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, auth, jwtSecret, table, idle, lifetime,
                roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withRoomShards(int value) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime, value, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withFanout(int workers, int threshold) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, workers, threshold, postLatency, memoryStore, policy, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withPostLatency(Duration value) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, value, memoryStore, policy, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withMemoryStore(boolean value) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, value, policy, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withPolicy(String value) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, value, overHttp,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withOverHttp(boolean value) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, value,
                allowedHosts, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withAllowedHosts(List<String> value) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, overHttp,
                value, allowedOrigins, quotas);
    }

    public LocalRuntimeOptions withAllowedOrigins(List<String> value) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, overHttp,
                allowedHosts, value, quotas);
    }

    public LocalRuntimeOptions withQuotas(Quotas value) {
        return new LocalRuntimeOptions(host, port, stage, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime, roomShards, fanoutWorkers, fanoutThreshold, postLatency, memoryStore, policy, overHttp,
                allowedHosts, allowedOrigins, value);
    }

    /** The policy in force: as set, else claims with authentication and open without. */
    public String effectivePolicy() {
        return policy != null ? policy : auth ? "claims" : "open";
    }

    private static String value(String[] args, int index, String flag) {
        if (index >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[index];
    }

    /** The values so far and a flag's value, which may list several separated by commas. */
    private static List<String> more(List<String> values, String flagValue) {
        List<String> all = new ArrayList<>(values);
        Arrays.stream(flagValue.split(",")).map(String::strip).filter(v -> !v.isEmpty()).forEach(all::add);
        return all;
    }

    /**
     * The quotas with the flags given (null: not given). A rate given without a burst gets a burst of twice the rate
     * (as the defaults have it), or the default burst if that is more.
     */
    private static Quotas quotas(Quotas quotas, Integer frameRate, Integer frameBurst, Integer connectionsPerUser) {
        int rate = frameRate == null ? quotas.frameRate() : frameRate;
        int burst = frameBurst != null ? frameBurst
                : frameRate == null ? quotas.frameBurst() : Math.max(quotas.frameBurst(), 2 * rate);
        try {
            return quotas.withFrames(rate, burst).withConnectionsPerUser(
                    connectionsPerUser == null ? quotas.connectionsPerUser() : connectionsPerUser);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--frame-rate, --frame-burst, --connections-per-user: "
                    + e.getMessage());
        }
    }

    private static int intValue(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, got '" + value + "'");
        }
    }
}
