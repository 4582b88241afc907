package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of an API Gateway WebSocket event the handlers use.
 *
 * @param connectionId API Gateway's id for the client's socket
 * @param userId       identity the authorizer put in its context at {@code $connect}; {@code anonymous:<id>}
 *                     when the API runs without an authorizer
 * @param routeKey     the route API Gateway selected
 * @param requestId    API Gateway's request id, for log correlation
 * @param sourceIp     client address (may be empty)
 */
public record Invocation(String connectionId, String userId, String routeKey, String requestId, String sourceIp) {

    /** Authorizer context key holding the user id (the token's {@code sub}). */
    public static final String USER_ID_KEY = "userId";

    public Invocation {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(userId, "userId");
    }

    /** Reads an event; an event without a connection id is not from API Gateway and is rejected. */
    public static Invocation of(APIGatewayV2WebSocketEvent event) {
        APIGatewayV2WebSocketEvent.RequestContext context = event == null ? null : event.getRequestContext();
        if (context == null || context.getConnectionId() == null || context.getConnectionId().isBlank()) {
            throw new IllegalArgumentException("event has no requestContext.connectionId");
        }
        String connectionId = context.getConnectionId();
        String sourceIp = context.getIdentity() == null ? "" : nullToEmpty(context.getIdentity().getSourceIp());
        return new Invocation(connectionId, userIdOf(context.getAuthorizer(), connectionId), context.getRouteKey(),
                nullToEmpty(context.getRequestId()), sourceIp);
    }

    private static String userIdOf(Map<String, Object> authorizer, String connectionId) {
        Object userId = authorizer == null ? null : authorizer.get(USER_ID_KEY);
        if (userId instanceof String s && !s.isBlank()) {
            return s;
        }
        return "anonymous:" + connectionId;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
