package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;

/**
 * {@code $connect}: registers the connection under the identity the authorizer established. Runs before the
 * WebSocket upgrade completes: a non-2xx result makes API Gateway refuse the handshake with that status. It
 * must not post to the connection, which does not exist yet (that would be a 410).
 */
public final class ConnectHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private static final System.Logger LOG = System.getLogger(ConnectHandler.class.getName());

    private final Switchboard switchboard;

    public ConnectHandler() {
        this(Services.switchboard());
    }

    public ConnectHandler(Switchboard switchboard) {
        this.switchboard = switchboard;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        Invocation invocation;
        try {
            invocation = Invocation.of(event);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "$connect rejected an event without a connection id");
            return Replies.status(400);
        }
        try {
            switchboard.connect(invocation.connectionId(), invocation.userId(), invocation.sourceIp());
            LOG.log(System.Logger.Level.INFO, "$connect connectionId={0} userId={1} requestId={2}",
                    invocation.connectionId(), invocation.userId(), invocation.requestId());
            return Replies.status(200);
        } catch (RuntimeException e) {
            // The client sees the handshake fail with 500 and reconnects; nothing half-registered stays usable.
            LOG.log(System.Logger.Level.ERROR, "$connect connectionId=" + invocation.connectionId() + " requestId="
                    + invocation.requestId() + " failed", e);
            return Replies.status(500);
        }
    }
}
