package dev.switchboard.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.util.List;
import java.util.Objects;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * Warms a function before Lambda takes its SnapStart snapshot, so restored instances start with classes loaded
 * and code paths compiled: every frame type through the codec, the metrics serializer, and the store, the history
 * and the {@code @connections} client through calls that change nothing (reads of keys that do not exist, a
 * transaction its condition cancels, a direct message to a user with no connections). Registered once per
 * container by {@link Services}; {@link AotTraining} runs the same priming to train an ahead-of-time cache.
 */
final class SnapStartPriming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);
    /** Ids no client can have: connection and user ids from API Gateway and tokens never look like this. */
    static final String NOBODY = "__switchboard_priming__";

    private final Switchboard switchboard;

    SnapStartPriming(Switchboard switchboard) {
        this.switchboard = Objects.requireNonNull(switchboard, "switchboard");
    }

    /** Registers with the runtime's checkpoint hooks; the returned object must stay referenced. */
    static SnapStartPriming register(Switchboard switchboard) {
        SnapStartPriming priming = new SnapStartPriming(switchboard);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: clients re-resolve credentials and connections on first use.
    }

    /**
     * Exercises the hot paths without side effects; failures are logged, never thrown into the snapshot.
     *
     * @return whether the store answered every call (false: the snapshot holds the code up to the first request)
     */
    boolean prime() {
        long start = System.nanoTime();
        List<String> frames = List.of(
                "{\"action\":\"join\",\"room\":\"r\",\"id\":\"1\",\"after\":3}",
                "{\"action\":\"send\",\"room\":\"r\",\"id\":\"2\",\"data\":{\"a\":[1,\"b\",true,null]}}",
                "{\"action\":\"direct\",\"user\":\"u\",\"data\":\"x\"}",
                "{\"action\":\"resume\",\"room\":\"r\",\"after\":0}",
                "{\"action\":\"presence\",\"room\":\"r\"}", "{\"action\":\"leave\",\"room\":\"r\"}",
                "{\"action\":\"ping\"}");
        for (String frame : frames) {
            FrameCodec.encode(FrameCodec.decodeClient(frame));
            FrameCodec.actionOf(frame);
        }
        for (ServerFrame frame : List.of(
                new ServerFrame.Message("m", "r", "u", "{}", 1, 1), new ServerFrame.Ack("1", "send", "m", 1L),
                new ServerFrame.History("1", "r", List.of(), false, 0), new ServerFrame.Pong("1", 1))) {
            FrameCodec.decodeServer(FrameCodec.encode(frame));
        }
        primeMetrics();
        try {
            // Nothing changes: reads of a connection and a user that do not exist (no posts follow), and a leave
            // whose transaction is cancelled by its condition, so the write path is marshalled but writes nothing.
            List<ServerFrame> replies = List.of(
                    switchboard.join(NOBODY, NOBODY, new ClientFrame.Join(null, "priming")),
                    switchboard.send(NOBODY, NOBODY, new ClientFrame.Send(null, "priming", "null")).reply(),
                    switchboard.resume(NOBODY, new ClientFrame.Resume(null, "priming", 0)),
                    switchboard.leave(NOBODY, NOBODY, new ClientFrame.Leave(null, "priming")),
                    switchboard.publishToUser(NOBODY, NOBODY, "null", null).reply());
            replies.forEach(FrameCodec::encode);
        } catch (RuntimeException e) {
            LOG.warn("priming could not reach the store: {}", e.toString());
            return false;
        } finally {
            LOG.info("primed for SnapStart in {} ms", (System.nanoTime() - start) / 1_000_000);
        }
        return true;
    }

    /**
     * Serializes an EMF document like the one an invocation flushes, without printing it: a line on stdout would
     * be a metric CloudWatch counts.
     */
    private static void primeMetrics() {
        try {
            MetricsContext metrics = new MetricsContext();
            metrics.setNamespace(Telemetry.NAMESPACE);
            metrics.putDimension(DimensionSet.of("Route", "priming"));
            metrics.putMetric(Telemetry.MESSAGES_IN, 1, Unit.COUNT);
            metrics.putMetric(Telemetry.BROADCAST_DURATION, 0.5, Unit.MILLISECONDS);
            metrics.serialize();
        } catch (JsonProcessingException | IllegalArgumentException e) {
            LOG.warn("priming could not serialize metrics: {}", e.toString());
        }
    }
}
