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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private final Intake intake = new Intake();

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
        this.managementApi = new ManagementApi(connections, config, intake);
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
        group.next().scheduleAtFixedRate(intake::tick, Intake.TICK_MS, Intake.TICK_MS, TimeUnit.MILLISECONDS);
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

    /** What the gateway admits, refuses and gives up. */
    Intake intake() {
        return intake;
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

    /** Stops within {@link #STOP_GRACE} and a little more, whatever the load; see {@link #stop(long)}. */
    @Override
    public void close() {
        stop(System.nanoTime() + STOP_GRACE.toNanos());
    }

    /**
     * Stops: accepts and admits nothing more, closes every socket, and gives work in progress until
     * {@code deadlineNanos} ({@link System#nanoTime()}) to finish. Frames, handshakes and publishes still waiting are
     * abandoned at once (their clients are gone); {@code $disconnect}s run until the deadline, as many as fit, since
     * they clean up the store. At the deadline whatever has not started is abandoned and whatever runs is
     * interrupted. Returns what was given up.
     */
    StopReport stop(long deadlineNanos) {
        long start = System.nanoTime();
        intake.stop();
        serverChannel.close().syncUninterruptibly();
        connections.closeAll();
        // The event loops finish what they hold (the closes, and with them each socket's $disconnect handed to its
        // queue) and end; invocations still running find their sockets closed.
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(remainingMillis(deadlineNanos),
                TimeUnit.MILLISECONDS);
        invocations.shutdown();
        awaitUntil(invocations, deadlineNanos);
        // Every $disconnect has been handed to its lane once no invocation runs (or the deadline has come).
        disconnects.shutdown();
        awaitUntil(disconnects, deadlineNanos);
        intake.halt();
        long interrupted = 0;
        for (Intake.Work work : Intake.Work.values()) {
            interrupted += intake.running(work);
        }
        List<Runnable> unstarted = new ArrayList<>(invocations.shutdownNow());
        unstarted.addAll(disconnects.shutdownNow());
        // Never started: run here, where each of their tasks only counts itself abandoned (the intake has halted).
        unstarted.forEach(Runnable::run);
        awaitUntil(invocations, System.nanoTime() + AFTER_INTERRUPT.toNanos());
        awaitUntil(disconnects, System.nanoTime() + AFTER_INTERRUPT.toNanos());
        return new StopReport(Duration.ofNanos(System.nanoTime() - start), intake.abandoned(Intake.Work.MESSAGE),
                intake.abandoned(Intake.Work.HANDSHAKE), intake.abandoned(Intake.Work.PUBLISH),
                intake.abandoned(Intake.Work.DISCONNECT), 0, managementApi.refusedWhileStopping(), interrupted);
    }

    /** How long a stop lets work in progress finish before it interrupts it. */
    static final Duration STOP_GRACE = Duration.ofSeconds(2);
    /** How long interrupted work gets to end. */
    private static final Duration AFTER_INTERRUPT = Duration.ofMillis(500);

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static void awaitUntil(ExecutorService executor, long deadlineNanos) {
        try {
            executor.awaitTermination(remainingMillis(deadlineNanos), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
