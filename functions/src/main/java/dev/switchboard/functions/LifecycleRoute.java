package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.protocol.Route;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code $connect} and {@code $disconnect} do around their use case: read the event, run the use case, and
 * answer with a status. API Gateway turns a non-2xx {@code $connect} status into a refused handshake; for
 * {@code $disconnect} the status only feeds metrics and alarms. Nothing escapes as an exception.
 */
final class LifecycleRoute {

    /** A lifecycle use case; returns the status to answer with and a short summary for the log line. */
    @FunctionalInterface
    interface UseCase {
        Outcome run(Invocation invocation);
    }

    /** The status for API Gateway and the log line's summary. */
    record Outcome(int status, String summary) {
        static Outcome ok(String summary) {
            return new Outcome(200, summary);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleRoute.class);

    private final Route route;
    private final UseCase useCase;

    LifecycleRoute(Route route, UseCase useCase) {
        this.route = Objects.requireNonNull(route, "route");
        this.useCase = Objects.requireNonNull(useCase, "useCase");
    }

    APIGatewayV2WebSocketResponse handle(APIGatewayV2WebSocketEvent event, Context context) {
        Invocation invocation;
        try {
            invocation = Invocation.of(event);
        } catch (IllegalArgumentException e) {
            LOG.warn("{} rejected an event without a connection id", route.key());
            return Replies.status(400);
        }
        return Telemetry.around(context, invocation, () -> {
            try {
                Outcome outcome = useCase.run(invocation);
                LOG.info("{} userId={} {}", route.key(), invocation.userId(), outcome.summary());
                return Replies.status(outcome.status());
            } catch (RuntimeException e) {
                LOG.error("{} failed", route.key(), e);
                return Replies.status(500);
            }
        });
    }
}
