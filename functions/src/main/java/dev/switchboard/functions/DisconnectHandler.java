package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.Route;

/**
 * {@code $disconnect}: forgets the connection and its room memberships. API Gateway delivers it on a best-effort
 * basis, so the store also expires connections by TTL and the broadcaster prunes them on 410; removing an
 * already-removed connection is harmless.
 */
public final class DisconnectHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private final LifecycleRoute route;

    public DisconnectHandler() {
        this(Services.switchboard());
    }

    public DisconnectHandler(Switchboard switchboard) {
        this.route = new LifecycleRoute(Route.DISCONNECT, invocation -> {
            int rooms = switchboard.disconnect(invocation.connectionId()).size();
            Telemetry.connectionClosed();
            return "left " + rooms + " room(s)";
        });
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
