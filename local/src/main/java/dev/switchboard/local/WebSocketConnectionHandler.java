package dev.switchboard.local;

import dev.switchboard.protocol.CloseCodes;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.Route;
import dev.switchboard.protocol.ServerFrame;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open socket: selects a route for each message with {@code $request.body.action}, invokes its integration
 * (in order, off the event loop), returns a two-way route's reply as a frame, and calls {@code $disconnect}
 * once the socket is gone, whatever closed it.
 *
 * <p>A frame the stack cannot take now is answered at once with {@code OVERLOADED} and {@code retryAfterMs}
 * ({@link Intake}), and the socket is not read while its own queue is full ({@link ConnectionQueue}) or while the
 * client does not read what it is sent (the channel is not writable): one client cannot make the emulator hold more
 * than a bounded amount of its frames or its answers.
 */
final class WebSocketConnectionHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger LOG = LoggerFactory.getLogger("dev.switchboard.local.Gateway");

    private final LocalConnection connection;
    private final WebSocketServerHandshaker handshaker;
    private final Integrations integrations;
    private final EventFactory events;
    private final Connections connections;
    private final Clock clock;
    private final Executor disconnects;
    private final Intake intake;

    WebSocketConnectionHandler(LocalConnection connection, WebSocketServerHandshaker handshaker,
                               Integrations integrations, EventFactory events, Connections connections, Clock clock,
                               Executor disconnects, Intake intake) {
        this.connection = connection;
        this.handshaker = handshaker;
        this.integrations = integrations;
        this.events = events;
        this.connections = connections;
        this.clock = clock;
        this.disconnects = disconnects;
        this.intake = intake;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection.invocations().onDrained(() -> {
            try {
                ctx.channel().eventLoop().execute(() -> resumeReading(ctx));
            } catch (RejectedExecutionException stopped) {
                // The gateway has stopped: there is no socket left to read.
            }
        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        connection.touch(clock.instant());
        switch (frame) {
            case TextWebSocketFrame text -> route(ctx, text.text(), false);
            case BinaryWebSocketFrame binary ->
                    route(ctx, Base64.getEncoder().encodeToString(ByteBufUtil.getBytes(binary.content())), true);
            case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            case CloseWebSocketFrame close -> {
                connection.closing(close.statusCode() < 0 ? CloseCodes.NO_STATUS_RECEIVED : close.statusCode(),
                        close.reasonText() == null ? "" : close.reasonText());
                handshaker.close(ctx.channel(), close.retain());
            }
            default -> {
                // Pong frames need no answer.
            }
        }
    }

    private void route(ChannelHandlerContext ctx, String body, boolean base64) {
        if (!intake.admit(Intake.Work.MESSAGE)) {
            if (!intake.stopping()) {
                refuse(ctx, body, base64);
            }
            return;
        }
        // Binary frames carry no JSON the gateway can read: they take $default.
        Route selected = base64 ? Route.DEFAULT : Route.select(body);
        Route route = integrations.hasRoute(selected) ? selected : Route.DEFAULT;
        Optional<String> application = base64 || route != Route.DEFAULT ? Optional.empty()
                : integrations.applicationRoute(body);
        Runnable invocation = intake.admitted(Intake.Work.MESSAGE, () -> application.ifPresentOrElse(
                name -> invokeApplication(ctx, name, body), () -> invoke(ctx, route, body, base64)));
        switch (connection.invocations().offer(invocation, body.length())) {
            case QUEUED -> {
            }
            case PAUSE -> ctx.channel().config().setAutoRead(false);
            case FULL -> {
                // Frames decoded from the read that filled the queue: refused after all.
                intake.withdraw(Intake.Work.MESSAGE);
                refuse(ctx, body, base64);
            }
        }
    }

    /**
     * Answers a frame the stack cannot take now, before any integration runs, as API Gateway answers a throttled
     * request itself: {@code OVERLOADED}, temporary, with the frame's id and when to try again.
     */
    private void refuse(ChannelHandlerContext ctx, String body, boolean base64) {
        String id = base64 ? null : idOf(body);
        reply(ctx, FrameCodec.encode(new ServerFrame.Error(ErrorCode.OVERLOADED,
                "the stack is serving all it can; try again after retryAfterMs", id, intake.retryAfterMillis())));
    }

    private static String idOf(String body) {
        try {
            return FrameCodec.decodeClient(body).id();
        } catch (ProtocolException e) {
            return e.frameId();
        }
    }

    /** Reads the socket again once the client reads what it is sent and its queue has room. */
    private void resumeReading(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ctx.channel().isWritable() && !connection.invocations().paused()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            resumeReading(ctx);
        } else {
            // The client does not read its answers: stop reading its frames, which would only add more.
            ctx.channel().config().setAutoRead(false);
        }
        super.channelWritabilityChanged(ctx);
    }

    private void invoke(ChannelHandlerContext ctx, Route route, String body, boolean base64) {
        long start = System.nanoTime();
        var event = events.message(connection, route, body, base64, clock.instant());
        String requestId = event.path("requestContext").path("requestId").asText();
        if (!integrations.hasRoute(route)) {
            // No matching route and no $default: API Gateway answers with this error frame.
            reply(ctx, "{\"message\":\"Forbidden\",\"connectionId\":\"" + connection.id()
                    + "\",\"requestId\":\"" + requestId + "\"}");
            LOG.info("ROUTE      {} {} -> no route", connection.id(), route.key());
            return;
        }
        try {
            Integrations.Result result = integrations.invoke(route, event);
            if (route.repliesToCaller() && result.ok() && result.body() != null) {
                reply(ctx, result.body());
            }
            LOG.info("ROUTE      {} {} -> {} in {} ms", connection.id(), route.key(), result.statusCode(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (Integrations.InvocationFailed e) {
            LOG.warn("ROUTE      {} {} -> integration failed: {}", connection.id(), route.key(), e.getMessage());
            reply(ctx, "{\"message\":\"Internal server error\",\"connectionId\":\"" + connection.id()
                    + "\",\"requestId\":\"" + requestId + "\"}");
        }
    }

    /** One of the application's routes: its function's reply frame goes back to the caller, as a two-way route's. */
    private void invokeApplication(ChannelHandlerContext ctx, String name, String body) {
        long start = System.nanoTime();
        var event = events.message(connection, name, body, false, clock.instant());
        try {
            Integrations.Result result = integrations.invokeApplication(event);
            if (result.ok() && result.body() != null) {
                reply(ctx, result.body());
            }
            LOG.info("ROUTE      {} {} -> {} in {} ms", connection.id(), name, result.statusCode(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (Integrations.InvocationFailed e) {
            LOG.warn("ROUTE      {} {} -> integration failed: {}", connection.id(), name, e.getMessage());
            reply(ctx, "{\"message\":\"Internal server error\",\"connectionId\":\"" + connection.id()
                    + "\",\"requestId\":\"" + event.path("requestContext").path("requestId").asText() + "\"}");
        }
    }

    private void reply(ChannelHandlerContext ctx, String text) {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new TextWebSocketFrame(text));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            connection.closing(CloseCodes.GOING_AWAY, "Going away");
            handshaker.close(ctx.channel(), new CloseWebSocketFrame(CloseCodes.GOING_AWAY, "Going away"));
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            // The decoder refused the frame (e.g. a single frame over 32 KB: 1009) and closes the socket itself.
            WebSocketCloseStatus status = corrupted.closeStatus();
            connection.closing(status.code(), status.reasonText());
            ctx.close();
        } else if (cause instanceof TooLongFrameException) {
            connection.closing(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "Message too big");
            handshaker.close(ctx.channel(), new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG,
                    "Message too big"));
        } else {
            connection.closing(CloseCodes.INTERNAL_ERROR, "Internal error");
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx);
        if (!connections.remove(connection)) {
            return;
        }
        LocalConnection.CloseReason reason = connection.closeReason().get();
        int status = reason == null ? CloseCodes.ABNORMAL_CLOSURE : reason.statusCode();
        String text = reason == null ? "Connection closed abnormally" : reason.reason();
        // After the connection's messages still in its queue (order kept), then in the $disconnect lane, so a storm
        // of them does not hold up other connections' handshakes and messages.
        Runnable disconnect = intake.unrefused(Intake.Work.DISCONNECT, () -> {
            try {
                if (integrations.hasRoute(Route.DISCONNECT)) {
                    integrations.invoke(Route.DISCONNECT, events.disconnect(connection, status, text, clock.instant()));
                }
                LOG.info("DISCONNECT {} {} {}", connection.id(), status, text);
            } catch (Integrations.InvocationFailed e) {
                LOG.warn("DISCONNECT {} integration failed: {}", connection.id(), e.getMessage());
            } finally {
                // Virtual threads are not time-sliced: a lane worker with a backlog would keep its carrier from one
                // $disconnect to the next. Between two, the handshakes and messages waiting for a carrier go first.
                Thread.yield();
            }
        });
        // Only a hand-over, counted once: as started or abandoned by the task it hands over, or abandoned here when
        // the lane has stopped.
        connection.invocations().execute(() -> {
            try {
                disconnects.execute(disconnect);
            } catch (RejectedExecutionException stopped) {
                intake.abandon(Intake.Work.DISCONNECT);
            }
        });
    }
}
