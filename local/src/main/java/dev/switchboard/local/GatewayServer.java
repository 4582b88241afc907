package dev.switchboard.local;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The emulated API Gateway WebSocket API: one Netty server on one port serving the WebSocket endpoint
 * ({@code ws://host:port/<stage>}), the Management API ({@code http://host:port/<stage>/@connections/{id}}) and
 * a local publish entry point ({@code POST /publish}, standing in for the SQS queue).
 *
 * <pre>{@code
 * GatewayServer gateway = GatewayServer.start(EmulatorConfig.builder().port(0).build(), integrations);
 * URI ws = gateway.webSocketUrl();
 * gateway.close();
 * }</pre>
 */
public final class GatewayServer implements AutoCloseable {

    /** Integrations running at once; more wait their turn (Lambda's account concurrency plays this role). */
    static final int MAX_CONCURRENT_INVOCATIONS = 256;

    /**
     * {@code $disconnect}s running at once, in a lane of their own: when thousands of sockets close together their
     * {@code $disconnect}s queue here, and new handshakes and messages do not wait behind them, as in AWS, where
     * Lambda scales out instead of queueing. Four keep two cores and the store busy; more would only lengthen the
     * queues that other invocations' store calls and threads wait in.
     */
    static final int MAX_CONCURRENT_DISCONNECTS = 4;

    private final EmulatorConfig config;
    private final EventLoopGroup group;
    private final ExecutorService invocations;
    private final ExecutorService disconnects;
    private final Connections connections;
    private final ManagementApi managementApi;
    private final Channel serverChannel;
    private final int port;
    private final LocalAccess access;

    private GatewayServer(EmulatorConfig config, Integrations integrations, Clock clock, StaticContent content)
            throws InterruptedException {
        this.config = Objects.requireNonNull(config, "config");
        this.group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        // Integrations block (on the store, on @connections): they run on virtual threads, never on Netty's, and
        // at most MAX_CONCURRENT_INVOCATIONS at once, as Lambda's concurrency limit would have it (10,000 sockets
        // closing together would otherwise start 10,000 $disconnects at once). A fixed set of workers takes the
        // waiting ones from a queue in arrival order: a backlog is a queue entry each, not a parked thread each
        // that the scheduler wakes one by one.
        this.invocations = Executors.newFixedThreadPool(MAX_CONCURRENT_INVOCATIONS,
                Thread.ofVirtual().name("integration-", 0).factory());
        this.disconnects = Executors.newFixedThreadPool(MAX_CONCURRENT_DISCONNECTS,
                Thread.ofVirtual().name("disconnect-", 0).factory());
        this.connections = new Connections();
        this.managementApi = new ManagementApi(connections, config);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                // Accepting waits until the port is known and everything a connection's handlers read is set.
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast("http", new HttpServerCodec())
                                // Bodies are read whole (up to 1 MB) so an over-limit POST gets its 413 answer;
                                // the 128 KB limit itself is the management API's check.
                                .addLast("aggregator", new GatewayRequestAggregator(1024 * 1024))
                                .addLast("gateway", new GatewayHttpHandler(GatewayServer.this, integrations, clock,
                                        content));
                    }
                });
        this.serverChannel = bootstrap.bind(config.host(), config.port()).sync().channel();
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        this.access = new LocalAccess(config, port);
        serverChannel.config().setAutoRead(true);
    }

    /** Starts the gateway; with port 0 it picks a free port ({@link #port()}). */
    public static GatewayServer start(EmulatorConfig config, Integrations integrations) {
        return start(config, integrations, Clock.systemUTC(), StaticContent.none());
    }

    public static GatewayServer start(EmulatorConfig config, Integrations integrations, Clock clock,
                                      StaticContent content) {
        try {
            return new GatewayServer(config, integrations, clock, content);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        }
    }

    public int port() {
        return port;
    }

    public EmulatorConfig config() {
        return config;
    }

    /** Where clients connect: {@code ws://host:port/<stage>}. */
    public URI webSocketUrl() {
        return URI.create("ws://" + hostForUrls() + ":" + port + "/" + config.stage());
    }

    /** The Management API endpoint to give SDK clients as endpoint override: {@code http://host:port/<stage>}. */
    public URI managementEndpoint() {
        return URI.create("http://" + hostForUrls() + ":" + port + "/" + config.stage());
    }

    /** The local stand-in for the publish queue. */
    public URI publishUrl() {
        return URI.create("http://" + hostForUrls() + ":" + port + "/publish");
    }

    private String hostForUrls() {
        return "0.0.0.0".equals(config.host()) ? "localhost" : config.host();
    }

    /** Which {@code Host} and {@code Origin} values the gateway serves. */
    LocalAccess access() {
        return access;
    }

    Connections connections() {
        return connections;
    }

    /** The {@code @connections} API of this stage, whichever way its requests come. */
    ManagementApi managementApi() {
        return managementApi;
    }

    ExecutorService invocations() {
        return invocations;
    }

    /** Where {@code $disconnect}s run, apart from everything else. */
    ExecutorService disconnects() {
        return disconnects;
    }

    /** Number of open WebSocket connections. */
    public int openConnections() {
        return connections.size();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        connections.closeAll();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        invocations.shutdown();
        try {
            // Let the $disconnect of every closed socket finish before the store behind it goes away (the last
            // invocations may still hand theirs over).
            invocations.awaitTermination(60, TimeUnit.SECONDS);
            disconnects.shutdown();
            disconnects.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
