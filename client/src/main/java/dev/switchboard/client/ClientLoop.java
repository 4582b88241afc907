package dev.switchboard.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The client's two threads: the loop, the only thread that touches the client's state (so none of it needs
 * locks), and the listener's, which runs the application's callbacks one after the other, in order, so a slow
 * callback never holds up the connection.
 */
final class ClientLoop {

    private final ScheduledExecutorService loop =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "switchboard-client"));
    private final ExecutorService callbacks =
            Executors.newSingleThreadExecutor(r -> daemon(r, "switchboard-client-listener"));
    private final SwitchboardClient.Listener listener;

    ClientLoop(SwitchboardClient.Listener listener) {
        this.listener = listener;
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Runs work on the loop; throws {@link RejectedExecutionException} once the client is shut down. */
    void execute(Runnable work) {
        loop.execute(work);
    }

    /** Runs work on the loop later; after the client is shut down there is nothing left to do. */
    void post(Runnable work) {
        try {
            loop.execute(work);
        } catch (RejectedExecutionException closed) {
            // The client was closed meanwhile.
        }
    }

    ScheduledFuture<?> schedule(Runnable work, Duration delay) {
        return loop.schedule(work, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    void every(Duration period, Runnable work) {
        loop.scheduleAtFixedRate(work, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code work} on the loop and completes with the future it returns; failed if the client is closed. */
    <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    work.get().whenComplete((value, error) -> {
                        if (error != null) {
                            result.completeExceptionally(error);
                        } else {
                            result.complete(value);
                        }
                    });
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(ClientSideException.internal("client closed", false));
        }
        return result;
    }

    /** Runs a listener callback on the listener's thread, after those already queued. */
    void tell(Consumer<SwitchboardClient.Listener> callback) {
        callbacks.execute(() -> callback.accept(listener));
    }

    void shutdown() {
        loop.shutdown();
        callbacks.shutdown();
    }
}
