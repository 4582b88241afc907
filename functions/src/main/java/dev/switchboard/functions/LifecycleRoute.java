package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.protocol.Route;
import java.util.Objects;

/**
 * What {@code $connect} and {@code $disconnect} do around their use case: read the event, run the use case, and
 * answer with a status. API Gateway turns a non-2xx {@code $connect} status into a refused handshake; for
 * {@code $disconnect} the status only feeds metrics and alarms. Nothing escapes as an exception.
 */
final class LifecycleRoute {

    /** A lifecycle use case; returns a short summary for the log line. */
    @FunctionalInterface
    interface UseCase {
        String run(Invocation invocation);
    }

    private static final System.Logger LOG = System.getLogger(LifecycleRoute.class.getName());

    private final Route route;
    private final UseCase useCase;

    LifecycleRoute(Route route, UseCase useCase) {
        this.route = Objects.requireNonNull(route, "route");
        this.useCase = Objects.requireNonNull(useCase, "useCase");
    }

    APIGatewayV2WebSocketResponse handle(APIGatewayV2WebSocketEvent event) {
        Invocation invocation;
        try {
            invocation = Invocation.of(event);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "{0} rejected an event without a connection id", route.key());
            return Replies.status(400);
        }
        try {
            String summary = useCase.run(invocation);
            LOG.log(System.Logger.Level.INFO, "{0} connectionId={1} userId={2} requestId={3} {4}", route.key(),
                    invocation.connectionId(), invocation.userId(), invocation.requestId(), summary);
            return Replies.status(200);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, route.key() + " connectionId=" + invocation.connectionId()
                    + " requestId=" + invocation.requestId() + " failed", e);
            return Replies.status(500);
        }
    }
}
