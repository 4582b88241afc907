package dev.switchboard.functions;

/**
 * A training run for a JDK ahead-of-time cache (JDK 25: {@code java -XX:AOTCacheOutput=app.aot -cp <jar>
 * dev.switchboard.functions.AotTraining}): does what Lambda does before it takes a SnapStart snapshot, wiring the
 * container's services from the environment exactly as a handler's no-argument constructor does, then running the
 * checkpoint hook's priming, and exits. A JVM started with {@code -XX:AOTCache=app.aot} and the same class path
 * then begins with those classes already loaded and linked. Without a reachable table the priming logs a warning
 * and the cache holds the code up to the first request.
 */
public final class AotTraining {

    private AotTraining() {
    }

    public static void main(String[] args) {
        if (!Services.primeNow()) {
            System.err.println("AotTraining: the store did not answer; the cache covers the code up to the first"
                    + " request only");
        }
    }
}
