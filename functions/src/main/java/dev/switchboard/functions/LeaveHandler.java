package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.Route;

/**
 * {@code leave}: removes the caller from a room; replies {@code ack} or {@code error}.
 */
public final class LeaveHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private final MessageRoute<ClientFrame.Leave> route;

    /** Used by Lambda: wires the real store and clients once per container. */
    public LeaveHandler() {
        this(Services.switchboard());
    }

    public LeaveHandler(Switchboard switchboard) {
        this.route = new MessageRoute<>(Route.LEAVE, ClientFrame.Leave.class, switchboard,
                (invocation, frame) -> switchboard.leave(invocation.connectionId(), frame));
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
