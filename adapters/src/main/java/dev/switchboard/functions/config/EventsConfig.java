package dev.switchboard.functions.config;

import dev.switchboard.config.EnvNames;
import dev.switchboard.functions.aws.TableEvents;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the events function reads from its environment, once per container.
 *
 * <pre>{@code
 * EventsConfig config = EventsConfig.from(System.getenv());
 * }</pre>
 *
 * @param bus    the EventBridge bus, by name or ARN
 * @param source the events' {@code source}
 * @param region AWS region
 */
public record EventsConfig(String bus, String source, String region) {

    /** A bus name (as EventBridge allows it) or a bus ARN. */
    private static final Pattern BUS = Pattern.compile(
            "[\\w.-]{1,256}|arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:event-bus/[\\w.-]{1,256}");
    /** What a {@code source} may hold; {@code aws.} starts AWS's own sources, which EventBridge keeps for them. */
    private static final Pattern SOURCE = Pattern.compile("[\\w./-]{1,256}");

    public EventsConfig {
        Objects.requireNonNull(region, "region");
        if (bus == null || !BUS.matcher(bus).matches()) {
            throw new ConfigurationException(EnvNames.EVENT_BUS + " must be an EventBridge bus name or ARN, was '"
                    + bus + "'");
        }
        if (source == null || !SOURCE.matcher(source).matches() || source.startsWith("aws.")) {
            throw new ConfigurationException(EnvNames.EVENT_SOURCE + " must be 1-256 letters, digits, '.', '_', '-'"
                    + " or '/', not starting with 'aws.', was '" + source + "'");
        }
    }

    public static EventsConfig from(Map<String, String> env) {
        return new EventsConfig(value(env, EnvNames.EVENT_BUS).orElse(null),
                value(env, EnvNames.EVENT_SOURCE).orElse(TableEvents.DEFAULT_SOURCE),
                value(env, EnvNames.REGION).orElse("us-east-1"));
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }
}
