package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.Route;

/**
 * {@code $disconnect}: forgets the connection and its room memberships, and tells the rooms within the presence
 * budget of one disconnect. API Gateway delivers it on a best-effort basis, so the store also expires connections by
 * TTL and the broadcaster prunes them on 410; removing an already-removed connection is harmless.
 */
public final class DisconnectHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private final LifecycleRoute route;

    public DisconnectHandler() {
        this(Services.switchboard());
    }

    public DisconnectHandler(Switchboard switchboard) {
        this.route = new LifecycleRoute(Route.DISCONNECT, invocation -> {
            Switchboard.Disconnected left = switchboard.disconnect(invocation.connectionId());
            Telemetry.connectionClosed(left.roomsNotTold());
            return LifecycleRoute.Outcome.ok("left " + left.rooms().size() + " room(s)"
                    + (left.roomsNotTold() > 0 ? ", " + left.roomsNotTold() + " not told (presence budget)" : ""));
        });
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
