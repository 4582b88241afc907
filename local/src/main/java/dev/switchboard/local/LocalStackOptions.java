package dev.switchboard.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the local stack, from command-line flags.
 *
 * <pre>{@code
 * ./switchboard local --port 3001 --stage local --db-file .switchboard-data --auth
 * }</pre>
 *
 * @param jwtSecret HS256 secret when auth is on; generated when absent
 */
public record LocalStackOptions(String host, int port, String stage, Optional<Path> dataDirectory, boolean auth,
                                Optional<String> jwtSecret, String table, Duration idleTimeout,
                                Duration maxLifetime) {

    public static final String USAGE = """
            usage: ./switchboard local [--port N] [--stage NAME] [--host ADDRESS] [--db-file DIR] [--auth]
                                       [--jwt-secret SECRET] [--table NAME]
              --port        WebSocket and management API port (default 3001; 0 picks a free one)
              --stage       stage name in the URLs (default local)
              --host        address to listen on (default 127.0.0.1)
              --db-file     keep DynamoDB Local's data in this directory (default: in memory)
              --auth        require a JWT on $connect (HS256; a secret is generated unless --jwt-secret)
              --table       DynamoDB table name (default switchboard-local)
            """;

    public LocalStackOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(jwtSecret, "jwtSecret");
        Objects.requireNonNull(table, "table");
        if (jwtSecret.isPresent() && jwtSecret.get().length() < 32) {
            throw new IllegalArgumentException("--jwt-secret must be at least 32 characters");
        }
    }

    public static LocalStackOptions defaults() {
        return new LocalStackOptions("127.0.0.1", 3001, "local", Optional.empty(), false, Optional.empty(),
                "switchboard-local", Duration.ofMinutes(10), Duration.ofHours(2));
    }

    /** Parses flags; throws {@link IllegalArgumentException} with a message naming the bad flag. */
    public static LocalStackOptions parse(String... args) {
        LocalStackOptions o = defaults();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--auth" -> o = o.withAuth(true);
                case "--port" -> o = o.withPort(intValue(flag, value(args, ++i, flag)));
                case "--stage" -> o = new LocalStackOptions(o.host, o.port, value(args, ++i, flag), o.dataDirectory,
                        o.auth, o.jwtSecret, o.table, o.idleTimeout, o.maxLifetime);
                case "--host" -> o = new LocalStackOptions(value(args, ++i, flag), o.port, o.stage, o.dataDirectory,
                        o.auth, o.jwtSecret, o.table, o.idleTimeout, o.maxLifetime);
                case "--db-file" -> o = new LocalStackOptions(o.host, o.port, o.stage,
                        Optional.of(Path.of(value(args, ++i, flag))), o.auth, o.jwtSecret, o.table, o.idleTimeout,
                        o.maxLifetime);
                case "--jwt-secret" -> o = new LocalStackOptions(o.host, o.port, o.stage, o.dataDirectory, true,
                        Optional.of(value(args, ++i, flag)), o.table, o.idleTimeout, o.maxLifetime);
                case "--table" -> o = new LocalStackOptions(o.host, o.port, o.stage, o.dataDirectory, o.auth,
                        o.jwtSecret, value(args, ++i, flag), o.idleTimeout, o.maxLifetime);
                default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
            }
        }
        return o;
    }

    public LocalStackOptions withPort(int value) {
        return new LocalStackOptions(host, value, stage, dataDirectory, auth, jwtSecret, table, idleTimeout,
                maxLifetime);
    }

    public LocalStackOptions withAuth(boolean value) {
        return new LocalStackOptions(host, port, stage, dataDirectory, value, jwtSecret, table, idleTimeout,
                maxLifetime);
    }

    public LocalStackOptions withJwtSecret(String value) {
        return new LocalStackOptions(host, port, stage, dataDirectory, true, Optional.of(value), table, idleTimeout,
                maxLifetime);
    }

    public LocalStackOptions withTimeouts(Duration idle, Duration lifetime) {
        return new LocalStackOptions(host, port, stage, dataDirectory, auth, jwtSecret, table, idle, lifetime);
    }

    private static String value(String[] args, int index, String flag) {
        if (index >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[index];
    }

    private static int intValue(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, got '" + value + "'");
        }
    }
}
