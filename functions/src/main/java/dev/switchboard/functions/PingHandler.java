package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.Route;
import dev.switchboard.protocol.ServerFrame;
import java.time.Clock;

/**
 * {@code ping}: replies {@code pong} with server time. Touches no store, so it needs no AWS client; clients use it
 * as a heartbeat that keeps the socket under API Gateway's 10-minute idle timeout.
 */
public final class PingHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private final MessageRoute<ClientFrame.Ping> route;

    public PingHandler() {
        this(Clock.systemUTC());
    }

    public PingHandler(Clock clock) {
        this.route = new MessageRoute<>(Route.PING, ClientFrame.Ping.class,
                (invocation, ping) -> new ServerFrame.Pong(ping.id(), clock.millis()));
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
