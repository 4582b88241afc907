package dev.switchboard.functions.config;

import dev.switchboard.config.EnvNames;
import dev.switchboard.core.ExtensionLimits;
import dev.switchboard.protocol.ApplicationRoutes;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The application's extensions a function calls, read once per container: the Lambda functions behind application
 * routes and hooks, and their timeouts. Each function is told only of the ones it calls (the stack grants exactly
 * those), so most read nothing here.
 *
 * <pre>{@code
 * ExtensionConfig extensions = ExtensionConfig.from(System.getenv());
 * extensions.onJoin();   // the onJoin hook's function ARN, when this is the join function of a stack with one
 * }</pre>
 *
 * @param routes         application route names and the ARN of the function behind each
 * @param routeTimeout   how long an application route's function may take
 * @param onConnect      the onConnect hook's function ARN
 * @param onJoin         the onJoin hook's function ARN
 * @param onSend         the onSend hook's function ARN
 * @param hookTimeout    how long a hook may take
 * @param lambdaEndpoint an endpoint to invoke functions at instead of Lambda's own (tests, emulators)
 */
public record ExtensionConfig(Map<String, String> routes, Duration routeTimeout, Optional<String> onConnect,
                              Optional<String> onJoin, Optional<String> onSend, Duration hookTimeout,
                              Optional<URI> lambdaEndpoint) {

    /** A Lambda function's ARN, optionally qualified by a version or alias. */
    static final Pattern FUNCTION_ARN = Pattern.compile(
            "arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?");

    public ExtensionConfig {
        routes = Map.copyOf(routes);
        Objects.requireNonNull(onConnect, "onConnect");
        Objects.requireNonNull(onJoin, "onJoin");
        Objects.requireNonNull(onSend, "onSend");
        Objects.requireNonNull(lambdaEndpoint, "lambdaEndpoint");
        try {
            ExtensionLimits.requireRouteTimeout(routeTimeout);
            ExtensionLimits.requireHookTimeout(hookTimeout);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(EnvNames.APPLICATION_ROUTE_TIMEOUT_MS + "/" + EnvNames.HOOK_TIMEOUT_MS
                    + ": " + e.getMessage());
        }
        routes.forEach((name, arn) -> {
            ApplicationRoutes.problem(name).ifPresent(problem -> {
                throw new ConfigurationException(EnvNames.APPLICATION_ROUTES + ": " + problem);
            });
            requireArn(EnvNames.APPLICATION_ROUTES + " (" + name + ")", arn);
        });
        onConnect.ifPresent(arn -> requireArn(EnvNames.HOOK_ON_CONNECT, arn));
        onJoin.ifPresent(arn -> requireArn(EnvNames.HOOK_ON_JOIN, arn));
        onSend.ifPresent(arn -> requireArn(EnvNames.HOOK_ON_SEND, arn));
    }

    /** No extensions: what every function without any is told. */
    public static ExtensionConfig none() {
        return new ExtensionConfig(Map.of(), ExtensionLimits.DEFAULT_ROUTE_TIMEOUT, Optional.empty(),
                Optional.empty(), Optional.empty(), ExtensionLimits.DEFAULT_HOOK_TIMEOUT, Optional.empty());
    }

    /** Reads the extensions from an environment map such as {@code System.getenv()}. */
    public static ExtensionConfig from(Map<String, String> env) {
        Map<String, String> routes = new LinkedHashMap<>();
        String listed = env.get(EnvNames.APPLICATION_ROUTES);
        if (listed != null && !listed.isBlank()) {
            for (String entry : listed.split(",")) {
                int equals = entry.indexOf('=');
                if (equals < 0) {
                    throw new ConfigurationException(EnvNames.APPLICATION_ROUTES
                            + " must list name=functionArn pairs separated by commas");
                }
                String name = entry.substring(0, equals).trim();
                if (routes.put(name, entry.substring(equals + 1).trim()) != null) {
                    throw new ConfigurationException(EnvNames.APPLICATION_ROUTES + " names '" + name + "' twice");
                }
            }
        }
        Optional<URI> endpoint = text(env, EnvNames.LAMBDA_ENDPOINT).map(value -> {
            URI uri = URI.create(value);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new ConfigurationException(EnvNames.LAMBDA_ENDPOINT + " must be an absolute http(s) URL");
            }
            return uri;
        });
        return new ExtensionConfig(routes,
                millis(env, EnvNames.APPLICATION_ROUTE_TIMEOUT_MS, ExtensionLimits.DEFAULT_ROUTE_TIMEOUT),
                text(env, EnvNames.HOOK_ON_CONNECT), text(env, EnvNames.HOOK_ON_JOIN), text(env, EnvNames.HOOK_ON_SEND),
                millis(env, EnvNames.HOOK_TIMEOUT_MS, ExtensionLimits.DEFAULT_HOOK_TIMEOUT), endpoint);
    }

    /** Whether any hook is configured. */
    public boolean hasHooks() {
        return onConnect.isPresent() || onJoin.isPresent() || onSend.isPresent();
    }

    private static void requireArn(String variable, String arn) {
        if (!FUNCTION_ARN.matcher(arn).matches()) {
            throw new ConfigurationException(variable + " must be a Lambda function ARN (arn:aws:lambda:<region>:"
                    + "<account>:function:<name>)");
        }
    }

    private static Optional<String> text(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    private static Duration millis(Map<String, String> env, String name, Duration fallback) {
        Optional<String> value = text(env, name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Duration.ofMillis(Long.parseLong(value.get()));
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be a whole number of milliseconds, was '" + value.get()
                    + "'");
        }
    }
}
