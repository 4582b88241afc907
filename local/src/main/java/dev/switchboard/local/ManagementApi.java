package dev.switchboard.local;

import dev.switchboard.protocol.CloseCodes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API Gateway Management API for this stage: {@code POST} sends a message to a connection (200), {@code GET}
 * describes it (200), {@code DELETE} closes it (204); an unknown or closed id is 410 GoneException and a body
 * over 128 KB is 413 PayloadTooLargeException. It answers the same whichever way a request comes: over HTTP on the
 * gateway's port (the AWS SDKs and CLI, signed with any credentials) or handed over in-process by the handlers'
 * SDK client ({@link InProcessManagementApi}).
 *
 * <p>Posts to a client that does not read what it is sent wait in its socket's outbound buffer; past
 * {@value #MAX_UNREAD_BYTES} bytes the connection is closed (the client reconnects and resumes what it missed) and
 * the post answered 410, so a stalled client cannot make the emulator hold its messages without bound. While the
 * stack stops, posts are answered 410 at once and counted.
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

    /** Bytes a connection may leave unread before a post to it closes it instead. */
    static final int MAX_UNREAD_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger("dev.switchboard.local.Gateway");

    private final Connections connections;
    private final EmulatorConfig config;
    private final Intake intake;
    private final LongAdder refusedWhileStopping = new LongAdder();

    ManagementApi(Connections connections, EmulatorConfig config) {
        this(connections, config, new Intake());
    }

    ManagementApi(Connections connections, EmulatorConfig config, Intake intake) {
        this.connections = connections;
        this.config = config;
        this.intake = intake;
    }

    /** Posts answered 410 because the stack was stopping. */
    long refusedWhileStopping() {
        return refusedWhileStopping.sum();
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
            if (intake.stopping()) {
                refusedWhileStopping.increment();
                return Answer.error(410, "GoneException", "Connection " + connectionId
                        + " is gone: the stack is stopping");
            }
            Channel channel = connection.channel();
            long unread = unreadBytes(channel);
            if (unread + body.readableBytes() > MAX_UNREAD_BYTES) {
                LOG.info("UNREAD     {} closed: {} bytes sent to it and not read", connectionId, unread);
                connection.closing(CloseCodes.POLICY_VIOLATION, "Policy Violation: messages are not being read");
                channel.close();
                return Answer.error(410, "GoneException", "Connection " + connectionId + " is gone: it did not read "
                        + "its messages");
            }
            channel.writeAndFlush(new TextWebSocketFrame(body.toString(StandardCharsets.UTF_8)));
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
            connection.closing(CloseCodes.NORMAL_CLOSURE, "Connection deleted through the management API");
            connection.channel().writeAndFlush(new CloseWebSocketFrame(CloseCodes.NORMAL_CLOSURE, ""))
                    .addListener(f -> connection.channel().close());
            return Answer.empty(204);
        }
        return Answer.error(403, "ForbiddenException", "Forbidden");
    }

    /** What was written to the connection and is still waiting for the client to read it. */
    private static long unreadBytes(Channel channel) {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
