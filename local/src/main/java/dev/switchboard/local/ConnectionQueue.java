package dev.switchboard.local;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's invocations, run one at a time in arrival order on a shared executor, and bounded: a client
 * that sends faster than it is served fills its queue, the gateway stops reading its socket
 * ({@link Offer#PAUSE}), and TCP holds the rest back in the client; the gateway reads again once the queue has
 * drained to half ({@code onDrained}). Frames decoded from the last read before the pause still queue, up to the
 * hard bound ({@link Offer#FULL}: the gateway refuses the frame instead). So one client's flood costs the emulator
 * at most about {@value #MAX_BYTES} bytes and {@value #MAX_FRAMES} frames of heap, however fast it sends, and a
 * few flooding connections hold a small part of what the stack admits at once ({@link Intake#MIN_BACKLOG} at the
 * least), leaving the rest to everyone else.
 *
 * <pre>{@code
 * ConnectionQueue queue = new ConnectionQueue(invocations);
 * queue.onDrained(() -> channel.eventLoop().execute(resumeReading));
 * switch (queue.offer(task, body.length())) { case PAUSE -> stopReading(); case FULL -> refuse(); default -> { } }
 * }</pre>
 */
final class ConnectionQueue implements Executor {

    /** Queued frames, or their characters, at which the gateway stops reading the socket. */
    static final int PAUSE_FRAMES = 32;
    static final int PAUSE_BYTES = 256 * 1024;
    /** Queued frames, or their characters, past which a frame is refused (it came in the same read as the pause). */
    static final int MAX_FRAMES = 2 * PAUSE_FRAMES;
    static final int MAX_BYTES = 2 * PAUSE_BYTES;

    /** What became of an offered frame. */
    enum Offer {
        /** Queued. */
        QUEUED,
        /** Queued, and the queue is full enough that the socket should not be read until it drains. */
        PAUSE,
        /** Not queued: the queue is at its hard bound. */
        FULL
    }

    private static final Logger LOG = LoggerFactory.getLogger("dev.switchboard.local.Gateway");

    private record Entry(Runnable task, int bytes) {
    }

    private final Executor delegate;
    private final Queue<Entry> tasks = new ArrayDeque<>();
    private boolean running;
    private int frames;
    private long bytes;
    private boolean paused;
    private volatile Runnable onDrained = () -> { };

    ConnectionQueue(Executor delegate) {
        this.delegate = delegate;
    }

    /** What to do once a paused queue has drained to half of where it paused (called on a worker thread). */
    void onDrained(Runnable action) {
        onDrained = action;
    }

    /** Queues a frame's invocation of {@code size} characters, unless the queue is at its hard bound. */
    Offer offer(Runnable task, int size) {
        synchronized (this) {
            if (frames >= MAX_FRAMES || bytes + size > MAX_BYTES) {
                return Offer.FULL;
            }
            tasks.add(new Entry(task, size));
            frames++;
            bytes += size;
            if (frames >= PAUSE_FRAMES || bytes >= PAUSE_BYTES) {
                paused = true;
            }
            startIfIdle();
            return paused ? Offer.PAUSE : Offer.QUEUED;
        }
    }

    /** Queues a task that is never refused (the {@code $disconnect} after the socket closed), behind the rest. */
    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(new Entry(task, 0));
            frames++;
            startIfIdle();
        }
    }

    /** Whether the socket should stay unread: the queue paused and has not drained to half since. */
    synchronized boolean paused() {
        return paused;
    }

    /** Frames queued or running. */
    synchronized int size() {
        return frames;
    }

    private void startIfIdle() {
        if (!running) {
            running = true;
            delegate.execute(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Entry next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.task().run();
            } catch (RuntimeException e) {
                // The next frames of this connection must still be served.
                LOG.error("invocation failed outside its integration: {}", e.toString(), e);
            } finally {
                boolean drained;
                synchronized (this) {
                    tasks.remove();
                    frames--;
                    bytes -= next.bytes();
                    drained = paused && frames <= PAUSE_FRAMES / 2 && bytes <= PAUSE_BYTES / 2;
                    if (drained) {
                        paused = false;
                    }
                }
                if (drained) {
                    onDrained.run();
                }
            }
        }
    }
}
