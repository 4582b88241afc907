package dev.switchboard.infra;

import dev.switchboard.core.ExtensionLimits;
import dev.switchboard.protocol.ApplicationRoutes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

/**
 * The application's own functions the stack wires in: application routes (actions the application adds, each
 * answered by its function) and the hooks Switchboard consults on connect, join and send. Each is a function the
 * application owns, given as an {@link IFunction} in code or by its ARN in CDK context; the stack grants
 * {@code lambda:InvokeFunction} on exactly that function to exactly the Switchboard function that calls it.
 *
 * <pre>{@code
 * Extensions extensions = Extensions.none()
 *         .withRoute("typing", Extensions.Target.of(typingFunction))
 *         .withOnJoin(Extensions.Target.of(onJoinFunction));
 * }</pre>
 *
 * @param routes       application route names and their functions; a name that collides with one of Switchboard's
 *                     routes, starts with {@code $} or is not {@code [A-Za-z][A-Za-z0-9_-]{0,63}} is refused
 * @param onConnect    consulted by {@code $connect} after the authorizer
 * @param onJoin       consulted by {@code join}
 * @param onSend       consulted by {@code send}
 * @param routeTimeout how long an application route's function may take
 * @param hookTimeout  how long a hook may take
 */
public record Extensions(Map<String, Target> routes, Optional<Target> onConnect, Optional<Target> onJoin,
                         Optional<Target> onSend, Duration routeTimeout, Duration hookTimeout) {

    /** A Lambda function's ARN, optionally qualified (as the functions' configuration accepts it). */
    private static final Pattern FUNCTION_ARN = Pattern.compile(
            "arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?");

    /** One of the application's functions: given in code, or named by ARN (CDK context). */
    public sealed interface Target {
        /** The function, in the stack's scope. */
        IFunction resolve(Construct scope, String id);

        static Target of(IFunction function) {
            return new Given(function);
        }

        /**
         * @throws IllegalArgumentException for something that is not a Lambda function ARN
         */
        static Target arn(String arn) {
            return new Arn(arn);
        }

        record Given(IFunction function) implements Target {
            public Given {
                Objects.requireNonNull(function, "function");
            }

            @Override
            public IFunction resolve(Construct scope, String id) {
                return function;
            }
        }

        record Arn(String arn) implements Target {
            public Arn {
                if (arn == null || !FUNCTION_ARN.matcher(arn).matches()) {
                    throw new IllegalArgumentException("not a Lambda function ARN (arn:aws:lambda:<region>:<account>:"
                            + "function:<name>): '" + arn + "'");
                }
            }

            @Override
            public IFunction resolve(Construct scope, String id) {
                return Function.fromFunctionArn(scope, id, arn);
            }
        }
    }

    public Extensions {
        routes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(routes));
        Objects.requireNonNull(onConnect, "onConnect");
        Objects.requireNonNull(onJoin, "onJoin");
        Objects.requireNonNull(onSend, "onSend");
        routes.forEach((name, target) -> {
            ApplicationRoutes.problem(name).ifPresent(problem -> {
                throw new IllegalArgumentException("routes: " + problem);
            });
            Objects.requireNonNull(target, "the function of route " + name);
        });
        ExtensionLimits.requireRouteTimeout(routeTimeout);
        ExtensionLimits.requireHookTimeout(hookTimeout);
    }

    /** No routes, no hooks, the default timeouts. */
    public static Extensions none() {
        return new Extensions(Map.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                ExtensionLimits.DEFAULT_ROUTE_TIMEOUT, ExtensionLimits.DEFAULT_HOOK_TIMEOUT);
    }

    public Extensions withRoutes(Map<String, Target> value) {
        return new Extensions(value, onConnect, onJoin, onSend, routeTimeout, hookTimeout);
    }

    public Extensions withRoute(String name, Target target) {
        Map<String, Target> more = new LinkedHashMap<>(routes);
        if (more.put(name, target) != null) {
            throw new IllegalArgumentException("routes: '" + name + "' is given twice");
        }
        return withRoutes(more);
    }

    public Extensions withOnConnect(Target value) {
        return new Extensions(routes, Optional.of(value), onJoin, onSend, routeTimeout, hookTimeout);
    }

    public Extensions withOnJoin(Target value) {
        return new Extensions(routes, onConnect, Optional.of(value), onSend, routeTimeout, hookTimeout);
    }

    public Extensions withOnSend(Target value) {
        return new Extensions(routes, onConnect, onJoin, Optional.of(value), routeTimeout, hookTimeout);
    }

    public Extensions withRouteTimeout(Duration value) {
        return new Extensions(routes, onConnect, onJoin, onSend, value, hookTimeout);
    }

    public Extensions withHookTimeout(Duration value) {
        return new Extensions(routes, onConnect, onJoin, onSend, routeTimeout, value);
    }
}
