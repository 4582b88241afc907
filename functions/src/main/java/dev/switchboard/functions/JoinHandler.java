package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.Route;

/**
 * {@code join}: adds the caller to a room; replies {@code ack} or {@code error}.
 */
public final class JoinHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private final MessageRoute<ClientFrame.Join> route;

    /** Used by Lambda: wires the real store and clients once per container. */
    public JoinHandler() {
        this(Services.switchboard());
    }

    public JoinHandler(Switchboard switchboard) {
        this.route = new MessageRoute<>(Route.JOIN, ClientFrame.Join.class, switchboard,
                (invocation, frame) -> switchboard.join(invocation.connectionId(), frame));
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
