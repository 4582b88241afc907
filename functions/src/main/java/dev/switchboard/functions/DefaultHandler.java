package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.Route;

/**
 * {@code $default}: every frame whose {@code action} selects no route. Answers with the precise {@code error}
 * (malformed JSON, missing or unknown action); serves a known action if one is ever routed here.
 */
public final class DefaultHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private final MessageRoute<ClientFrame> route;

    /** Used by Lambda: wires the real store and clients once per container. */
    public DefaultHandler() {
        this(Services.switchboard());
    }

    public DefaultHandler(Switchboard switchboard) {
        this.route = new MessageRoute<>(Route.DEFAULT, ClientFrame.class, switchboard,
                (invocation, frame) -> switchboard.dispatch(invocation.connectionId(), invocation.userId(), frame));
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
