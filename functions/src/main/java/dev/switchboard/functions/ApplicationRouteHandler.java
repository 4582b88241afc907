package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.core.ApplicationRouter;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.ApplicationFrame;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.ServerFrame;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every application route ({@code typing}, {@code vote}, …: actions the application adds): decodes the frame,
 * admits it as every route does, invokes the application's function for the route API Gateway selected, and
 * replies with its answer ({@code reply}) or an {@code error}. One function serves all of them, so an application
 * route costs two invokes per frame: this one and the application's.
 */
public final class ApplicationRouteHandler
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(ApplicationRouteHandler.class);

    private final Switchboard switchboard;
    private final ApplicationRouter router;

    /** Used by Lambda: wires the real store, clients and the application's functions once per container. */
    public ApplicationRouteHandler() {
        this(Services.switchboard(), Services.applicationRouter());
    }

    public ApplicationRouteHandler(Switchboard switchboard, ApplicationRouter router) {
        this.switchboard = Objects.requireNonNull(switchboard, "switchboard");
        this.router = Objects.requireNonNull(router, "router");
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        Invocation invocation;
        try {
            invocation = Invocation.of(event);
        } catch (IllegalArgumentException e) {
            LOG.warn("an application route rejected an event without a connection id");
            return Replies.frame(new ServerFrame.Error(ErrorCode.INVALID_FIELD, "not a WebSocket message event",
                    null));
        }
        return Telemetry.around(context, invocation, () -> {
            ServerFrame reply = serve(invocation, MessageRoute.bodyOf(event));
            if (reply instanceof ServerFrame.Error error) {
                LOG.info("route={} reply=error code={}", invocation.routeKey(), error.code());
            }
            Telemetry.messageIn(String.valueOf(invocation.routeKey()), reply);
            return Replies.frame(reply);
        });
    }

    private ServerFrame serve(Invocation invocation, String body) {
        ApplicationFrame call;
        try {
            call = ApplicationFrame.decode(body);
        } catch (ProtocolException e) {
            return refuse(invocation, e.toFrame());
        }
        if (!call.action().equals(invocation.routeKey())) {
            return refuse(invocation, new ServerFrame.Error(ErrorCode.UNKNOWN_ACTION, "action '" + call.action()
                    + "' is not served by route '" + invocation.routeKey() + "'", call.id()));
        }
        try {
            return router.call(invocation.connectionId(), call);
        } catch (RuntimeException e) {
            // Store failure while admitting the frame: retryable; the cause goes to the log only.
            LOG.error("application route {} failed", call.action(), e);
            return new ServerFrame.Error(ErrorCode.INTERNAL, "the server could not complete the request; retry",
                    call.id());
        }
    }

    /** As every route: a frame that cannot be served still counts against the quota (see {@code MessageRoute}). */
    private ServerFrame refuse(Invocation invocation, ServerFrame.Error error) {
        try {
            return switchboard.refuse(invocation.connectionId(), error);
        } catch (RuntimeException e) {
            LOG.error("could not check the connection of a refused frame", e);
            return error;
        }
    }
}
