package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.Connection;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway's HTTP pipeline (HTTP codec, 1 MB aggregator, {@link GatewayHttpHandler}) on an
 * {@link EmbeddedChannel}, seen from a loopback client, with the real handlers over in-memory stores and every
 * integration run inline: a request's bytes go in, the gateway's answers come out, no socket, no thread. One open
 * connection, {@value #OPEN_CONNECTION} of alice, exists from the start.
 */
final class EmbeddedGateway {

    /** The secret the authorizer checks when auth is on (issuer {@link LocalTokens#ISSUER}). */
    static final String SECRET = "gateway-fuzz-test-secret-of-32-bytes-or-more";
    static final String OPEN_CONNECTION = "Conn-Alice-1=";
    private static final Instant NOW = Instant.parse("2026-11-24T10:01:00Z");
    private static final URI WEBSOCKET_URL = URI.create("ws://localhost:3001/local");
    private static final StaticContent PAGE = path -> "/".equals(path) || "/index.html".equals(path)
            ? Optional.of(new StaticContent.File("<!doctype html>".getBytes(StandardCharsets.UTF_8), "text/html"))
            : Optional.empty();

    /** One HTTP response of the gateway, as the client read it. */
    record Answer(int status, HttpHeaders headers, StringBuilder body) {
    }

    /** What the gateway answered: its HTTP responses, and whether it closed the connection. */
    record Exchange(List<Answer> responses, boolean closedByGateway) {
        Answer only() {
            assertThat(responses).hasSize(1);
            return responses.getFirst();
        }
    }

    /** An EmbeddedChannel whose peer is a loopback address, as the gateway's sockets are. */
    private static final class ClientChannel extends EmbeddedChannel {
        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
        }
    }

    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Set<String> preexisting;
    private final Connections connections = new Connections();
    private final EmbeddedChannel alice = new EmbeddedChannel();
    private final ClientChannel channel = new ClientChannel();
    /** The methods of the requests the gateway read, in order: a client reads the answer to a HEAD differently. */
    private final Queue<HttpMethod> methods = new ArrayDeque<>();

    EmbeddedGateway(boolean auth) {
        ConnectionStore store = tracking(new InMemoryConnectionStore(), registered);
        Switchboard switchboard = TestSwitchboard.builder()
                .store(store)
                .sender((id, payload) -> SendOutcome.DELIVERED).maxInFlight(2)
                .retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO))
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .build().switchboard();
        switchboard.connect(OPEN_CONNECTION, "alice", "127.0.0.1");
        preexisting = Set.copyOf(registered);
        connections.add(new LocalConnection(OPEN_CONNECTION, alice, NOW, "127.0.0.1", "test", Map.of(),
                new AtomicReference<>(NOW), new AtomicReference<>(), new ConnectionQueue(Runnable::run)));

        Integrations integrations =
                LocalRuntime.integrations(switchboard, auth ? Optional.of(SECRET) : Optional.empty());
        // Named as in GatewayServer's pipeline: the upgrade removes "aggregator" by name.
        channel.pipeline()
                .addLast("http", new HttpServerCodec())
                .addLast("aggregator", new GatewayRequestAggregator(1024 * 1024))
                .addLast("methods", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof HttpRequest request) {
                            methods.add(request.method());
                        }
                        ctx.fireChannelRead(msg);
                    }
                })
                .addLast("gateway", new GatewayHttpHandler(CONFIG, WEBSOCKET_URL, connections, Runnable::run,
                        Runnable::run, new ManagementApi(connections, CONFIG), integrations, Clock.systemUTC(),
                        PAGE));
    }

    private static final EmulatorConfig CONFIG = EmulatorConfig.builder().build();

    /** Sends bytes as the client and returns what the gateway answered (a 101 ends the HTTP part). */
    Exchange send(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        channel.runPendingTasks();
        return new Exchange(responses(), !channel.isOpen());
    }

    Exchange send(String request) {
        return send(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The client goes away; the gateway runs whatever it runs then ($disconnect). */
    void hangUp() {
        channel.close();
        channel.runPendingTasks();
        channel.finishAndReleaseAll();
        alice.finishAndReleaseAll();
    }

    /** Connections $connect registered in the store and $disconnect has not removed. */
    Set<String> leftInStore() {
        Set<String> left = new java.util.HashSet<>(registered);
        left.removeAll(preexisting);
        return left;
    }

    /** How many connections the gateway lists as its own (alice's included). */
    int listed() {
        return connections.size();
    }

    /** What the gateway sent to alice's socket. */
    List<Object> sentToAlice() {
        List<Object> frames = new ArrayList<>();
        for (Object frame; (frame = alice.readOutbound()) != null; ) {
            frames.add(frame);
        }
        return frames;
    }

    private List<Answer> responses() {
        // A client codec that has "sent" the same requests, so it knows which answer belongs to a HEAD.
        EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec());
        for (HttpMethod method; (method = methods.poll()) != null; ) {
            client.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
        }
        client.releaseOutbound();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            if (out instanceof ByteBuf bytes) {
                client.writeInbound(bytes);
            } else {
                ReferenceCountUtil.release(out);
            }
        }
        client.finish();
        List<Answer> responses = new ArrayList<>();
        for (Object in; (in = client.readInbound()) != null; ) {
            if (in instanceof HttpResponse response) {
                assertThat(response.decoderResult().isSuccess()).as("the gateway wrote a malformed response").isTrue();
                responses.add(new Answer(response.status().code(), response.headers().copy(), new StringBuilder()));
            }
            if (in instanceof HttpContent content && !responses.isEmpty()) {
                responses.getLast().body().append(content.content().toString(StandardCharsets.UTF_8));
            }
            ReferenceCountUtil.release(in);
        }
        return responses;
    }

    /** The store, recording which connections are registered and not yet removed. */
    private static ConnectionStore tracking(InMemoryConnectionStore store, Set<String> live) {
        return (ConnectionStore) Proxy.newProxyInstance(ConnectionStore.class.getClassLoader(),
                new Class<?>[] {ConnectionStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("register")) {
                        live.add(((Connection) args[0]).connectionId());
                    } else if (method.getName().equals("remove") || method.getName().equals("forget")) {
                        live.remove((String) args[0]);
                    }
                    return result;
                });
    }
}
