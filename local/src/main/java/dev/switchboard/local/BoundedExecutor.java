package dev.switchboard.local;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Runs tasks on a delegate with at most {@code limit} running at once; the others wait (on virtual threads). */
final class BoundedExecutor extends AbstractExecutorService {

    private final ExecutorService delegate;
    private final Semaphore permits;

    BoundedExecutor(ExecutorService delegate, int limit) {
        this.delegate = delegate;
        this.permits = new Semaphore(limit);
    }

    @Override
    public void execute(Runnable task) {
        delegate.execute(() -> {
            permits.acquireUninterruptibly();
            try {
                task.run();
            } finally {
                permits.release();
            }
        });
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return delegate.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return delegate.awaitTermination(timeout, unit);
    }
}
