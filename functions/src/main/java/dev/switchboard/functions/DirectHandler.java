package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.Route;

/**
 * {@code direct}: delivers {@code data} to every open connection of one user; the sender is the caller's
 * identity from the authorizer.
 */
public final class DirectHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private final MessageRoute<ClientFrame.Direct> route;

    /** Used by Lambda: wires the real store and clients once per container. */
    public DirectHandler() {
        this(Services.switchboard());
    }

    public DirectHandler(Switchboard switchboard) {
        this.route = new MessageRoute<>(Route.DIRECT, ClientFrame.Direct.class, switchboard,
                (invocation, frame) -> switchboard.direct(invocation.connectionId(), frame).reply());
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
