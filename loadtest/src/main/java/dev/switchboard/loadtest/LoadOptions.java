package dev.switchboard.loadtest;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of a load run.
 *
 * <pre>{@code
 * ./switchboard loadtest --url wss://…/prod --token $JWT --connections 2000 --rooms 20 --rate 200 --duration 60
 * }</pre>
 *
 * @param url         target WebSocket URL; empty means "start the local stack in-process"
 * @param rampPerSecond new connections per second (AWS's default account limit is 500)
 */
public record LoadOptions(Optional<URI> url, Optional<String> token, int connections, int rooms, int rate,
                          Duration duration, int rampPerSecond, Path reportDirectory) {

    public static final String USAGE = """
            usage: ./switchboard loadtest [--url WS_URL] [--token JWT] [--connections N] [--rooms R]
                                          [--rate MESSAGES_PER_SECOND] [--duration SECONDS] [--ramp PER_SECOND]
                                          [--report DIR]
              without --url the local stack is started in-process
            """;

    public LoadOptions {
        if (connections < 1 || rooms < 1 || rooms > connections || rate < 1 || rampPerSecond < 1
                || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("need connections >= rooms >= 1, rate >= 1, ramp >= 1, duration > 0");
        }
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Optional.empty(), Optional.empty(), 200, 10, 50, Duration.ofSeconds(10), 500,
                Path.of("loadtest/target/report"));
    }

    public static LoadOptions parse(String... args) {
        LoadOptions o = defaults();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = i + 1 < args.length ? args[++i] : null;
            if (value == null) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            o = switch (flag) {
                case "--url" -> new LoadOptions(Optional.of(URI.create(value)), o.token, o.connections, o.rooms,
                        o.rate, o.duration, o.rampPerSecond, o.reportDirectory);
                case "--token" -> new LoadOptions(o.url, Optional.of(value), o.connections, o.rooms, o.rate,
                        o.duration, o.rampPerSecond, o.reportDirectory);
                case "--connections" -> new LoadOptions(o.url, o.token, Integer.parseInt(value), o.rooms, o.rate,
                        o.duration, o.rampPerSecond, o.reportDirectory);
                case "--rooms" -> new LoadOptions(o.url, o.token, o.connections, Integer.parseInt(value), o.rate,
                        o.duration, o.rampPerSecond, o.reportDirectory);
                case "--rate" -> new LoadOptions(o.url, o.token, o.connections, o.rooms, Integer.parseInt(value),
                        o.duration, o.rampPerSecond, o.reportDirectory);
                case "--duration" -> new LoadOptions(o.url, o.token, o.connections, o.rooms, o.rate,
                        Duration.ofSeconds(Long.parseLong(value)), o.rampPerSecond, o.reportDirectory);
                case "--ramp" -> new LoadOptions(o.url, o.token, o.connections, o.rooms, o.rate, o.duration,
                        Integer.parseInt(value), o.reportDirectory);
                case "--report" -> new LoadOptions(o.url, o.token, o.connections, o.rooms, o.rate, o.duration,
                        o.rampPerSecond, Path.of(value));
                default -> throw new IllegalArgumentException("unknown flag '" + flag + "'");
            };
        }
        return o;
    }
}
