package dev.switchboard.functions;

import dev.switchboard.protocol.Route;

/**
 * The Lambda handler class behind each route, and behind the functions that serve none of its routes: the names
 * the deployment gives Lambda. They live here, beside the handlers, as compile-time constants, so the CDK app
 * reads them without loading a handler or the AWS SDK the handlers need; {@code HandlersTest} checks that each
 * names a deployable handler and that {@link RouteHandlers} builds that same class.
 *
 * <pre>{@code
 * String handler = Handlers.lambdaHandler(Route.SEND);   // "dev.switchboard.functions.SendHandler::handleRequest"
 * String authorizer = Handlers.lambdaHandler(Handlers.AUTHORIZER);
 * }</pre>
 */
public final class Handlers {

    /** The package of every handler named here. */
    public static final String PACKAGE = "dev.switchboard.functions";

    /** The REQUEST authorizer attached to {@code $connect}; not a route, but deployed beside them. */
    public static final String AUTHORIZER = PACKAGE + ".JwtAuthorizerHandler";

    /** The SQS consumer that publishes messages from backends; not a WebSocket route, deployed beside them. */
    public static final String PUBLISHER = PACKAGE + ".PublishHandler";

    /**
     * The SQS consumer that delivers one shard of a large room's broadcast; not a WebSocket route, deployed beside
     * them when the fan-out queue is on.
     */
    public static final String FANOUT = PACKAGE + ".FanoutHandler";

    /**
     * The DynamoDB stream consumer that puts the table's events on the application's EventBridge bus; not a route,
     * deployed beside them when the event stream is on.
     */
    public static final String EVENTS = PACKAGE + ".EventsHandler";

    /**
     * Serves every application route (actions the application adds, each answered by its own function); not one
     * of the route table's routes, deployed beside them when the application has any.
     */
    public static final String APPLICATION_ROUTES = PACKAGE + ".ApplicationRouteHandler";

    /** The method Lambda calls on every handler. */
    public static final String METHOD = "handleRequest";

    private Handlers() {
    }

    /** Fully qualified name of the handler class serving {@code route}. */
    public static String classOf(Route route) {
        return switch (route) {
            case CONNECT -> PACKAGE + ".ConnectHandler";
            case DISCONNECT -> PACKAGE + ".DisconnectHandler";
            case DEFAULT -> PACKAGE + ".DefaultHandler";
            case JOIN -> PACKAGE + ".JoinHandler";
            case LEAVE -> PACKAGE + ".LeaveHandler";
            case SEND -> PACKAGE + ".SendHandler";
            case PING -> PACKAGE + ".PingHandler";
            case RESUME -> PACKAGE + ".ResumeHandler";
            case PRESENCE -> PACKAGE + ".PresenceHandler";
            case DIRECT -> PACKAGE + ".DirectHandler";
            case REFRESH -> PACKAGE + ".RefreshHandler";
        };
    }

    /** The Lambda handler string ({@code class::method}) of the function serving {@code route}. */
    public static String lambdaHandler(Route route) {
        return lambdaHandler(classOf(route));
    }

    /** The Lambda handler string ({@code class::method}) of a handler class, e.g. {@link #AUTHORIZER}. */
    public static String lambdaHandler(String handlerClass) {
        return handlerClass + "::" + METHOD;
    }
}
