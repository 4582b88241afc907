package dev.switchboard.local;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The API Gateway Management API for this stage: {@code POST} sends a message to a connection (200), {@code GET}
 * describes it (200), {@code DELETE} closes it (204); an unknown or closed id is 410 GoneException and a body
 * over 128 KB is 413 PayloadTooLargeException. It answers the same whichever way a request comes: over HTTP on the
 * gateway's port (the AWS SDKs and CLI, signed with any credentials) or handed over in-process by the handlers'
 * SDK client ({@link InProcessManagementApi}).
 */
final class ManagementApi {

    /** An answer: the status, the error type API Gateway names in {@code x-amzn-ErrorType} (or none), a body. */
    record Answer(int status, String errorType, String body) {
        static Answer empty(int status) {
            return new Answer(status, null, "");
        }

        static Answer error(int status, String errorType, String message) {
            return new Answer(status, errorType,
                    "{\"message\":" + Integrations.JSON.getNodeFactory().textNode(message) + "}");
        }
    }

    private final Connections connections;
    private final EmulatorConfig config;

    ManagementApi(Connections connections, EmulatorConfig config) {
        this.connections = connections;
        this.config = config;
    }

    /**
     * How long the caller of a delivered post waits for its answer: the network round trip from Lambda to API
     * Gateway that {@code --post-latency-ms} stands in for.
     */
    Duration postLatency() {
        return config.postLatency();
    }

    /** Serves one request for {@code @connections/{connectionId}}; {@code body} is the request's (may be empty). */
    Answer handle(HttpMethod method, String connectionId, ByteBuf body) {
        Optional<LocalConnection> found = connections.find(connectionId);
        if (found.isEmpty()) {
            return Answer.error(410, "GoneException", "Connection " + connectionId + " is gone");
        }
        LocalConnection connection = found.get();
        if (method.equals(HttpMethod.POST)) {
            if (body.readableBytes() > config.maxMessageBytes()) {
                return Answer.error(413, "PayloadTooLargeException", "Payload too large");
            }
            connection.channel().writeAndFlush(new TextWebSocketFrame(body.toString(StandardCharsets.UTF_8)));
            return Answer.empty(200);
        }
        if (method.equals(HttpMethod.GET)) {
            var info = Integrations.JSON.createObjectNode();
            info.put("connectedAt", connection.connectedAt().toString());
            info.put("lastActiveAt", connection.lastActiveAt().get().toString());
            var identity = info.putObject("identity");
            identity.put("sourceIp", connection.sourceIp());
            identity.put("userAgent", connection.userAgent());
            return new Answer(200, null, info.toString());
        }
        if (method.equals(HttpMethod.DELETE)) {
            connection.closing(1000, "Connection deleted through the management API");
            connection.channel().writeAndFlush(new CloseWebSocketFrame(1000, ""))
                    .addListener(f -> connection.channel().close());
            return Answer.empty(204);
        }
        return Answer.error(403, "ForbiddenException", "Forbidden");
    }
}
