package dev.switchboard.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The route table: every WebSocket route Switchboard serves and the Lambda handler class behind it.
 *
 * <p>This enum is the single source of truth. The CDK stack creates one API Gateway route (and one function)
 * per constant, the local emulator dispatches through it, and a test checks every handler class resolves.
 *
 * <pre>{@code
 * Route route = Route.select(body);          // $request.body.action, as API Gateway does
 * String handler = route.handlerClass();     // "dev.switchboard.functions.SendHandler"
 * }</pre>
 */
public enum Route {
    CONNECT("$connect", Kind.CONNECT, "ConnectHandler"),
    DISCONNECT("$disconnect", Kind.DISCONNECT, "DisconnectHandler"),
    DEFAULT("$default", Kind.MESSAGE, "DefaultHandler"),
    JOIN("join", Kind.MESSAGE, "JoinHandler"),
    LEAVE("leave", Kind.MESSAGE, "LeaveHandler"),
    SEND("send", Kind.MESSAGE, "SendHandler"),
    PING("ping", Kind.MESSAGE, "PingHandler"),
    RESUME("resume", Kind.MESSAGE, "ResumeHandler"),
    PRESENCE("presence", Kind.MESSAGE, "PresenceHandler"),
    DIRECT("direct", Kind.MESSAGE, "DirectHandler"),
    REFRESH("refresh", Kind.MESSAGE, "RefreshHandler");

    /** The package holding every Lambda handler named by this table. */
    public static final String HANDLER_PACKAGE = "dev.switchboard.functions";

    /** The REQUEST authorizer attached to {@code $connect}; not a route, but deployed beside them. */
    public static final String AUTHORIZER_CLASS = HANDLER_PACKAGE + ".JwtAuthorizerHandler";

    /** The SQS consumer that publishes messages from backends; not a WebSocket route, deployed beside them. */
    public static final String PUBLISHER_CLASS = HANDLER_PACKAGE + ".PublishHandler";

    /**
     * The SQS consumer that delivers one shard of a large room's broadcast; not a WebSocket route, deployed beside
     * them when the fan-out queue is on.
     */
    public static final String FANOUT_CLASS = HANDLER_PACKAGE + ".FanoutHandler";

    /**
     * Serves every application route (actions the application adds, each answered by its own function); not one
     * of this table's routes, deployed beside them when the application has any.
     */
    public static final String APPLICATION_ROUTE_CLASS = HANDLER_PACKAGE + ".ApplicationRouteHandler";

    /** API Gateway's route selection expression; the body's {@code action} value picks the route. */
    public static final String SELECTION_EXPRESSION = "$request.body.action";

    /** What API Gateway calls the event type of a route's invocations. */
    public enum Kind { CONNECT, MESSAGE, DISCONNECT }

    private static final Map<String, Route> BY_KEY =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Route::key, Function.identity()));

    private final String key;
    private final Kind kind;
    private final String handlerSimpleName;

    Route(String key, Kind kind, String handlerSimpleName) {
        this.key = key;
        this.kind = kind;
        this.handlerSimpleName = handlerSimpleName;
    }

    /** The API Gateway route key, e.g. {@code $connect} or {@code send}. */
    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    /** Fully qualified name of the Lambda handler class serving this route. */
    public String handlerClass() {
        return HANDLER_PACKAGE + "." + handlerSimpleName;
    }

    /** The Lambda handler string ({@code class::method}) used when deploying this route's function. */
    public String lambdaHandler() {
        return handlerClass() + "::handleRequest";
    }

    /** True for routes selected by a message body's {@code action}: not the three special {@code $} routes. */
    public boolean isAction() {
        return !key.startsWith("$");
    }

    /**
     * True when the route's Lambda result body is sent back to the caller as a frame
     * (API Gateway "two-way" route with a route response).
     */
    public boolean repliesToCaller() {
        return kind == Kind.MESSAGE;
    }

    public static Optional<Route> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    public static List<Route> actionRoutes() {
        return Arrays.stream(values()).filter(Route::isAction).toList();
    }

    /**
     * Selects the route for an incoming message body exactly as API Gateway does with
     * {@code $request.body.action}: an exact match of a string {@code action} on an action route, otherwise
     * {@code $default} (body not JSON, not an object, no {@code action}, or no route for it).
     */
    public static Route select(String body) {
        return FrameCodec.actionOf(body)
                .flatMap(Route::byKey)
                .filter(Route::isAction)
                .orElse(DEFAULT);
    }
}
