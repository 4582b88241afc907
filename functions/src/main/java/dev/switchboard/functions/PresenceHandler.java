package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.Route;

/**
 * {@code presence}: who is in a joined room, by user, with connection counts.
 */
public final class PresenceHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private final MessageRoute<ClientFrame.Presence> route;

    /** Used by Lambda: wires the real store and clients once per container. */
    public PresenceHandler() {
        this(Services.switchboard());
    }

    public PresenceHandler(Switchboard switchboard) {
        this.route = new MessageRoute<>(Route.PRESENCE, ClientFrame.Presence.class, switchboard,
                (invocation, frame) -> switchboard.presence(invocation.connectionId(), frame));
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
