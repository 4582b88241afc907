package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import dev.switchboard.core.Grant;
import dev.switchboard.protocol.Limits;
import java.util.Collections;
import java.util.HashMap;
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
 * @param authorizer   the authorizer's context as API Gateway delivers it (empty without an authorizer)
 */
public record Invocation(String connectionId, String userId, String routeKey, String requestId, String sourceIp,
                         Map<String, Object> authorizer) {

    public Invocation {
        Objects.requireNonNull(connectionId, "connectionId");
        Objects.requireNonNull(userId, "userId");
        authorizer = authorizer == null ? Map.of() : Collections.unmodifiableMap(new HashMap<>(authorizer));
    }

    /**
     * What the token granted, from the authorizer's context: read by {@code $connect} only, since later routes read
     * the connection record, which {@code refresh} keeps current.
     *
     * @throws IllegalArgumentException when the context's grant does not read back (it did not come from
     *                                  Switchboard's authorizer)
     */
    public Grant grant() {
        return AuthorizerContext.grantOf(authorizer);
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
                nullToEmpty(context.getRequestId()), sourceIp, context.getAuthorizer());
    }

    private static String userIdOf(Map<String, Object> authorizer, String connectionId) {
        Object userId = authorizer == null ? null : authorizer.get(AuthorizerContext.USER_ID);
        if (userId instanceof String s && !s.isBlank()) {
            return s;
        }
        return Limits.ANONYMOUS_PREFIX + connectionId;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
