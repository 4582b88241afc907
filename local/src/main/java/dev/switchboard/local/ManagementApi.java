package dev.switchboard.local;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The API Gateway Management API for this stage: {@code POST} sends a message to a connection (200), {@code GET}
 * describes it (200), {@code DELETE} closes it (204); an unknown or closed id is 410 GoneException and a body
 * over 128 KB is 413 PayloadTooLargeException. Requests signed by the AWS SDKs or CLI are accepted with any
 * credentials.
 */
final class ManagementApi {

    private final Connections connections;
    private final EmulatorConfig config;
    private final Clock clock;

    ManagementApi(Connections connections, EmulatorConfig config, Clock clock) {
        this.connections = connections;
        this.config = config;
        this.clock = clock;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest request, String connectionId) {
        Optional<LocalConnection> found = connections.find(connectionId);
        if (found.isEmpty()) {
            HttpResponses.error(ctx, 410, "GoneException", "Connection " + connectionId + " is gone");
            return;
        }
        LocalConnection connection = found.get();
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.POST)) {
            if (request.content().readableBytes() > config.maxMessageBytes()) {
                HttpResponses.error(ctx, 413, "PayloadTooLargeException", "Payload too large");
                return;
            }
            connection.channel().writeAndFlush(new TextWebSocketFrame(
                    request.content().toString(StandardCharsets.UTF_8)));
            if (config.postLatency().isZero()) {
                HttpResponses.empty(ctx, 200);
            } else {
                // The caller waits a network round trip for the answer, as it would from Lambda to API Gateway.
                ctx.executor().schedule(() -> HttpResponses.empty(ctx, 200), config.postLatency().toNanos(),
                        TimeUnit.NANOSECONDS);
            }
        } else if (method.equals(HttpMethod.GET)) {
            var body = Integrations.JSON.createObjectNode();
            body.put("connectedAt", connection.connectedAt().toString());
            body.put("lastActiveAt", connection.lastActiveAt().get().toString());
            var identity = body.putObject("identity");
            identity.put("sourceIp", connection.sourceIp());
            identity.put("userAgent", connection.userAgent());
            HttpResponses.json(ctx, 200, body.toString());
        } else if (method.equals(HttpMethod.DELETE)) {
            connection.closing(1000, "Connection deleted through the management API");
            connection.channel().writeAndFlush(new CloseWebSocketFrame(1000, ""))
                    .addListener(f -> connection.channel().close());
            HttpResponses.empty(ctx, 204);
        } else {
            HttpResponses.error(ctx, 403, "ForbiddenException", "Forbidden");
        }
    }
}
