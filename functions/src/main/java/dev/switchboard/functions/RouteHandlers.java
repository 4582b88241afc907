package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.protocol.Route;

/**
 * Each route's handler built over a given {@link Switchboard}, as a host that runs the handlers in one process
 * (the local stack) needs them; Lambda builds them by class name ({@link Handlers}) instead. The switch is
 * exhaustive, so a route added to the table without a handler does not compile; {@code HandlersTest} checks that
 * each built handler is of the class {@link Handlers#classOf} names.
 *
 * <pre>{@code
 * var send = RouteHandlers.create(Route.SEND, switchboard, verifier);   // a SendHandler over switchboard
 * }</pre>
 */
public final class RouteHandlers {

    private RouteHandlers() {
    }

    /**
     * The handler serving {@code route}, over {@code switchboard}.
     *
     * @param verifier checks the tokens {@code refresh} presents; {@code null} when authentication is off
     */
    public static RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> create(Route route,
            Switchboard switchboard, JwtVerifier verifier) {
        return switch (route) {
            case CONNECT -> new ConnectHandler(switchboard);
            case DISCONNECT -> new DisconnectHandler(switchboard);
            case DEFAULT -> new DefaultHandler(switchboard);
            case JOIN -> new JoinHandler(switchboard);
            case LEAVE -> new LeaveHandler(switchboard);
            case SEND -> new SendHandler(switchboard);
            case PING -> new PingHandler(switchboard);
            case RESUME -> new ResumeHandler(switchboard);
            case PRESENCE -> new PresenceHandler(switchboard);
            case DIRECT -> new DirectHandler(switchboard);
            case REFRESH -> new RefreshHandler(switchboard, verifier);
        };
    }
}
