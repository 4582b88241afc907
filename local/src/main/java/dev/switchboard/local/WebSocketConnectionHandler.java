package dev.switchboard.local;

import dev.switchboard.protocol.Route;
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
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open socket: selects a route for each message with {@code $request.body.action}, invokes its integration
 * (in order, off the event loop), returns a two-way route's reply as a frame, and calls {@code $disconnect}
 * once the socket is gone, whatever closed it.
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

    WebSocketConnectionHandler(LocalConnection connection, WebSocketServerHandshaker handshaker,
                               Integrations integrations, EventFactory events, Connections connections, Clock clock,
                               Executor disconnects) {
        this.connection = connection;
        this.handshaker = handshaker;
        this.integrations = integrations;
        this.events = events;
        this.connections = connections;
        this.clock = clock;
        this.disconnects = disconnects;
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
                connection.closing(close.statusCode() < 0 ? 1005 : close.statusCode(),
                        close.reasonText() == null ? "" : close.reasonText());
                handshaker.close(ctx.channel(), close.retain());
            }
            default -> {
                // Pong frames need no answer.
            }
        }
    }

    private void route(ChannelHandlerContext ctx, String body, boolean base64) {
        // Binary frames carry no JSON the gateway can read: they take $default.
        Route selected = base64 ? Route.DEFAULT : Route.select(body);
        Route route = integrations.hasRoute(selected) ? selected : Route.DEFAULT;
        connection.invocations().execute(() -> invoke(ctx, route, body, base64));
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

    private void reply(ChannelHandlerContext ctx, String text) {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new TextWebSocketFrame(text));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            connection.closing(1001, "Going away");
            handshaker.close(ctx.channel(), new CloseWebSocketFrame(1001, "Going away"));
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
            connection.closing(1011, "Internal error");
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
        int status = reason == null ? 1006 : reason.statusCode();
        String text = reason == null ? "Connection closed abnormally" : reason.reason();
        // After the connection's messages still in its queue (order kept), then in the $disconnect lane, so a storm
        // of them does not hold up other connections' handshakes and messages.
        connection.invocations().execute(() -> disconnects.execute(() -> {
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
        }));
    }
}
