package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.Route;
import java.time.Duration;

/**
 * {@code send}: broadcasts {@code data} to every member of the room; replies {@code ack} with the message id.
 */
public final class SendHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private final MessageRoute<ClientFrame.Send> route;

    /** Used by Lambda: wires the real store and clients once per container. */
    public SendHandler() {
        this(Services.switchboard());
    }

    public SendHandler(Switchboard switchboard) {
        this.route = new MessageRoute<>(Route.SEND, ClientFrame.Send.class, switchboard,
                (invocation, frame) -> {
                    long start = System.nanoTime();
                    Switchboard.Sent sent = switchboard.send(invocation.connectionId(), invocation.userId(), frame);
                    Telemetry.broadcast(sent.broadcast(), Duration.ofNanos(System.nanoTime() - start));
                    return sent.reply();
                });
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
