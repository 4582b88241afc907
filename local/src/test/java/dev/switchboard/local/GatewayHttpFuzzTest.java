package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.switchboard.core.Broadcaster;
import dev.switchboard.core.Connection;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.InMemoryIdempotencyStore;
import dev.switchboard.core.InMemoryRoomHistory;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.ClientFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The emulator's HTTP side on arbitrary bytes from a client: WebSocket handshakes (authorizer, {@code $connect},
 * upgrade), the {@code @connections} Management API, {@code POST /publish} and static files. The bytes go through
 * the same pipeline as on a socket (HTTP codec, 1 MB aggregator, {@link GatewayHttpHandler}), on an
 * {@link EmbeddedChannel}, with integrations run inline, once with the JWT authorizer on and once with it off.
 *
 * <p>Whatever arrives: every answer is below 500; the gateway never hangs up without answering a complete
 * request; no handler logs an error; and once the client is gone, every connection {@code $connect} registered
 * has been removed again by {@code $disconnect}, in the store and in the gateway. The inputs are raw HTTP/1.1
 * requests, so the committed ones under {@code GatewayHttpFuzzTestInputs/httpRequest/} read as such.
 */
class GatewayHttpFuzzTest {

    /** The secret the committed handshake inputs' tokens are signed with (sub {@code fuzzer}, valid until 2100). */
    static final String SECRET = "gateway-fuzz-test-secret-of-32-bytes-or-more";
    /** A connection that exists in every run, for the Management API inputs to find. */
    static final String OPEN_CONNECTION = "Conn-Alice-1=";
    private static final Instant NOW = Instant.parse("2026-11-24T10:01:00Z");
    private static final URI WEBSOCKET_URL = URI.create("ws://localhost:3001/local");
    private static final StaticContent PAGE = path -> "/".equals(path) || "/index.html".equals(path)
            ? Optional.of(new StaticContent.File("<!doctype html>".getBytes(StandardCharsets.UTF_8), "text/html"))
            : Optional.empty();

    /** An EmbeddedChannel seen from a loopback client, as the gateway's sockets are. */
    private static final class ClientChannel extends EmbeddedChannel {
        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
        }
    }

    @FuzzTest
    void httpRequest(byte[] input) {
        ErrorLog.install();
        run(input, true);
        run(input, false);
    }

    private static void run(byte[] input, boolean auth) {
        String request = (auth ? "(auth on) " : "(auth off) ")
                + new String(input, 0, Math.min(input.length, 100), StandardCharsets.ISO_8859_1).lines().findFirst()
                        .orElse("");
        InMemoryConnectionStore memory = new InMemoryConnectionStore();
        Set<String> live = ConcurrentHashMap.newKeySet();
        ConnectionStore store = tracking(memory, live);
        Switchboard switchboard = Switchboard.builder()
                .store(store)
                .history(new InMemoryRoomHistory())
                .idempotency(new InMemoryIdempotencyStore())
                .broadcaster(new Broadcaster((id, payload) -> SendOutcome.DELIVERED, store, 2,
                        new RetryPolicy(2, Duration.ZERO, Duration.ZERO)))
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .settings(CoreSettings.defaults())
                .build();
        switchboard.connect(OPEN_CONNECTION, "alice", "127.0.0.1");
        switchboard.join(OPEN_CONNECTION, "alice", new ClientFrame.Join(null, "lobby"));
        Set<String> before = Set.copyOf(live);

        Connections connections = new Connections();
        EmbeddedChannel alice = new EmbeddedChannel();
        connections.add(new LocalConnection(OPEN_CONNECTION, alice, NOW, "127.0.0.1", "test", java.util.Map.of(),
                new AtomicReference<>(NOW), new AtomicReference<>(), Runnable::run));

        Integrations integrations = LocalStack.integrations(switchboard, auth ? Optional.of(SECRET) : Optional.empty());
        EmulatorConfig config = EmulatorConfig.builder().build();
        ClientChannel channel = new ClientChannel();
        // As GatewayServer's pipeline: the upgrade removes "aggregator" by name.
        channel.pipeline()
                .addLast("http", new HttpServerCodec())
                .addLast("aggregator", new GatewayRequestAggregator(1024 * 1024))
                .addLast("gateway", new GatewayHttpHandler(config, WEBSOCKET_URL, connections, Runnable::run,
                        integrations, Clock.systemUTC(), PAGE));

        channel.writeInbound(Unpooled.wrappedBuffer(input));
        channel.runPendingTasks();
        List<HttpResponse> responses = responses(channel);
        boolean closedByGateway = !channel.isOpen();
        channel.close();
        channel.runPendingTasks();
        channel.finishAndReleaseAll();
        alice.finishAndReleaseAll();

        for (HttpResponse response : responses) {
            assertThat(response.status().code()).as("status for %s", request).isLessThan(500);
        }
        if (closedByGateway) {
            assertThat(responses).as("the gateway hung up without answering %s", request).isNotEmpty();
        }
        assertThat(live).as("connections $connect registered and $disconnect never removed, %s", request)
                .isEqualTo(before);
        assertThat(connections.size()).as("connections the gateway still lists, %s", request).isEqualTo(1);
        assertThat(ErrorLog.drain()).as(request).isEmpty();
    }

    /** The HTTP responses the gateway wrote, decoded as a client would (a 101 ends the HTTP part). */
    private static List<HttpResponse> responses(EmbeddedChannel channel) {
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder());
        for (Object out; (out = channel.readOutbound()) != null; ) {
            if (out instanceof ByteBuf bytes) {
                client.writeInbound(bytes);
            } else {
                ReferenceCountUtil.release(out);
            }
        }
        List<HttpResponse> responses = new ArrayList<>();
        for (Object in; (in = client.readInbound()) != null; ) {
            if (in instanceof HttpResponse response) {
                assertThat(((HttpObject) response).decoderResult().isSuccess())
                        .as("the gateway wrote a malformed response").isTrue();
                responses.add(response);
            }
            ReferenceCountUtil.release(in);
        }
        client.finishAndReleaseAll();
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
                    } else if (method.getName().equals("remove")) {
                        live.remove((String) args[0]);
                    }
                    return result;
                });
    }
}
