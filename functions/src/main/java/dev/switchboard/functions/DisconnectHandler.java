package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import java.util.Set;

/**
 * {@code $disconnect}: forgets the connection and its room memberships. API Gateway delivers it on a best-effort
 * basis, so the store also expires connections by TTL and the broadcaster prunes them on 410; removing an
 * already-removed connection is harmless.
 */
public final class DisconnectHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private static final System.Logger LOG = System.getLogger(DisconnectHandler.class.getName());

    private final Switchboard switchboard;

    public DisconnectHandler() {
        this(Services.switchboard());
    }

    public DisconnectHandler(Switchboard switchboard) {
        this.switchboard = switchboard;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        Invocation invocation;
        try {
            invocation = Invocation.of(event);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "$disconnect ignored an event without a connection id");
            return Replies.status(400);
        }
        try {
            Set<String> rooms = switchboard.disconnect(invocation.connectionId());
            LOG.log(System.Logger.Level.INFO, "$disconnect connectionId={0} requestId={1} rooms={2}",
                    invocation.connectionId(), invocation.requestId(), rooms.size());
            return Replies.status(200);
        } catch (RuntimeException e) {
            // TTL removes the record later; the failure is logged for the alarm on function errors.
            LOG.log(System.Logger.Level.ERROR, "$disconnect connectionId=" + invocation.connectionId()
                    + " requestId=" + invocation.requestId() + " failed", e);
            return Replies.status(500);
        }
    }
}
