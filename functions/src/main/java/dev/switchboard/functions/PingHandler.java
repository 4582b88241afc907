package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.Route;
import dev.switchboard.core.Switchboard;

/**
 * {@code ping}: replies {@code pong} with server time, once the connection's record shows it known and its token
 * still valid (a ping after the token expired gets {@code TOKEN_EXPIRED}, like any frame). Clients use it as a
 * heartbeat that keeps the socket under API Gateway's 10-minute idle timeout.
 */
public final class PingHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private final MessageRoute<ClientFrame.Ping> route;

    public PingHandler() {
        this(Services.switchboard());
    }

    public PingHandler(Switchboard switchboard) {
        this.route = new MessageRoute<>(Route.PING, ClientFrame.Ping.class, switchboard,
                (invocation, ping) -> switchboard.ping(invocation.connectionId(), ping));
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
