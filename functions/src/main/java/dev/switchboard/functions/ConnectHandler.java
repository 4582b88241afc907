package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.Route;

/**
 * {@code $connect}: registers the connection under the identity and grant (capabilities, token expiry) the
 * authorizer established, unless its user already holds the most connections a user may (429). Runs before the
 * WebSocket upgrade completes: a non-2xx result (429, or 500 when the store fails) makes API Gateway refuse the
 * handshake with that status, and the client reconnects later. It must not post to the connection, which does not
 * exist yet (that would be a 410).
 */
public final class ConnectHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    /** The handshake's status when the user holds too many connections. */
    static final int TOO_MANY_REQUESTS = 429;
    /** The handshake's status when the application's onConnect hook refuses the connection. */
    static final int FORBIDDEN = 403;
    /** The handshake's status when the onConnect hook did not decide in time: try again later (fail closed). */
    static final int SERVICE_UNAVAILABLE = 503;

    private final LifecycleRoute route;

    public ConnectHandler() {
        this(Services.switchboard());
    }

    public ConnectHandler(Switchboard switchboard) {
        this.route = new LifecycleRoute(Route.CONNECT, invocation -> switch (switchboard.connect(
                invocation.connectionId(), invocation.userId(), invocation.sourceIp(), invocation.grant())) {
            case Switchboard.Connected.Accepted accepted -> {
                Telemetry.connectionOpened();
                yield LifecycleRoute.Outcome.ok("registered");
            }
            case Switchboard.Connected.TooManyConnections refused -> {
                Telemetry.connectionRefused();
                yield new LifecycleRoute.Outcome(TOO_MANY_REQUESTS, "refused: " + refused.open()
                        + " connections open, the most a user may hold is " + refused.limit());
            }
            case Switchboard.Connected.Denied denied -> {
                Telemetry.connectionRefused();
                yield new LifecycleRoute.Outcome(FORBIDDEN, "refused by the onConnect hook: " + denied.reason());
            }
            case Switchboard.Connected.HookFailed failed -> {
                Telemetry.connectionRefused();
                Telemetry.extensionFailed();
                yield new LifecycleRoute.Outcome(SERVICE_UNAVAILABLE, "refused: the onConnect hook did not decide ("
                        + failed.reason() + ")");
            }
        });
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
