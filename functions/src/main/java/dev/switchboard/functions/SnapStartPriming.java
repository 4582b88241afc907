package dev.switchboard.functions;

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

/**
 * Warms a function before Lambda takes its SnapStart snapshot, so restored instances start with classes loaded
 * and code paths compiled: every frame type through the codec, and the store, the history and the
 * {@code @connections} client through calls that change nothing (reads of keys that do not exist, a direct
 * message to a user with no connections). Registered once per container by {@link Services}.
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

    /** Exercises the hot paths without side effects; failures are logged, never thrown into the snapshot. */
    void prime() {
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
        try {
            // Reads only: a membership check that fails, and a user with no connections (Query, no posts).
            switchboard.resume(NOBODY, new ClientFrame.Resume(null, "priming", 0));
            switchboard.publishToUser(NOBODY, NOBODY, "null", null);
        } catch (RuntimeException e) {
            LOG.warn("priming could not reach the store: {}", e.toString());
        }
        LOG.info("primed for SnapStart in {} ms", (System.nanoTime() - start) / 1_000_000);
    }
}
