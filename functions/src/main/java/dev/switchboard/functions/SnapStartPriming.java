package dev.switchboard.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.switchboard.config.MetricNames;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.aws.SwitchboardTable;
import dev.switchboard.protocol.ClientFrame;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * Warms a function before Lambda takes its SnapStart snapshot, so restored instances start with classes loaded
 * and code paths compiled: every frame type through the codec, the metrics serializer, each row kind through its
 * table schema, and the store and the {@code @connections} client through calls that change nothing (each route's
 * read of a connection that does not exist, a direct message to a user with no connections). Registered once per
 * container by {@link Services}; {@link AotTraining} runs the same priming to train an ahead-of-time cache.
 */
final class SnapStartPriming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);
    /** Ids no client can have: connection and user ids from API Gateway and tokens never look like this. */
    static final String NOBODY = "__switchboard_priming__";
    /** The error code DynamoDB answers when the function's role does not allow an action. */
    private static final String ACCESS_DENIED = "AccessDeniedException";

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
     * Exercises the hot paths without side effects; failures are logged, never thrown into the snapshot. Each
     * store call is tried on its own: a function's role allows only its route's DynamoDB actions, so a call
     * refused for lack of permission is expected and skipped, and the calls after it still run.
     *
     * @return whether every step ran: the codec, the metrics serializer and each store call, a refusal for lack
     *         of permission counting as run (false: the store could not be reached, say, and the snapshot holds
     *         the code up to the first request only)
     */
    boolean prime() {
        long start = System.nanoTime();
        boolean ran = primeCodec();
        ran &= primeMetrics();
        ran &= primeSchemas();
        // Nothing changes: each route's read of a connection that does not exist (it answers UNKNOWN_CONNECTION and
        // goes no further), and a user with no connections (no posts follow).
        ran &= primeCall("join", () -> switchboard.join(NOBODY, new ClientFrame.Join(null, "priming")));
        ran &= primeCall("send",
                () -> switchboard.send(NOBODY, NOBODY, new ClientFrame.Send(null, "priming", "null")).reply());
        ran &= primeCall("resume", () -> switchboard.resume(NOBODY, new ClientFrame.Resume(null, "priming", 0)));
        ran &= primeCall("direct", () -> switchboard.publishToUser(NOBODY, NOBODY, "null", null).reply());
        ran &= primeCall("leave", () -> switchboard.leave(NOBODY, new ClientFrame.Leave(null, "priming")));
        LOG.info("primed for SnapStart in {} ms", (System.nanoTime() - start) / 1_000_000);
        return ran;
    }

    private static boolean primeCodec() {
        try {
            for (String frame : List.of(
                    "{\"action\":\"join\",\"room\":\"r\",\"id\":\"1\",\"after\":3}",
                    "{\"action\":\"send\",\"room\":\"r\",\"id\":\"2\",\"data\":{\"a\":[1,\"b\",true,null]}}",
                    "{\"action\":\"direct\",\"user\":\"u\",\"data\":\"x\"}",
                    "{\"action\":\"resume\",\"room\":\"r\",\"after\":0}",
                    "{\"action\":\"presence\",\"room\":\"r\"}", "{\"action\":\"leave\",\"room\":\"r\"}",
                    "{\"action\":\"ping\"}", "{\"action\":\"refresh\",\"token\":\"t\"}")) {
                FrameCodec.encode(FrameCodec.decodeClient(frame));
                FrameCodec.actionOf(frame);
            }
            for (ServerFrame frame : List.of(
                    new ServerFrame.Message("m", "r", "u", "{}", 1, 1), new ServerFrame.Ack("1", "send", "m", 1L),
                    new ServerFrame.History("1", "r", List.of(), false, 0), new ServerFrame.Pong("1", 1))) {
                FrameCodec.decodeServer(FrameCodec.encode(frame));
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("priming could not run the codec: {}", e.toString());
            return false;
        }
    }

    /** Each row kind through its table schema, which the calls below stop short of for an unknown connection. */
    private static boolean primeSchemas() {
        try {
            SwitchboardTable.primeSchemas();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("priming could not map the table's rows: {}", e.toString());
            return false;
        }
    }

    /** One store call and the encoding of its reply; true unless the store could not be reached. */
    private static boolean primeCall(String what, Supplier<ServerFrame> call) {
        try {
            FrameCodec.encode(call.get());
            return true;
        } catch (AwsServiceException e) {
            if (ACCESS_DENIED.equals(e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode())) {
                LOG.debug("priming skipped {}: this function may not do it", what);
                return true;
            }
            LOG.warn("priming {} was refused: {}", what, e.toString());
            return false;
        } catch (RuntimeException e) {
            LOG.warn("priming {} could not reach the store: {}", what, e.toString());
            return false;
        }
    }

    /**
     * Serializes an EMF document like the one an invocation flushes, without printing it: a line on stdout would
     * be a metric CloudWatch counts.
     */
    private static boolean primeMetrics() {
        try {
            MetricsContext metrics = new MetricsContext();
            metrics.setNamespace(MetricNames.NAMESPACE);
            metrics.putDimension(DimensionSet.of("Route", "priming"));
            metrics.putMetric(MetricNames.MESSAGES_IN, 1, Unit.COUNT);
            metrics.putMetric(MetricNames.BROADCAST_DURATION, 0.5, Unit.MILLISECONDS);
            metrics.serialize();
            return true;
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warn("priming could not serialize metrics: {}", e.toString());
            return false;
        }
    }
}
