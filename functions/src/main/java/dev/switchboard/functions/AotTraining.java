package dev.switchboard.functions;

import dev.switchboard.protocol.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * A training run for a JDK ahead-of-time cache (JDK 25: {@code java -XX:AOTCacheOutput=app.aot -cp <jar>
 * dev.switchboard.functions.AotTraining}): what Lambda's init phase and SnapStart's checkpoint hook do, for every
 * function at once. It builds each route's handler, the publisher's and the fan-out worker's through their
 * no-argument constructors (which wire the container's services from the environment, as in Lambda), runs the
 * checkpoint hook's priming, and exits. A JVM started with {@code -XX:AOTCache=app.aot} and the same class path
 * then begins with those classes already loaded and linked. The authorizer is left out: it needs its signing key.
 * Exits with status 1 when the priming could not run in full (no reachable table, say): the cache then covers the
 * code up to the first request only.
 */
public final class AotTraining {

    private AotTraining() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        List<String> handlers = new ArrayList<>();
        for (Route route : Route.values()) {
            handlers.add(Handlers.classOf(route));
        }
        handlers.add(Handlers.PUBLISHER);
        handlers.add(Handlers.FANOUT);
        for (String handler : handlers) {
            Class.forName(handler).getConstructor().newInstance();
        }
        if (!Services.primeNow()) {
            System.err.println("AotTraining: the priming did not run in full (see the log); the cache covers the code"
                    + " up to the first request only");
            System.exit(1);
        }
    }
}
