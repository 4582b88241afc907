package dev.switchboard.infra;

import dev.switchboard.config.EnvNames;
import dev.switchboard.functions.Handlers;
import dev.switchboard.protocol.Route;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

/**
 * The application's own functions in the stack ({@link Extensions}): each hook is named to the one route function
 * that consults it (and only that function may invoke it), and the application routes get one function of the
 * stack's ({@link Handlers#APPLICATION_ROUTES}) that may invoke exactly the application's functions behind them.
 *
 * <p>Not a construct of its own, as {@link TableEventStream} is not: what it makes is made in the stack, and
 * nothing at all when the application has no extensions, so such a stack's template does not change.
 */
final class ApplicationExtensions {

    /** Which route's function calls which hook, and the variable that names the hook's function to it. */
    private static final Map<Route, String> HOOK_VARIABLES = Map.of(Route.CONNECT, EnvNames.HOOK_ON_CONNECT,
            Route.JOIN, EnvNames.HOOK_ON_JOIN, Route.SEND, EnvNames.HOOK_ON_SEND);

    private final Construct scope;
    private final Extensions extensions;
    private final Map<Route, IFunction> hooks = new EnumMap<>(Route.class);

    /** Resolves the hooks configured, by the route whose function calls each. */
    ApplicationExtensions(Construct scope, Extensions extensions) {
        this.scope = scope;
        this.extensions = extensions;
        extensions.onConnect().ifPresent(target -> hooks.put(Route.CONNECT, target.resolve(scope, "OnConnectHook")));
        extensions.onJoin().ifPresent(target -> hooks.put(Route.JOIN, target.resolve(scope, "OnJoinHook")));
        extensions.onSend().ifPresent(target -> hooks.put(Route.SEND, target.resolve(scope, "OnSendHook")));
    }

    /** Whether the application has any route or hook: their failures are then alarmed. */
    boolean any() {
        return !extensions.routes().isEmpty() || !hooks.isEmpty();
    }

    /** The environment of a route's function: the routes' own, and its hook's function and timeout if it has one. */
    Map<String, String> environment(Route route, Map<String, String> routeEnvironment) {
        IFunction hook = hooks.get(route);
        if (hook == null) {
            return routeEnvironment;
        }
        Map<String, String> environment = new LinkedHashMap<>(routeEnvironment);
        environment.put(HOOK_VARIABLES.get(route), hook.getFunctionArn());
        environment.put(EnvNames.HOOK_TIMEOUT_MS, Long.toString(extensions.hookTimeout().toMillis()));
        return environment;
    }

    /** Lets a route's function invoke its hook, when it has one. */
    void grantHook(Route route, SwitchboardFunction function) {
        IFunction hook = hooks.get(route);
        if (hook != null) {
            grantInvoke(function, List.of(hook));
        }
    }

    /**
     * The one function serving every application route, told which function answers each, allowed to invoke
     * exactly those, and the routes on the API; nothing when the application has none.
     */
    Optional<SwitchboardFunction> applicationRoutes(WebSocketApi api, Map<String, String> routeEnvironment,
                                                    SwitchboardFunction.Shared shared, Duration timeout) {
        if (extensions.routes().isEmpty()) {
            return Optional.empty();
        }
        Map<String, IFunction> targets = new LinkedHashMap<>();
        extensions.routes().forEach((name, target) ->
                targets.put(name, target.resolve(scope, "ApplicationRoute-" + name + "-Target")));
        Map<String, String> environment = new LinkedHashMap<>(routeEnvironment);
        environment.put(EnvNames.APPLICATION_ROUTES, String.join(",", targets.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue().getFunctionArn()).toList()));
        environment.put(EnvNames.APPLICATION_ROUTE_TIMEOUT_MS, Long.toString(extensions.routeTimeout().toMillis()));
        SwitchboardFunction function = new SwitchboardFunction(scope, new SwitchboardFunction.Props(
                "ApplicationRoutes", Handlers.lambdaHandler(Handlers.APPLICATION_ROUTES),
                "Switchboard application routes: each call answered by the application's function", timeout,
                RouteAccess.APPLICATION_ROUTE, environment), shared);
        grantInvoke(function, List.copyOf(targets.values()));
        WebSocketRoutes.addApplicationRoutes(api, targets.keySet(), function.alias());
        return Optional.of(function);
    }

    /** Lets one of the stack's functions invoke exactly these functions of the application, and nothing else. */
    private static void grantInvoke(SwitchboardFunction caller, List<IFunction> targets) {
        caller.function().addToRolePolicy(PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("lambda:InvokeFunction"))
                .resources(targets.stream().map(IFunction::getFunctionArn).toList())
                .build());
    }
}
