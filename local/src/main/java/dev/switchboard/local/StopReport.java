package dev.switchboard.local;

import java.time.Duration;

/**
 * What stopping the local stack gave up: work that was waiting (abandoned) or still running at the end of the grace
 * period (interrupted) when it was told to stop, by kind. The stack stops within a few seconds whatever its load,
 * and says what it left undone in its last log line instead of serving a backlog no client waits for any more.
 *
 * @param took        from the stop until everything had stopped
 * @param frames      client frames not served
 * @param handshakes  handshakes refused with 503 instead of running {@code $connect}
 * @param publishes   {@code POST /publish} requests answered 503 instead of being published
 * @param disconnects {@code $disconnect}s not run (their connections' rows expire by TTL, as in AWS)
 * @param fanoutJobs  shards of big broadcasts not delivered
 * @param posts       {@code @connections} posts answered 410 because the stack was stopping
 * @param interrupted invocations and fan-out jobs still running when the grace period ended
 */
public record StopReport(Duration took, long frames, long handshakes, long publishes, long disconnects,
                         long fanoutJobs, long posts, long interrupted) {

    /** Everything given up, together. */
    public long total() {
        return frames + handshakes + publishes + disconnects + fanoutJobs + posts + interrupted;
    }

    /** The same, with the fan-out queue's share. */
    StopReport withFanout(long abandonedJobs, long interruptedJobs) {
        return new StopReport(took, frames, handshakes, publishes, disconnects, fanoutJobs + abandonedJobs, posts,
                interrupted + interruptedJobs);
    }

    StopReport took(Duration value) {
        return new StopReport(value, frames, handshakes, publishes, disconnects, fanoutJobs, posts, interrupted);
    }

    /** The stack's last log line. */
    String logLine() {
        return "STOPPED    in %d ms; gave up %d frames, %d handshakes, %d publishes, %d $disconnects, %d fan-out jobs, "
                .formatted(took.toMillis(), frames, handshakes, publishes, disconnects, fanoutJobs)
                + "%d posts, and interrupted %d running invocations".formatted(posts, interrupted);
    }
}
