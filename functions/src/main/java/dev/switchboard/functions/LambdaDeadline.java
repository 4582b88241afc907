package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import dev.switchboard.core.InvocationDeadline;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The current Lambda invocation's deadline, as the broadcaster reads it: the context's remaining time less a safety
 * margin, so a broadcast that cannot finish hands the rest of its recipients to the fan-out queue while there is
 * still time to, rather than being cut off with the invocation. Outside Lambda (tests, the local stack) there is
 * no deadline.
 */
final class LambdaDeadline implements InvocationDeadline {

    /**
     * Time kept back from the remaining time: a post already in flight may take its socket timeout (5 s), then the
     * leftovers go to the queue and the reply goes back.
     */
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(6);

    static final LambdaDeadline INSTANCE = new LambdaDeadline();

    private static final ThreadLocal<Instant> STOP_BY = new ThreadLocal<>();

    private LambdaDeadline() {
    }

    @Override
    public Optional<Instant> current() {
        return Optional.ofNullable(STOP_BY.get());
    }

    /** Runs one invocation with its deadline set for the broadcaster (none when {@code context} is null). */
    static <T> T during(Context context, Supplier<T> body) {
        if (context == null) {
            return body.get();
        }
        Instant previous = STOP_BY.get();
        STOP_BY.set(Instant.now().plusMillis(context.getRemainingTimeInMillis()).minus(SAFETY_MARGIN));
        try {
            return body.get();
        } finally {
            if (previous == null) {
                STOP_BY.remove();
            } else {
                STOP_BY.set(previous);
            }
        }
    }
}
