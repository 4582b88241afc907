package dev.switchboard.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.CloseCodes;
import dev.switchboard.protocol.Route;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that arrives as HTTP: WebSocket handshakes (authorizer and {@code $connect} run before the upgrade
 * completes, and a refusal answers with their status), the Management API, the local publish endpoint and
 * static files. Every request must come from this machine's own clients ({@link LocalAccess}: {@code Host} and
 * {@code Origin}) before anything else is looked at.
 */
final class GatewayHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger("dev.switchboard.local.Gateway");

    private final EmulatorConfig config;
    private final URI webSocketUrl;
    private final Connections connections;
    private final Executor invocations;
    /** Where $disconnects run: a lane of their own, so a storm of them does not hold up new connections. */
    private final Executor disconnects;
    private final Integrations integrations;
    private final Clock clock;
    private final StaticContent content;
    private final EventFactory events;
    private final ManagementApi management;
    private final LocalAccess access;
    private final Intake intake;
    /** Set once this connection sent a WebSocket handshake: whatever it sends before the answer is ignored. */
    private boolean handshaking;

    GatewayHttpHandler(GatewayServer gateway, Integrations integrations, Clock clock, StaticContent content) {
        this(gateway.config(), gateway.webSocketUrl(), gateway.connections(), gateway.invocations(),
                gateway.disconnects(), gateway.managementApi(), gateway.access(), gateway.intake(), integrations, clock,
                content);
    }

    /** The gateway's parts one by one, so a test can drive the handler without a socket or a thread pool. */
    GatewayHttpHandler(EmulatorConfig config, URI webSocketUrl, Connections connections, Executor invocations,
                       Executor disconnects, ManagementApi management, Integrations integrations, Clock clock,
                       StaticContent content) {
        this(config, webSocketUrl, connections, invocations, disconnects, management,
                new LocalAccess(config, webSocketUrl.getPort()), new Intake(), integrations, clock, content);
    }

    private GatewayHttpHandler(EmulatorConfig config, URI webSocketUrl, Connections connections,
                               Executor invocations, Executor disconnects, ManagementApi management,
                               LocalAccess access, Intake intake, Integrations integrations, Clock clock,
                               StaticContent content) {
        this.config = config;
        this.webSocketUrl = webSocketUrl;
        this.connections = connections;
        this.invocations = invocations;
        this.disconnects = disconnects;
        this.integrations = integrations;
        this.clock = clock;
        this.content = content;
        String domain = "localhost:" + webSocketUrl.getPort();
        this.events = new EventFactory(config.stage(), domain, "local");
        this.management = management;
        this.access = access;
        this.intake = intake;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (handshaking || !ctx.channel().isActive()) {
            // Requests pipelined behind a handshake (a client must wait for its answer), or behind an answer that
            // closed the connection: serving them could run $connect for a connection no upgrade will follow.
            return;
        }
        if (request.decoderResult().isFailure()) {
            // Not HTTP the codec could read: the rest of the stream cannot be trusted either.
            HttpResponses.refuse(ctx, 400, "Bad Request");
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path;
        Map<String, List<String>> query;
        try {
            path = uri.path();
            query = uri.parameters();
        } catch (IllegalArgumentException e) {
            // A malformed %-escape (e.g. %zz) in the path or query string.
            HttpResponses.error(ctx, 400, "BadRequestException", "Malformed request URI");
            return;
        }
        Optional<LocalAccess.Refusal> foreign = access.check(request.headers());
        if (foreign.isPresent()) {
            LOG.info("REFUSED    {} {} {}: {}", request.method(), path, foreign.get().status(),
                    foreign.get().message());
            refuse(ctx, foreign.get(), isUpgrade(request));
            return;
        }
        String stagePath = "/" + config.stage();
        if (path.equals(stagePath) && isUpgrade(request)) {
            handshake(ctx, request, query);
        } else if (path.startsWith(stagePath + "/@connections/")) {
            // The path is decoded once, as API Gateway does: the SDKs escape the id once.
            manage(ctx, request.method(), path.substring((stagePath + "/@connections/").length()),
                    request.content());
        } else if (path.equals("/publish") && request.method().equals(HttpMethod.POST)) {
            Optional<LocalAccess.Refusal> notJson = LocalAccess.checkJson(request.headers());
            if (notJson.isPresent()) {
                refuse(ctx, notJson.get(), false);
                return;
            }
            publish(ctx, request.content().toString(StandardCharsets.UTF_8));
        } else if (request.method().equals(HttpMethod.GET) && content.find(path).isPresent()) {
            StaticContent.File file = content.find(path).get();
            HttpResponses.bytes(ctx, file.bytes(), file.contentType());
        } else if (path.equals(stagePath)) {
            HttpResponses.error(ctx, 426, null, "Upgrade Required: connect with a WebSocket client");
        } else {
            HttpResponses.error(ctx, 403, "ForbiddenException", "Forbidden");
        }
    }

    /** Answers a refused request; a refused handshake also closes the connection, as other refusals of it do. */
    private static void refuse(ChannelHandlerContext ctx, LocalAccess.Refusal refusal, boolean handshake) {
        if (handshake) {
            HttpResponses.refuse(ctx, refusal.status(), refusal.message());
        } else {
            HttpResponses.error(ctx, refusal.status(), refusal.errorType(), refusal.message());
        }
    }

    /** A management API request over HTTP; a delivered post is answered after the configured latency. */
    private void manage(ChannelHandlerContext ctx, HttpMethod method, String connectionId, ByteBuf body) {
        ManagementApi.Answer answer = management.handle(method, connectionId, body);
        Duration latency = management.postLatency();
        if (method.equals(HttpMethod.POST) && answer.status() == 200 && !latency.isZero()) {
            ctx.executor().schedule(() -> HttpResponses.answer(ctx, answer), latency.toNanos(), TimeUnit.NANOSECONDS);
        } else {
            HttpResponses.answer(ctx, answer);
        }
    }

    private static boolean isUpgrade(FullHttpRequest request) {
        return request.method().equals(HttpMethod.GET)
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /** Authorizer, then $connect, then the upgrade, in that order, off the event loop. */
    private void handshake(ChannelHandlerContext ctx, FullHttpRequest request, Map<String, List<String>> query) {
        // RFC 6455's handshake rules, checked before any integration runs, as API Gateway does: $connect must
        // never register a connection that the upgrade then refuses.
        HttpHeaders headers = request.headers();
        if (!"13".equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        String key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key == null || key.isBlank()
                || !headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                || !headers.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            HttpResponses.refuse(ctx, 400, "Bad Request: not a WebSocket handshake");
            return;
        }
        if (!intake.admit(Intake.Work.HANDSHAKE)) {
            // As API Gateway answers a handshake it throttles; clients reconnect with backoff.
            HttpResponses.tooManyRequests(ctx, intake.retryAfterMillis(), true);
            return;
        }
        handshaking = true;
        ctx.channel().config().setAutoRead(false);
        FullHttpRequest retained = request.retainedDuplicate();
        invocations.execute(intake.admitted(Intake.Work.HANDSHAKE, () -> {
            try {
                admit(ctx, retained, query);
            } catch (RuntimeException e) {
                LOG.error("CONNECT failed: {}", e.getMessage(), e);
                HttpResponses.refuse(ctx, 500, "Internal server error");
            } finally {
                ReferenceCountUtil.release(retained);
            }
        }, () -> {
            ReferenceCountUtil.release(retained);
            HttpResponses.refuse(ctx, 503, "Service Unavailable: the local stack is stopping");
        }));
    }

    private void admit(ChannelHandlerContext ctx, FullHttpRequest request, Map<String, List<String>> query) {
        String connectionId = EventFactory.newId();
        Instant now = clock.instant();
        String sourceIp = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        String userAgent = Optional.ofNullable(request.headers().get(HttpHeaderNames.USER_AGENT)).orElse("");
        Map<String, String> authorizerContext = Map.of();
        if (integrations.hasAuthorizer()) {
            Integrations.Decision decision = integrations.authorize(
                    events.authorizer(connectionId, request.headers(), query, sourceIp, userAgent, now));
            switch (decision) {
                case Integrations.Decision.Unauthorized u -> {
                    LOG.info("CONNECT    {} refused 401 (no token)", connectionId);
                    HttpResponses.refuse(ctx, 401, "Unauthorized");
                    return;
                }
                case Integrations.Decision.Deny d -> {
                    LOG.info("CONNECT    {} refused 403 (authorizer denied)", connectionId);
                    HttpResponses.refuse(ctx, 403, "Forbidden");
                    return;
                }
                case Integrations.Decision.Failed f -> {
                    LOG.info("CONNECT    {} refused 500 (authorizer failed: {})", connectionId, f.error());
                    HttpResponses.refuse(ctx, 500, "Internal server error");
                    return;
                }
                case Integrations.Decision.Allow allow -> authorizerContext = allow.context();
            }
        }
        if (integrations.hasRoute(Route.CONNECT)) {
            Integrations.Result result = integrations.invoke(Route.CONNECT, events.connect(connectionId,
                    request.headers(), query, sourceIp, userAgent, authorizerContext, now));
            if (!result.ok()) {
                LOG.info("CONNECT    {} refused {} by $connect", connectionId, result.statusCode());
                HttpResponses.refuse(ctx, result.statusCode(), "Forbidden");
                return;
            }
        }
        LocalConnection connection = new LocalConnection(connectionId, ctx.channel(), now, sourceIp, userAgent,
                authorizerContext, new AtomicReference<>(now), new AtomicReference<>(),
                new ConnectionQueue(invocations));
        FullHttpRequest forUpgrade = request.retain();
        try {
            ctx.channel().eventLoop().execute(() -> {
                try {
                    upgrade(ctx, forUpgrade, connection);
                } catch (RuntimeException e) {
                    LOG.warn("CONNECT    {} upgrade failed: {}", connectionId, e.toString(), e);
                    ctx.close();
                }
            });
        } catch (RejectedExecutionException stopped) {
            // The stack stopped while $connect ran: the connection's row expires by TTL, as after a lost $disconnect.
            ReferenceCountUtil.release(forUpgrade);
            LOG.info("CONNECT    {} abandoned: the stack is stopping", connectionId);
            return;
        }
        LOG.info("CONNECT    {} user={} ip={}", connectionId,
                authorizerContext.getOrDefault("userId", "-"), sourceIp);
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, LocalConnection connection) {
        try {
            WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                    webSocketUrl.toString(), null, true, config.maxFrameBytes())
                    .newHandshaker(request);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            ctx.pipeline().remove("aggregator");
            // Usable from the moment the upgrade is answered: a post racing the client's read of the 101 is
            // written after the 101 on this same channel, as API Gateway would deliver it.
            connections.add(connection);
            handshaker.handshake(ctx.channel(), request).addListener(done -> {
                if (!done.isSuccess()) {
                    LOG.warn("CONNECT    {} handshake failed: {}", connection.id(), done.cause().toString());
                    connections.remove(connection);
                    ctx.close();
                    return;
                }
                ctx.pipeline().addLast("idle", new IdleStateHandler(0, 0,
                        config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                ctx.pipeline().addLast("frames", new GatewayFrameAggregator(config.maxMessageBytes()));
                ctx.pipeline().addLast("socket", new WebSocketConnectionHandler(connection, handshaker,
                        integrations, events, connections, clock, disconnects, intake));
                ctx.pipeline().remove(this);
                ctx.channel().eventLoop().schedule(() -> {
                    connection.closing(CloseCodes.GOING_AWAY, "Going away");
                    handshaker.close(ctx.channel(), new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(
                            CloseCodes.GOING_AWAY, "Going away"));
                }, config.maxLifetime().toMillis(), TimeUnit.MILLISECONDS);
                ctx.channel().config().setAutoRead(true);
            });
        } finally {
            ReferenceCountUtil.release(request);
        }
    }

    private void publish(ChannelHandlerContext ctx, String body) {
        if (!integrations.hasPublisher()) {
            HttpResponses.error(ctx, 404, null, "no publisher configured");
            return;
        }
        if (!intake.admit(Intake.Work.PUBLISH)) {
            HttpResponses.tooManyRequests(ctx, intake.retryAfterMillis(), false);
            return;
        }
        invocations.execute(intake.admitted(Intake.Work.PUBLISH, () -> {
            String messageId = java.util.UUID.randomUUID().toString();
            try {
                JsonNode response = integrations.publish(
                        Integrations.sqsEvent("switchboard-publish", messageId, body));
                if (response.path("batchItemFailures").isEmpty()) {
                    LOG.info("PUBLISH    {} accepted", messageId);
                    HttpResponses.json(ctx, 202, "{\"messageId\":\"" + messageId + "\"}");
                } else {
                    LOG.info("PUBLISH    {} rejected (it would go to the dead-letter queue)", messageId);
                    HttpResponses.error(ctx, 400, "InvalidPublishRequest",
                            "publish request rejected: malformed, invalid or undeliverable");
                }
            } catch (Integrations.InvocationFailed e) {
                HttpResponses.error(ctx, 500, "InternalServerErrorException", "publisher failed");
            }
        }, () -> HttpResponses.error(ctx, 503, "ServiceUnavailableException", "the local stack is stopping")));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP channel error: {}", cause.toString());
        ctx.close();
    }
}
