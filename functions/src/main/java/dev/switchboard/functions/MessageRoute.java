package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.Route;
import dev.switchboard.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every message route does around its use case: decode the body, check it belongs to this route, call the
 * use case, and turn the result — or any failure — into the reply frame. Nothing escapes as an exception, so a
 * malformed or hostile frame costs the client an {@code error} frame and nothing else.
 */
final class MessageRoute<F extends ClientFrame> {

    /** A route's use case: from the decoded frame to the reply. */
    @FunctionalInterface
    interface UseCase<F extends ClientFrame> {
        ServerFrame serve(Invocation invocation, F frame);
    }

    private static final Logger LOG = LoggerFactory.getLogger(MessageRoute.class);

    private final Route route;
    private final Class<F> frameType;
    private final Switchboard switchboard;
    private final UseCase<F> useCase;

    /** @param switchboard answers the frames this route cannot serve, after counting them against the quota */
    MessageRoute(Route route, Class<F> frameType, Switchboard switchboard, UseCase<F> useCase) {
        this.route = Objects.requireNonNull(route, "route");
        this.frameType = Objects.requireNonNull(frameType, "frameType");
        this.switchboard = Objects.requireNonNull(switchboard, "switchboard");
        this.useCase = Objects.requireNonNull(useCase, "useCase");
    }

    APIGatewayV2WebSocketResponse handle(APIGatewayV2WebSocketEvent event, Context context) {
        Invocation invocation;
        try {
            invocation = Invocation.of(event);
        } catch (IllegalArgumentException e) {
            LOG.warn("route={} rejected an event without a connection id", route.key());
            return Replies.frame(new ServerFrame.Error(ErrorCode.INVALID_FIELD, "not a WebSocket message event",
                    null));
        }
        return Telemetry.around(context, invocation, () -> {
            ServerFrame reply = serve(invocation, bodyOf(event));
            log(reply);
            Telemetry.messageIn(route.key(), reply);
            return Replies.frame(reply);
        });
    }

    private ServerFrame serve(Invocation invocation, String body) {
        ClientFrame frame;
        try {
            frame = FrameCodec.decodeClient(body);
        } catch (ProtocolException e) {
            return refuse(invocation, e.toFrame());
        }
        if (!frameType.isInstance(frame)) {
            return refuse(invocation, new ServerFrame.Error(ErrorCode.UNKNOWN_ACTION,
                    "action '" + frame.route().key() + "' is not served by route '" + route.key() + "'", frame.id()));
        }
        try {
            return useCase.serve(invocation, frameType.cast(frame));
        } catch (ProtocolException e) {
            return e.toFrame();
        } catch (RuntimeException e) {
            // Store or network failure: the client gets a retryable error; the cause goes to the log only.
            LOG.error("route {} failed", route.key(), e);
            return new ServerFrame.Error(ErrorCode.INTERNAL, "the server could not complete the request; retry",
                    frame.id());
        }
    }

    /**
     * A frame this route cannot serve still counts against its connection's quota, and closes a connection whose
     * token expired: unparseable frames must not keep an expired connection alive. Where the store cannot be asked,
     * the frame's own error is the answer.
     */
    private ServerFrame refuse(Invocation invocation, ServerFrame.Error error) {
        try {
            return switchboard.refuse(invocation.connectionId(), error);
        } catch (RuntimeException e) {
            LOG.error("route {} could not check the connection of a refused frame", route.key(), e);
            return error;
        }
    }

    /** The frame's text: binary frames reach a route base64-encoded ({@code null} when that does not decode). */
    static String bodyOf(APIGatewayV2WebSocketEvent event) {
        String body = event.getBody();
        if (body != null && event.isIsBase64Encoded()) {
            // Binary frames reach the route base64-encoded; the protocol is JSON text, so decode and let the
            // codec judge the content.
            try {
                return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return body;
    }

    private void log(ServerFrame reply) {
        if (reply instanceof ServerFrame.Error error) {
            LOG.info("route={} reply=error code={}", route.key(), error.code());
        } else {
            LOG.debug("route={} reply={}", route.key(), reply.type());
        }
    }
}
