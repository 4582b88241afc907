package dev.switchboard.loadtest;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The capacity benchmark's clients: plain WebSocket sockets (Netty, one event-loop thread) that join a room and
 * count the messages they receive. They speak the wire protocol by hand, with no client library in between, so
 * what is measured is the stack: a socket is seated when the {@code ack} of its {@code join} arrives, and a
 * broadcast is delivered when every socket has a {@code message} whose {@code data} is the broadcast's marker.
 *
 * <pre>{@code
 * try (CapacityClients clients = new CapacityClients(URI.create("ws://127.0.0.1:3001/local"))) {
 *     CapacityClients.Seating seating = clients.seat(1_000, "lobby", 100, Duration.ofSeconds(30));
 *     CapacityClients.Delivery first = clients.broadcast(seating.sockets(), "cap-1", Duration.ofSeconds(30));
 * }
 * }</pre>
 */
final class CapacityClients implements AutoCloseable {

    /** How a batch of sockets was seated: those that joined, how many failed, and how long it took. */
    record Seating(List<Socket> sockets, int failed, long nanos) {
        Seating {
            sockets = List.copyOf(sockets);
        }

        double seconds() {
            return nanos / 1e9;
        }
    }

    /**
     * One broadcast: how many sockets received it (once or more), how many copies arrived twice, and the time from
     * the send until the last socket had it (while it is incomplete, until the wait gave up).
     */
    record Delivery(int delivered, int duplicates, long nanos) {
        double seconds() {
            return nanos / 1e9;
        }
    }

    private final URI url;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    CapacityClients(URI url) {
        this.url = url;
    }

    /**
     * Opens {@code count} sockets and joins each to {@code room}, with at most {@code concurrency} of them between
     * opening and their join's ack at any time; returns when every one is seated or has failed.
     */
    Seating seat(int count, String room, int concurrency, Duration timeout) throws InterruptedException {
        Semaphore window = new Semaphore(concurrency);
        List<Socket> joined = new ArrayList<>(count);
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            window.acquire();
            Socket socket = new Socket(room);
            socket.seated.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, error) -> {
                if (error == null) {
                    synchronized (joined) {
                        joined.add(socket);
                    }
                } else {
                    failed.incrementAndGet();
                    socket.close();
                }
                window.release();
                done.countDown();
            });
            socket.open();
        }
        done.await();
        long nanos = System.nanoTime() - start;
        synchronized (joined) {
            return new Seating(joined, failed.get(), nanos);
        }
    }

    /**
     * Sends one message carrying {@code marker} from the first of {@code members} to their room, and waits until
     * every one of them has received it or {@code timeout} passes.
     */
    Delivery broadcast(List<Socket> members, String marker, Duration timeout) throws InterruptedException {
        Tally tally = tallies.computeIfAbsent(marker, m -> new Tally());
        Socket sender = members.getFirst();
        long start = System.nanoTime();
        sender.send("{\"action\":\"send\",\"room\":\"" + sender.room + "\",\"id\":\"" + marker + "\",\"data\":\""
                + marker + "\"}");
        long deadline = start + timeout.toNanos();
        while (tally.delivered.get() < members.size() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        long last = tally.lastNanos.get();
        boolean complete = tally.delivered.get() >= members.size();
        return new Delivery(tally.delivered.get(), tally.duplicates.get(),
                complete ? last - start : System.nanoTime() - start);
    }

    /** Closes every socket at once, each with a close frame (1000) as a well-behaved client does. */
    void closeAll() {
        for (Socket socket : List.copyOf(open)) {
            socket.close();
        }
    }

    int openSockets() {
        return open.size();
    }

    @Override
    public void close() {
        closeAll();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Per marker: sockets that received it, copies that arrived twice, and when the last first copy came. */
    private static final class Tally {
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        final AtomicLong lastNanos = new AtomicLong();
    }

    /** One client socket. */
    final class Socket {
        private final String room;
        private final CompletableFuture<Void> seated = new CompletableFuture<>();
        private final Set<String> markers = ConcurrentHashMap.newKeySet();
        private volatile Channel channel;

        private Socket(String room) {
            this.room = room;
        }

        private void open() {
            WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(url)
                    .handshakeTimeoutMillis(30_000)
                    .maxFramePayloadLength(256 * 1024)
                    .build();
            new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                    new WebSocketClientProtocolHandler(config),
                                    new WebSocketFrameAggregator(256 * 1024), new Frames());
                        }
                    })
                    .connect(url.getHost(), url.getPort())
                    .addListener(connected -> {
                        if (!connected.isSuccess()) {
                            seated.completeExceptionally(connected.cause());
                        }
                    });
        }

        private void send(String text) {
            channel.writeAndFlush(new TextWebSocketFrame(text));
        }

        void close() {
            open.remove(this);
            Channel c = channel;
            if (c != null && c.isActive()) {
                c.writeAndFlush(new CloseWebSocketFrame(1000, "bye")).addListener(f -> c.close());
            }
        }

        /** Reads the frames of this socket: the join's ack, messages with a marker, errors. */
        private final class Frames extends SimpleChannelInboundHandler<TextWebSocketFrame> {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
                if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                    channel = ctx.channel();
                    open.add(Socket.this);
                    send("{\"action\":\"join\",\"room\":\"" + room + "\",\"id\":\"join\"}");
                } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                    seated.completeExceptionally(new IllegalStateException("handshake timed out"));
                }
                super.userEventTriggered(ctx, event);
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                String text = frame.text();
                if (text.contains("\"type\":\"message\"")) {
                    int at = text.indexOf("\"data\":\"");
                    if (at >= 0) {
                        int from = at + "\"data\":\"".length();
                        String marker = text.substring(from, text.indexOf('"', from));
                        Tally tally = tallies.computeIfAbsent(marker, m -> new Tally());
                        if (markers.add(marker)) {
                            tally.lastNanos.accumulateAndGet(System.nanoTime(), Math::max);
                            tally.delivered.incrementAndGet();
                        } else {
                            tally.duplicates.incrementAndGet();
                        }
                    }
                } else if (text.contains("\"type\":\"ack\"") && text.contains("\"action\":\"join\"")) {
                    seated.complete(null);
                } else if (Refusals.overloaded(text).isPresent() && !seated.isDone()) {
                    // The stack is past its capacity: the join is sent again when it says, as a client would.
                    ctx.executor().schedule(() -> send("{\"action\":\"join\",\"room\":\"" + room
                            + "\",\"id\":\"join\"}"), Refusals.overloaded(text).getAsLong(), TimeUnit.MILLISECONDS);
                } else if (text.contains("\"type\":\"error\"") && !seated.isDone()) {
                    seated.completeExceptionally(new IllegalStateException("join refused: " + text));
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                open.remove(Socket.this);
                seated.completeExceptionally(new IllegalStateException("socket closed before its join's ack"));
                super.channelInactive(ctx);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                seated.completeExceptionally(cause);
                ctx.close();
            }
        }
    }
}
