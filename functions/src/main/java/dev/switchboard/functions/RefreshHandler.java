package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.auth.JwtVerifier;
import dev.switchboard.functions.auth.TokenRejectedException;
import dev.switchboard.functions.auth.VerifiedIdentity;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.Route;
import dev.switchboard.protocol.ServerFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code refresh}: verifies a fresh token exactly as the authorizer does at {@code $connect} (same keys, same
 * rules), then lets the core replace the connection's grant if the token is for the connection's own user. A
 * refused token changes nothing: {@code FORBIDDEN}, and the old grant stays (a connection whose own token has expired
 * meanwhile is closed instead). Where the stack runs without authentication there is no token to replace: the
 * refresh is acknowledged and changes nothing.
 */
public final class RefreshHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshHandler.class);

    private final MessageRoute<ClientFrame.Refresh> route;

    /** Used by Lambda: wires the real store, clients and the authorizer's verifier once per container. */
    public RefreshHandler() {
        this(Services.switchboard(), JwtVerifier.fromEnvironment(System.getenv()).orElse(null));
    }

    /** @param verifier the authorizer's token verifier, or null where the stack runs without authentication */
    public RefreshHandler(Switchboard switchboard, JwtVerifier verifier) {
        this.route = new MessageRoute<>(Route.REFRESH, ClientFrame.Refresh.class, switchboard,
                (invocation, frame) -> {
                    if (verifier == null) {
                        return new ServerFrame.Ack(frame.id(), "refresh", null);
                    }
                    VerifiedIdentity identity;
                    try {
                        identity = verifier.verify(frame.token());
                    } catch (TokenRejectedException e) {
                        LOG.info("refresh refused connectionId={} reason={}", invocation.connectionId(),
                                e.getMessage());
                        return switchboard.refuseRefresh(invocation.connectionId(), frame,
                                "token rejected (" + e.getMessage() + ")");
                    }
                    return switchboard.refresh(invocation.connectionId(), frame, identity.userId(),
                            identity.grant());
                });
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return route.handle(event, context);
    }
}
