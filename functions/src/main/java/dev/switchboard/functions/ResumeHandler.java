package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.Route;

/**
 * {@code resume}: one page of a joined room's history after a sequence number, or {@code reset} when that
 * position is no longer retained.
 */
public final class ResumeHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private final MessageRoute<ClientFrame.Resume> route;

    /** Used by Lambda: wires the real store and clients once per container. */
    public ResumeHandler() {
        this(Services.switchboard());
    }

    public ResumeHandler(Switchboard switchboard) {
        this.route = new MessageRoute<>(Route.RESUME, ClientFrame.Resume.class, switchboard,
                (invocation, frame) -> switchboard.resume(invocation.connectionId(), frame));
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
